"""`hacon switchover` on the real lab, one process per step as an operator runs it on the daily
loop: standby of the VIP holder, a new process shows where the flow stopped, another verifies the
takeover and stops for the maintenance; a node onlined by hand stops the runbook (exit 3, CIB
unchanged); the last process brings the node online and ends the flow. Pacemaker's own view and
the kernel's address list are the oracle."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest

from console.actions import runbook_store
from console.actions.runbook import Step

from .fixtures import FigureRecorder
from .harness import Lab
from .test_actions_standby import config_version, hacon, journal

pytestmark = pytest.mark.lab


@pytest.fixture
def lab_after(healthy_lab: Lab) -> Iterator[Lab]:
    """The healthy lab, healthy again afterwards (both nodes online, whatever the test did)."""
    yield healthy_lab
    healthy_lab.restore()


def timed(lab: Lab, *argv: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = hacon(lab, "switchover", *argv)
    return result, time.monotonic() - started


def test_switchover_in_steps_across_processes_refuses_a_hand_change_and_finishes(
        lab_after: Lab, lab_figures: FigureRecorder) -> None:
    lab = lab_after
    holder = lab.vip()[0]
    peer = next(node for node in lab.nodes if node != holder)

    standby, seconds = timed(lab, "--yes", "--step")
    assert standby.returncode == 0, standby.stderr
    assert "standby: failover done in" in standby.stderr
    assert lab.vip() == [peer] and holder in lab.view(peer).standby
    lab_figures("hacon switchover --step: standby applied and verified (process)", seconds)
    saved = runbook_store.load("lab")
    assert saved is not None and saved.step is Step.VERIFY and saved.peer == peer

    status = hacon(lab, "switchover", "--status")  # a new process: where did it stop?
    assert status.returncode == 0, status.stderr
    assert (f"waiting at: Check that the VIP and the service answer on {peer}"
            in status.stdout)
    assert f"✓ Put {holder} in standby" in status.stdout

    verify, seconds = timed(lab, "--yes")
    assert verify.returncode == 0, verify.stderr
    err = verify.stderr
    assert f"verify: the kernel has {lab.vip_address} on {peer} only" in err
    assert f"{holder} is in standby: do the maintenance" in err
    lab_figures("hacon switchover: takeover verified, paused (process)", seconds)
    assert runbook_store.load("lab").step is Step.PAUSE  # type: ignore[union-attr]

    lab.set_standby(holder, False)  # someone brings the node back by hand
    lab.wait(60)
    before = config_version(lab, peer)
    refused = hacon(lab, "switchover", "--yes")
    assert refused.returncode == 3, refused.stderr
    assert (f"{holder} is online again, but the runbook left it in standby: someone brought "
            "it online by hand") in refused.stderr
    assert config_version(lab, peer) == before  # nothing sent
    assert runbook_store.load("lab").step is Step.PAUSE  # type: ignore[union-attr]

    lab.set_standby(holder, True)  # as the runbook left it
    lab.wait(60)
    assert lab.vip() == [peer]
    online, seconds = timed(lab, "--yes", "--failback")
    assert online.returncode == 0, online.stderr
    assert "switchover done" in online.stderr
    lab_figures("hacon switchover: online verified, flow done (process)", seconds)
    assert holder not in lab.view(holder).standby and holder in lab.view(holder).online
    assert runbook_store.load("lab") is None
    actions = [(entry["action"], entry["outcome"]) for entry in journal()]
    assert actions[:3] == [("switchover start", "done"), ("standby", "done"),
                           ("switchover verify", "done")]
    assert ("switchover pause", "refused") in actions
    assert actions[-4:] == [("switchover pause", "done"), ("online", "done"),
                            ("switchover failback", "cancelled"), ("switchover done", "done")]
    assert "failback: skipped: ClusterIP has no preferred node" in online.stderr
