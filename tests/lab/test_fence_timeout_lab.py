"""A fencing that hangs, on the real fencing lab: stonith_admin gives up by itself (hacon passes
it --timeout) and says why, before hacon stops waiting for the command; nothing is powered off.

The lab's power switch (the host-side Fencer thread) is switched off for the test, so the fence
agent waits for an answer that never comes. A new switch is started afterwards, once the
unanswered request is gone, so no late answer powers a node off behind the next test's back.
"""

from __future__ import annotations

import time

import pytest

from console.actions.execute import COMMAND_TIMEOUT_S

from .fencing import Fencer
from .fixtures import FigureRecorder
from .harness import Lab
from .test_actions_standby import journal
from .test_actions_toolkit import hacon_typing, peer_of

pytestmark = pytest.mark.lab


def _switch_back_on(lab: Lab) -> None:
    """Drop the unanswered requests (their agents have given up), then a fresh switch."""
    time.sleep(1.0)
    for request in lab.files.fence_requests.glob("*.req"):
        request.unlink()
    lab.fencer = Fencer(lab, lab.files.fence_requests)
    lab.fencer.start()


def test_a_hanging_fencing_is_reported_by_stonith_admin_before_hacon_stops_waiting(
        healthy_lab_fenced: Lab, lab_figures: FigureRecorder) -> None:
    lab = healthy_lab_fenced
    assert lab.fencer is not None
    holder = lab.vip()[0]
    victim = peer_of(lab, holder)
    lab.fencer.stop()
    try:
        started = time.monotonic()
        result = hacon_typing(lab, f"{victim}\n", "fence", victim, "--yes")
        took = time.monotonic() - started
    finally:
        _switch_back_on(lab)
    lab_figures("hacon fence, the power switch silent: until stonith_admin gave up", took)
    assert result.returncode == 1, result.stderr
    assert f"stonith_admin --reboot on {holder} failed (124): stonith_admin: Couldn't fence " \
           f"{victim}: Timer expired (Fence agent did not complete within 20s)" in result.stderr
    assert took < COMMAND_TIMEOUT_S + 10  # the plan and preview take a few seconds more
    assert lab.state.nodes[victim].init_pid is not None  # nothing was powered off
    assert (journal()[-1]["action"], journal()[-1]["outcome"]) == ("fence", "failed")
    assert lab.wait(60) == holder
    assert lab.fencer is not None and lab.fencer.done == []  # no late answer to the request
