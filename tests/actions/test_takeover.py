"""The verify step's checks, pure: Pacemaker, the kernel, the service probe and SIP, each a
sentence, and any one of them failing stops the flow."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from console.actions.runbook import Step, Switchover
from console.actions.takeover import takeover_check
from console.model.live.client_view import ClientView, SipAnswer
from console.model.live.snapshot import LiveSnapshot
from tests.support import snapshots as b

PAUSED_ON_B = Switchover("sipcluster", "node-a", "ClusterIP", Step.VERIFY, 0.0, 0.0,
                         peer="node-b", standby_at=0.0)


def taken_over(**options: Any) -> LiveSnapshot:
    return b.live(b.cluster(vip_on=("node-b",)), **options)


def test_a_clean_takeover_holds_every_check() -> None:
    snapshot = taken_over(service_running={"node-b": True})
    held, failed = takeover_check(PAUSED_ON_B, snapshot)
    assert failed == ()
    assert "Pacemaker runs ClusterIP on node-b" in held
    assert "the kernel has 192.168.122.100 on node-b only" in held
    assert "the service's process runs on node-b" in held


def test_the_address_still_bound_on_the_old_holder_fails_the_check() -> None:
    _, failed = takeover_check(PAUSED_ON_B, taken_over(bound_on=("node-a", "node-b")))
    assert failed == ("the kernel has 192.168.122.100 on node-a, node-b",)


def test_a_service_process_that_does_not_run_fails_the_check() -> None:
    _, failed = takeover_check(PAUSED_ON_B, taken_over(service_running={"node-b": False}))
    assert failed == ("the service's process does not run on node-b",)


def test_a_sip_probe_without_an_answer_fails_the_check() -> None:
    snapshot = taken_over()
    answers = {"node-a": SipAnswer(False, error="timeout"), "node-b": SipAnswer(True)}
    silent = ClientView(arp={}, arp_nodes=(), service=answers)
    _, failed = takeover_check(PAUSED_ON_B, replace(snapshot, client_view={"ClusterIP": silent}))
    assert failed == ("SIP OPTIONS on the VIP got no answer from node-a",)


def test_the_vip_still_on_the_old_holder_fails_pacemakers_check() -> None:
    _, failed = takeover_check(PAUSED_ON_B, b.live(b.cluster(vip_on=("node-a",))))
    assert "Pacemaker runs ClusterIP on node-a, not on node-b" in failed
