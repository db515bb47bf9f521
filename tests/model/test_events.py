"""Events: the diff of two snapshots, stamped with the caller's time."""

from __future__ import annotations

from dataclasses import replace

from console.model.live.events import EventKind, diff_snapshots
from console.model.live.snapshot import Verdict
from tests.support import snapshots as b

AT = 1_800_000_100.0


def texts(before: object, after: object) -> list[str]:
    return [e.text for e in diff_snapshots(before, after, AT)]  # type: ignore[arg-type]


def test_first_snapshot_gives_no_events() -> None:
    assert diff_snapshots(None, b.live(), AT) == ()


def test_identical_snapshots_give_no_events() -> None:
    assert diff_snapshots(b.live(), b.live(), AT) == ()


def test_vip_and_service_move() -> None:
    events = diff_snapshots(b.live(), b.live(b.cluster(vip_on=("node-b",))), AT)
    assert [(e.kind, e.text) for e in events] == [
        (EventKind.VIP_MOVED, "ClusterIP node-a → node-b"),
        (EventKind.RESOURCE_MOVED, "OSIPS node-a → node-b"),
    ]
    assert all(e.at == AT for e in events)


def test_vip_stopping_is_alarming() -> None:
    events = diff_snapshots(b.live(), b.live(b.cluster(vip_on=())), AT)
    assert events[0].text == "ClusterIP node-a → stopped" and events[0].alarming


def test_node_state_change() -> None:
    nodes = [b.node("node-a", dc=True), b.node("node-b", standby=True)]
    assert texts(b.live(), b.live(b.cluster(nodes=nodes))) == ["node-b online → standby"]


def test_failure_appears_once_and_clears() -> None:
    failed = b.live(b.cluster(failures=(b.failure("OSIPS", "node-a"),)))
    appeared = diff_snapshots(b.live(), failed, AT)
    assert [(e.kind, e.alarming) for e in appeared] == [(EventKind.FAILURE, True)]
    assert "OSIPS monitor failed on node-a" in appeared[0].text
    assert diff_snapshots(failed, failed, AT) == ()
    assert [e.kind for e in diff_snapshots(failed, b.live(), AT)] == [EventKind.FAILURE_CLEARED]


def test_unreachable_and_back() -> None:
    gone = b.live(unreachable={"node-b": "connection refused"})
    assert texts(b.live(), gone) == ["node-b unreachable: connection refused"]
    assert texts(gone, b.live()) == ["node-b reachable again"]


def test_verdict_change_to_split_brain_is_alarming() -> None:
    events = diff_snapshots(b.live(), b.live(verdict=Verdict.SPLIT_BRAIN), AT)
    assert [(e.text, e.alarming) for e in events] == [("verdict consistent → split brain", True)]


def test_dc_change() -> None:
    nodes = [b.node("node-a"), b.node("node-b", dc=True)]
    assert texts(b.live(), b.live(b.cluster(nodes=nodes))) == ["DC node-a → node-b"]


def test_role_change_without_move() -> None:
    after = b.cluster()
    osips = replace(after.resources["OSIPS"], role="Promoted")
    after = replace(after, resources={**after.resources, "OSIPS": osips})
    assert texts(b.live(), b.live(after)) == ["OSIPS Started → Promoted"]


def test_a_node_briefly_lagging_behind_a_change_is_not_logged() -> None:
    lagging = b.live(verdict=Verdict.LAGGING)
    assert not diff_snapshots(b.live(), lagging, AT)
    assert not diff_snapshots(lagging, b.live(), AT)
    assert [e.text for e in diff_snapshots(lagging, b.live(verdict=Verdict.PARTITIONED), AT)] \
        == ["verdict lagging → partitioned"]
