"""The real `hacon --cib-file` in a real terminal (tmux), driven by keys as a person would.

A private tmux server (its own socket) runs the console on a CIB captured from the lab; the test
reads the screen with capture-pane after each key. Only that private server is ever killed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hacon_process import hacon
from tests.support.paths import REPO_ROOT
from tests.tmux_driver import Terminal, requires_tmux, tmux_terminal

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "lab" / "cli-ban" / "node-a.cib.xml"
SCREEN_TIMEOUT_S = 20.0

pytestmark = requires_tmux


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    # COLUMNS/LINES from the test runner would override the terminal's real size.
    command = (f"env -u COLUMNS -u LINES {sys.executable} -m console --cib-file {FIXTURE} "
               "--theme console-dark")
    with tmux_terminal(command, socket_prefix="hacon-test", timeout_s=SCREEN_TIMEOUT_S) as term:
        yield term


def test_operator_reads_a_cib_file_in_a_real_terminal(terminal: Terminal) -> None:
    terminal.wait_for("VIP 10.213.48.100/24 ClusterIP on node-b")
    terminal.wait_for("LEFTOVER cli-ban")
    screen = terminal.wait_for("read-only, captured")
    assert "STALE" not in screen

    terminal.keys("?")
    terminal.wait_for("hacon keys")
    terminal.keys("Escape")
    terminal.wait_for("Failures & advisories")

    terminal.keys("2", "/")
    terminal.wait_for("filter Resources: type text")
    terminal.keys("o", "s", "i", "p", "s", "Enter")
    screen = terminal.wait_for("matching 'osips'")
    # The Resource column fits what is left (OSIPS): columns follow their content.
    assert "│ ClusterIP  Started" not in screen and "│ OSIPS     Started" in screen

    terminal.keys("q")
    deadline = time.monotonic() + SCREEN_TIMEOUT_S
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.alive(), "q did not quit"


def test_unreadable_file_is_one_line_not_a_screen(tmp_path: Path) -> None:
    bad = tmp_path / "cib.xml"
    bad.write_bytes(b"<cib><not-closed>")
    result = hacon("--cib-file", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith("hacon: ") and result.stderr.count("\n") == 1
