"""The real `hacon demo` in a real terminal (tmux): it opens on its own cluster within seconds,
and a scripted power loss moves the VIP on screen. Only the test's private tmux server is ended.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tests.support.paths import REPO_ROOT
from tests.tmux_driver import Terminal, requires_tmux, tmux_terminal

SCREEN_TIMEOUT_S = 30.0

pytestmark = requires_tmux


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    command = (f"cd {REPO_ROOT} && env -u COLUMNS -u LINES {sys.executable} -m console demo "
               "--theme console-dark; echo hacon-exited-$?; sleep 30")
    with tmux_terminal(command, socket_prefix="hacon-demo-test",
                       timeout_s=SCREEN_TIMEOUT_S) as term:
        yield term


@pytest.mark.slow
def test_a_new_user_opens_the_demo_and_pulls_the_plug(terminal: Terminal) -> None:
    terminal.wait_for("ClusterIP on node-a")
    terminal.wait_for("d Faults")

    terminal.keys("d")
    terminal.wait_for("Power loss of the VIP holder")
    terminal.keys("Enter")  # the first fault: power loss of the VIP holder (node-a)
    terminal.wait_for("node-a lost power")
    terminal.wait_for("ClusterIP on node-b")  # the survivor took over (~6.5 s)

    terminal.keys("q")
    terminal.wait_for("hacon-exited-0")
