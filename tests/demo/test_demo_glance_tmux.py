"""`hacon demo` at 80x24 in a real terminal (tmux), read as an operator reads it: every footer
key on screen, no toast over the standby dialog, and a flapping service's critical failcount
brought into view even while Events fill the shared slot. Only the private tmux server ends."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import pytest

from console.demo.scenarios import SCENARIOS
from tests.support.paths import REPO_ROOT
from tests.tmux_driver import Terminal, requires_tmux, tmux_terminal

SCREEN_TIMEOUT_S = 30.0
FLAPPING = list(SCENARIOS).index("flapping")
"""The flapping fault's place in the demo menu (0-based, menu order)."""

pytestmark = requires_tmux


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    command = (f"cd {REPO_ROOT} && env -u COLUMNS -u LINES {sys.executable} -m console demo "
               "--theme console-dark; echo hacon-exited-$?; sleep 30")
    with tmux_terminal(command, socket_prefix="hacon-glance-test", timeout_s=SCREEN_TIMEOUT_S,
                       size=(80, 24)) as term:
        yield term


@pytest.mark.slow
def test_at_80x24_nothing_hides_the_next_step(terminal: Terminal) -> None:
    screen = terminal.wait_for("ClusterIP on node-a")
    footer = terminal.wait_for("q Quit").splitlines()[-1]
    assert "d Faults" in footer and "s Standby" in footer, footer

    terminal.keys("5")  # Events in the shared slot, as the operator had it
    terminal.wait_for("╭─ Events")
    terminal.keys("d")
    terminal.wait_for("Broken service configuration (flapping)")
    terminal.keys(*["j"] * FLAPPING, "Enter")  # j moves in the menu too
    terminal.wait_for("configuration on")  # the toast is up: at once, standby of node-b
    terminal.keys("1", "j", "s")
    screen = terminal.wait_for("Yes (y)")
    assert "Put node-b in standby?" in screen and "No (n)" in screen
    assert "configuration on" not in screen, screen  # the toast is not drawn over it
    terminal.keys("n")

    # The flapping service reaches its threshold: the slot switches to the failures by itself.
    screen = terminal.wait_for("critical)")  # the switcher counts them (once the toast is gone)
    assert "╭─ Failures & advisories" in screen, screen
    assert "3: failures (" in screen

    terminal.keys("q")
    deadline = time.monotonic() + SCREEN_TIMEOUT_S
    while "hacon-exited-0" not in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "hacon-exited-0" in terminal.screen()
