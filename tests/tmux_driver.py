"""A real terminal for end-to-end tests: one session on a private tmux server, read by keys.

The server has its own socket (`tmux -L`) and is the only one ever killed, so an operator's own
tmux sessions are never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

requires_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One tmux session ("console") on a private socket."""

    def __init__(self, socket: str, *, timeout_s: float) -> None:
        self.socket = socket
        self.timeout_s = timeout_s
        """How long `wait_for` waits for a text to appear."""

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                              capture_output=True, text=True, check=False).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "console")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "console", *keys)

    def wait_for(self, text: str) -> str:
        """Wait until `text` is on screen; fail with the last screen if it never comes."""
        deadline = time.monotonic() + self.timeout_s
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def alive(self) -> bool:
        return "console" in self.tmux("list-sessions", "-F", "#{session_name}")


@contextmanager
def tmux_terminal(command: str, *, socket_prefix: str, timeout_s: float,
                  size: tuple[int, int] = (120, 36)) -> Iterator[Terminal]:
    """Run the shell `command` in an xterm-256color session of `size` (columns, lines);
    kill its server afterwards."""
    term = Terminal(f"{socket_prefix}-{uuid.uuid4().hex[:8]}", timeout_s=timeout_s)
    term.tmux("new-session", "-d", "-s", "console", "-x", str(size[0]), "-y", str(size[1]),
              "-e", "TERM=xterm-256color", command)
    try:
        yield term
    finally:
        term.tmux("kill-server")
