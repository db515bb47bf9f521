"""Every partition on its own, the doubt a silent holder leaves, and advisories across sides.

The two reproduced cases come first: a standby DC cut from its peer (the side hacon may show
runs nothing while the other serves every call) and a cut holder (it may still hold the VIP).
"""

from __future__ import annotations

from dataclasses import replace

from console.model.cluster import ClusterSnapshot
from console.model.live.fencing import FenceEvent, fence_time
from console.model.live.snapshot import LiveSnapshot, NodeView, Verdict
from console.model.live.live_advisories import live_advisories
from console.model.live.verdict import build_live_snapshot
from tests.support.live_views import unreachable, view
from tests.support import snapshots as b
VIP = "192.168.122.100"
SEEN = fence_time("2026-12-06 12:01:03Z") or 0.0


def side_cib(runs: str | None, dc: str, *, standby: str | None = None,
             members: tuple[str, ...] = ("node-a", "node-b"),
             online: tuple[str, ...] | None = None, stonith: bool = False) -> ClusterSnapshot:
    """One side's CIB: who is online there, its DC, where it runs ClusterIP + OSIPS."""
    seen = online or (dc,)
    nodes = [b.node(name, node_id=str(i + 1), dc=name == dc, online=name in seen,
                    standby=name == standby) for i, name in enumerate(members)]
    return b.cluster(nodes=nodes, vip_on=(runs,) if runs else (), stonith=stonith)


def codes(live: LiveSnapshot) -> set[str]:
    return {advisory.code for advisory in live_advisories(live)}


def standby_dc_cut() -> tuple[dict[str, NodeView], dict[str, ClusterSnapshot]]:
    views = {"node-a": view("node-a", online=["node-a"], dc="node-a"),
             "node-b": view("node-b", online=["node-b"], dc="node-b", bound=[VIP])}
    cibs = {"node-a": side_cib(None, "node-a", standby="node-a"),
            "node-b": side_cib("node-b", "node-b", standby="node-a")}
    return views, cibs


def test_standby_dc_cut_from_its_peer_shows_both_sides_and_never_says_runs_nowhere() -> None:
    views, cibs = standby_dc_cut()
    live = build_live_snapshot(views, cibs, 200.0)
    assert live.verdict is Verdict.PARTITIONED and not live.split_brain
    side_a, side_b = live.partition_views
    assert (side_a.members, side_a.dc, side_a.quorate) == (("node-a",), "node-a", True)
    assert side_a.running == {} and side_a.vip_holders == {"ClusterIP": ()}
    assert side_b.running == {"ClusterIP": ("node-b",), "OSIPS": ("node-b",)}
    assert side_b.vip_holders == {"ClusterIP": ("node-b",)}
    assert side_b.vip_bound == {"ClusterIP": ("node-b",)}
    assert live.source_node == "node-b", "the side whose interfaces hold the VIP stands first"
    assert "vip-stopped" not in codes(live)


def test_runs_nowhere_is_not_said_even_when_the_idle_side_is_the_one_shown() -> None:
    views, cibs = standby_dc_cut()
    # node-b's addresses were not read this round: nothing tells hacon which side serves, so
    # the first name (the idle standby DC) is shown; its CIB alone says "runs nowhere".
    views["node-b"] = replace(views["node-b"], addresses=None)
    live = build_live_snapshot(views, cibs, 200.0)
    assert live.source_node == "node-a" and not live.cluster.vips["ClusterIP"].holder_nodes
    assert "vip-stopped" not in codes(live), "node-b's partition runs it"


def test_runs_nowhere_when_no_side_runs_it_and_no_interface_holds_it() -> None:
    views = {"node-a": view("node-a", online=["node-a"], dc="node-a"),
             "node-b": view("node-b", online=["node-b"], dc="node-b")}
    cibs = {name: side_cib(None, name) for name in views}
    assert "vip-stopped" in codes(build_live_snapshot(views, cibs, 200.0))


def cut_holder(*, fencing: tuple[FenceEvent, ...] | None = None,
               stonith: bool = False) -> LiveSnapshot:
    """node-a held the VIP, then its cable was pulled; node-b took the VIP over."""
    last = view("node-a", online=["node-a", "node-b"], dc="node-a", bound=[VIP], fetched_at=SEEN)
    survivor = replace(view("node-b", online=["node-b"], dc="node-b", bound=[VIP],
                            fetched_at=SEEN + 20), fence_history=fencing)
    views = {"node-a": unreachable("node-a", "keepalive timed out", last=last),
             "node-b": survivor}
    cibs = {"node-a": side_cib("node-a", "node-a", online=("node-a", "node-b"), stonith=stonith),
            "node-b": side_cib("node-b", "node-b", stonith=stonith)}
    return build_live_snapshot(views, cibs, SEEN + 21)


