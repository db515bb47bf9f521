"""The guards as truth tables: every reason an operator must be told, and the cases that pass.

CIBs are the real lab's (tests/fixtures/lab), edited as a cluster would have written them. In
healthy-2node, ClusterIP and OSIPS (colocated INFINITY) run on node-a.
"""

from __future__ import annotations

import pytest
from cib_edits import (
    ban,
    edited,
    failcount,
    lab_cib,
    location,
    maintenance,
    maintenance_mode,
    no_quorum,
    offline,
    standby,
)

from console.actions import guards
from console.model import parse_cib
from console.model.live.snapshot import LiveSnapshot, NodeView, Verdict

TWO = lab_cib("healthy-2node")
THREE = lab_cib("healthy-3node")


@pytest.mark.parametrize(("cib", "node", "expected"), [
    # Allowed: the other node can take the VIP.
    (TWO, "node-a", None),
    (TWO, "node-b", None),
    (THREE, "node-a", None),
    (edited(THREE, standby("node-b")), "node-a", None),  # node-c remains
    # Never both nodes of a two-node cluster in standby.
    (edited(TWO, standby("node-b")), "node-a", "node-b in standby"),
    (lab_cib("standby-node-a"), "node-b", "node-a in standby"),
    # Never every node of a larger one.
    (edited(THREE, standby("node-b"), standby("node-c")), "node-a", "no node could run"),
    # Every other reason the other node could not run the VIP.
    (edited(TWO, offline("node-b")), "node-a", "node-b offline"),
    (edited(TWO, maintenance("node-b")), "node-a", "node-b in maintenance"),
    (edited(TWO, ban("ClusterIP", "node-b")), "node-a", "banned there by cli-ban-ClusterIP"),
    (edited(TWO, ban("OSIPS", "node-b")), "node-a", "OSIPS banned there"),
    (edited(TWO, location("no-b", "ClusterIP", "node-b", "-INFINITY")), "node-a",
     "banned there by no-b"),
    # The remaining node has reached migration-threshold for the colocated service.
    (edited(TWO, failcount("node-a", "OSIPS")), "node-b", "migration-threshold"),
    # Target problems and cluster-wide ones.
    (TWO, "node-z", "node-z is not a node"),
    (lab_cib("standby-node-a"), "node-a", "already in standby"),
    (edited(TWO, no_quorum), "node-a", "no quorum"),
    (edited(TWO, maintenance_mode), "node-a", "maintenance mode"),
])
def test_standby_guard(cib: bytes, node: str, expected: str | None) -> None:
    reason = guards.standby_blocked_reason(parse_cib(cib), node)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


def test_a_score_that_only_discourages_does_not_block() -> None:
    cib = edited(TWO, location("avoid-b", "ClusterIP", "node-b", "-100"))
    assert guards.standby_blocked_reason(parse_cib(cib), "node-a") is None


@pytest.mark.parametrize(("cib", "node", "expected"), [
    (lab_cib("standby-node-a"), "node-a", None),
    (TWO, "node-a", "not in standby"),
    (TWO, "ghost", "not a node"),
])
def test_online_guard(cib: bytes, node: str, expected: str | None) -> None:
    reason = guards.online_blocked_reason(parse_cib(cib), node)
    assert reason is None if expected is None else expected in (reason or "")


@pytest.mark.parametrize(("resource", "node", "expected"), [
    ("OSIPS", "node-a", None),
    ("OSIPS", None, None),
    ("OSIPS", "node-b", "no failcount or failed operation on node-b"),
    ("ClusterIP", None, "no failcount"),
    ("Nope", None, "not a resource"),
])
def test_cleanup_guard(resource: str, node: str | None, expected: str | None) -> None:
    snapshot = parse_cib(lab_cib("osips-failed"))
    reason = guards.cleanup_blocked_reason(snapshot, resource, node)
    assert reason is None if expected is None else expected in (reason or "")


@pytest.mark.parametrize(("cib", "resource", "expected"), [
    (lab_cib("cli-ban"), None, None),
    (lab_cib("cli-ban"), "ClusterIP", None),
    (lab_cib("cli-ban"), "OSIPS", "no cli-prefer or cli-ban constraint of OSIPS"),
    (TWO, None, "no cli-prefer or cli-ban"),
    (edited(TWO, location("user-ban", "ClusterIP", "node-b", "-INFINITY")), None, "no cli-"),
])
def test_clear_guard(cib: bytes, resource: str | None, expected: str | None) -> None:
    reason = guards.clear_blocked_reason(parse_cib(cib), resource)
    assert reason is None if expected is None else expected in (reason or "")


PREFER_B = location("prefer-b", "ClusterIP", "node-b", "100")


@pytest.mark.parametrize(("cib", "expected"), [
    (edited(TWO, PREFER_B), None),
    (edited(TWO, PREFER_B, ban("ClusterIP", "node-b")), None),  # failback clears the ban
    (TWO, "no preferred node"),
    (edited(TWO, location("prefer-a", "ClusterIP", "node-a", "100")), "already runs on"),
    (edited(TWO, PREFER_B, standby("node-b")), "cannot run on its preferred node node-b"),
    (edited(TWO, PREFER_B, location("user-no", "OSIPS", "node-b", "-INFINITY")),
     "OSIPS banned there by user-no"),
])
def test_failback_guard(cib: bytes, expected: str | None) -> None:
    reason = guards.failback_blocked_reason(parse_cib(cib))
    assert reason is None if expected is None else expected in (reason or "")


# -- the live snapshot: data that cannot be acted on ---------------------------------------------


def live(verdict: Verdict = Verdict.CONSISTENT, *, cib: bytes | None = TWO,
         split_brain: bool = False, fetched_at: float = 1000.0,
         partitions: tuple[tuple[str, ...], ...] = (("node-a", "node-b"),)) -> LiveSnapshot:
    views = {name: NodeView(name, reachable=True) for name in ("node-a", "node-b")}
    return LiveSnapshot(cluster=parse_cib(cib) if cib else None, source_node="node-a",
                        views=views, verdict=verdict, split_brain=split_brain, vip_truth={},
                        fetched_at=fetched_at, partitions=partitions)


@pytest.mark.parametrize(("snapshot", "now", "expected"), [
    (live(), 1010.0, None),
    (live(Verdict.LAGGING), 1010.0, None),
    (live(), 1100.0, "100 s old"),
    (live(cib=None), 1010.0, "no node gave its CIB"),
    (live(Verdict.SPLIT_BRAIN, split_brain=True), 1010.0, "SPLIT BRAIN"),
    (live(Verdict.PARTITIONED, partitions=(("node-a",), ("node-b",))), 1010.0,
     "partitions: node-a | node-b"),
    (live(Verdict.UNKNOWN), 1010.0, "no node answered"),
])
def test_every_guard_refuses_data_it_cannot_trust(snapshot: LiveSnapshot, now: float,
                                                  expected: str | None) -> None:
    reasons = [
        guards.standby_blocked_reason(snapshot, "node-a", now=now),
        guards.failback_blocked_reason(snapshot, now=now),
        guards.clear_blocked_reason(snapshot, now=now),
    ]
    if expected is None:
        assert reasons[0] is None
    else:
        assert all(reason is not None and expected in reason for reason in reasons)
