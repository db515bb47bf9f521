"""The real `hacon demo` in a real terminal (tmux): it opens on its own cluster within seconds,
and a scripted power loss moves the VIP on screen. Only the test's private tmux server is ended.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import REPO_ROOT

SCREEN_TIMEOUT_S = 30.0

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One tmux session on a private socket."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                              capture_output=True, text=True, check=False).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "console")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "console", *keys)

    def wait_for(self, text: str) -> str:
        """Wait until `text` is on screen; fail with the last screen if it never comes."""
        deadline = time.monotonic() + SCREEN_TIMEOUT_S
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(f"hacon-demo-test-{uuid.uuid4().hex[:8]}")
    command = (f"cd {REPO_ROOT} && env -u COLUMNS -u LINES {sys.executable} -m console demo "
               "--theme console-dark; echo hacon-exited-$?; sleep 30")
    term.tmux("new-session", "-d", "-s", "console", "-x", "120", "-y", "36",
              "-e", "TERM=xterm-256color", command)
    yield term
    term.tmux("kill-server")


@pytest.mark.slow
def test_a_new_user_opens_the_demo_and_pulls_the_plug(terminal: Terminal) -> None:
    terminal.wait_for("ClusterIP on node-a")
    terminal.wait_for("d Demo faults")

    terminal.keys("d")
    terminal.wait_for("Power loss of the VIP holder")
    terminal.keys("Enter")  # the first fault: power loss of the VIP holder (node-a)
    terminal.wait_for("node-a lost power")
    terminal.wait_for("ClusterIP on node-b")  # the survivor took over (~6.5 s)

    terminal.keys("q")
    terminal.wait_for("hacon-exited-0")