def test_a_cut_holder_makes_the_verdict_uncertain_not_consistent() -> None:
    live = cut_holder()
    assert live.verdict is Verdict.UNCERTAIN
    assert live.vip_may_be_on == {"ClusterIP": ("node-a",)}
    facts = live.last_facts["node-a"]
    assert facts.vips_held == ("ClusterIP",) and facts.seen_at == SEEN
    assert facts.running == ("ClusterIP", "OSIPS") and facts.quorate is True
    assert facts.fenced is None and not facts.in_partition
    assert {"stonith-off-doubt"} <= codes(live)


def fenced_node_a(completed: str, status: str = "success") -> FenceEvent:
    return FenceEvent("node-a", "reboot", "node-b", "node-b", "pacemaker-controld.51", status,
                      completed, fence_time(completed))


def test_fencing_the_cut_holder_after_it_was_seen_resolves_the_doubt() -> None:
    live = cut_holder(fencing=(fenced_node_a("2026-12-06 12:01:10Z"),), stonith=True)
    # node-b alone is reachable and agrees with itself: consistent once node-a is known dead
    assert live.vip_may_be_on == {} and live.verdict is Verdict.CONSISTENT
    fenced = live.last_facts["node-a"].fenced
    assert fenced is not None and fenced.delegate == "node-b"


def test_a_fencing_before_it_was_last_seen_or_a_failed_one_resolves_nothing() -> None:
    earlier = fenced_node_a("2026-12-06 11:00:00Z")
    failed = fenced_node_a("2026-12-06 12:01:10Z", status="failed")
    live = cut_holder(fencing=(earlier, failed), stonith=True)
    assert live.verdict is Verdict.UNCERTAIN
    assert "vip-may-be-held" in codes(live) and "stonith-off-doubt" not in codes(live)


def test_an_ssh_only_failure_is_no_doubt_when_the_node_is_still_a_member() -> None:
    last = view("node-a", bound=[VIP], fetched_at=SEEN)
    views = {"node-a": unreachable("node-a", "sshd down", last=last),
             "node-b": view("node-b", fetched_at=SEEN + 20)}
    cib = side_cib("node-a", "node-b", online=("node-a", "node-b"))
    live = build_live_snapshot(views, {"node-a": cib, "node-b": cib}, SEEN + 21)
    assert live.last_facts["node-a"].in_partition
    assert live.vip_may_be_on == {} and live.verdict is Verdict.CONSISTENT


def test_the_cut_holder_coming_back_ends_the_doubt_and_shows_the_split_brain() -> None:
    both = {"node-a": view("node-a", online=["node-a"], dc="node-a", bound=[VIP]),
            "node-b": view("node-b", online=["node-b"], dc="node-b", bound=[VIP])}
    cibs = {"node-a": side_cib("node-a", "node-a"), "node-b": side_cib("node-b", "node-b")}
    live = build_live_snapshot(both, cibs, 200.0)
    assert live.vip_may_be_on == {} and live.verdict is Verdict.SPLIT_BRAIN
    assert "vip-in-two-partitions" in codes(live)


def test_three_node_minority_is_its_own_partition_without_quorum_running_nothing() -> None:
    members = ("node-a", "node-b", "node-c")
    majority = ("node-a", "node-b")
    views = {"node-a": view("node-a", online=majority, dc="node-a", bound=[VIP]),
             "node-b": view("node-b", online=majority, dc="node-a"),
             "node-c": view("node-c", online=["node-c"], dc="node-c", quorate=False)}
    main = side_cib("node-a", "node-a", members=members, online=majority)
    minority = side_cib(None, "node-c", members=members)
    live = build_live_snapshot(views, {"node-a": main, "node-b": main, "node-c": minority}, 1.0)
    assert live.verdict is Verdict.PARTITIONED
    big, small = live.partition_views
    assert big.members == majority and big.quorate is True
    assert big.vip_holders == {"ClusterIP": ("node-a",)} and big.reporters == majority
    assert small.members == ("node-c",) and small.quorate is False and small.running == {}
    assert "vip-stopped" not in codes(live) and live.vip_may_be_on == {}
