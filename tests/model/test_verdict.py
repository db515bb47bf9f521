"""The verdict across nodes' views: consistent, lagging, partitioned, split brain; VIP truth."""

from __future__ import annotations

from console.model.live.snapshot import KernelTruth, Verdict
from console.model.live.verdict import build_live_snapshot, choose_source
from console.model.types import CibVersion
from tests.support.live_views import VIP_IP, cluster_snapshot, unreachable, view

OLD = CibVersion(0, 9, 13)
NEW = CibVersion(0, 9, 14)


def healthy_pair(**b_overrides: object) -> dict[str, object]:
    return {"node-a": view("node-a", bound=[VIP_IP]), "node-b": view("node-b", **b_overrides)}


def test_consistent_cluster_holder_is_the_bound_node() -> None:
    cib = cluster_snapshot(vip_on=["node-a"])
    live = build_live_snapshot(healthy_pair(), {"node-a": cib, "node-b": cib}, now=101.0)
    assert live.verdict is Verdict.CONSISTENT and not live.split_brain
    truth = live.vip_truth["ClusterIP"]
    assert truth.cib_holders == ("node-a",) and truth.bound_on == ("node-a",)
    assert truth.truth is KernelTruth.ON_HOLDER
    assert live.views["node-a"].vip_interfaces == {"ClusterIP": ("eth0",)}
    assert live.views["node-b"].vip_interfaces == {"ClusterIP": ()}
    assert live.partitions == (("node-a", "node-b"),)
    assert live.reached == ("node-a", "node-b") and live.unreachable == {}
    assert live.fetched_at == 100.0 and live.built_at == 101.0


def test_same_partition_older_version_is_lagging_and_the_newest_cib_is_used() -> None:
    views = {"node-a": view("node-a", version=OLD, bound=[VIP_IP]), "node-b": view("node-b")}
    cibs = {"node-a": cluster_snapshot(version=OLD), "node-b": cluster_snapshot(version=NEW)}
    live = build_live_snapshot(views, cibs, now=0.0)
    assert live.verdict is Verdict.LAGGING
    assert live.source_node == "node-b" and live.cluster is cibs["node-b"]


def test_a_quorate_view_beats_a_newer_inquorate_one() -> None:
    views = {"node-a": view("node-a", version=NEW, quorate=False, online=["node-a"]),
             "node-b": view("node-b", version=OLD, online=["node-b", "node-c"]),
             "node-c": view("node-c", version=OLD, online=["node-b", "node-c"])}
    cibs = {name: cluster_snapshot(version=views[name].cib_version or NEW) for name in views}
    assert choose_source(views, cibs) == "node-b"


def test_ties_prefer_the_dcs_own_copy_then_the_first_name() -> None:
    cibs = {"node-a": cluster_snapshot(), "node-b": cluster_snapshot()}
    assert choose_source(healthy_pair(), cibs) == "node-b"
    views = {"node-a": view("node-a", dc=None), "node-b": view("node-b", dc=None)}
    assert choose_source(views, cibs) == "node-a"


def test_disagreeing_dc_is_partitioned() -> None:
    cib = cluster_snapshot()
    live = build_live_snapshot(healthy_pair(dc="node-a"), {"node-a": cib, "node-b": cib}, 0.0)
    assert live.verdict is Verdict.PARTITIONED and not live.split_brain


def test_three_node_partition_minority_without_vip_is_partitioned_not_split() -> None:
    majority = ["node-a", "node-b"]
    views = {"node-a": view("node-a", online=majority, dc="node-a", bound=[VIP_IP]),
             "node-b": view("node-b", online=majority, dc="node-a"),
             "node-c": view("node-c", online=["node-c"], dc="node-c", quorate=False)}
    nodes = ("node-a", "node-b", "node-c")
    main = cluster_snapshot(nodes=nodes, online=majority, vip_on=["node-a"], dc="node-a")
    # The isolated node stopped its resources (no-quorum-policy=stop); its CIB may still say
    # node-a runs the VIP, which is the other side's business, not a second copy.
    isolated = cluster_snapshot(nodes=nodes, online=["node-c"], vip_on=["node-a"], dc="node-c")
    live = build_live_snapshot(views, {"node-a": main, "node-b": main, "node-c": isolated}, 0.0)
    assert live.verdict is Verdict.PARTITIONED and not live.split_brain
    assert live.partitions == (("node-a", "node-b"), ("node-c",))
    assert live.source_node in ("node-a", "node-b")
    assert live.vip_truth["ClusterIP"].truth is KernelTruth.ON_HOLDER


def test_two_partitions_each_running_the_vip_is_split_brain() -> None:
    views = {"node-a": view("node-a", online=["node-a"], dc="node-a", bound=[VIP_IP]),
             "node-b": view("node-b", online=["node-b"], dc="node-b", bound=[VIP_IP])}
    cibs = {"node-a": cluster_snapshot(online=["node-a"], vip_on=["node-a"], dc="node-a"),
            "node-b": cluster_snapshot(online=["node-b"], vip_on=["node-b"], dc="node-b")}
    live = build_live_snapshot(views, cibs, 0.0)
    assert live.split_brain and live.verdict is Verdict.SPLIT_BRAIN
    assert live.vip_truth["ClusterIP"].bound_on == ("node-a", "node-b")
    assert live.vip_truth["ClusterIP"].truth is KernelTruth.SEVERAL


def test_split_brain_from_the_cibs_alone_before_the_kernel_shows_it() -> None:
    views = {"node-a": view("node-a", online=["node-a"], dc="node-a", bound=[VIP_IP]),
             "node-b": view("node-b", online=["node-b"], dc="node-b")}
    cibs = {"node-a": cluster_snapshot(online=["node-a"], vip_on=["node-a"], dc="node-a"),
            "node-b": cluster_snapshot(online=["node-b"], vip_on=["node-b"], dc="node-b")}
    assert build_live_snapshot(views, cibs, 0.0).split_brain


def test_vip_bound_on_two_nodes_is_split_brain_even_in_one_partition() -> None:
    cib = cluster_snapshot(vip_on=["node-a"])
    views = healthy_pair(bound=[VIP_IP])
    live = build_live_snapshot(views, {"node-a": cib, "node-b": cib}, 0.0)
    assert live.split_brain and live.vip_truth["ClusterIP"].truth is KernelTruth.SEVERAL


def test_vip_bound_nowhere_and_elsewhere() -> None:
    cib = cluster_snapshot(vip_on=["node-a"])
    nowhere = {"node-a": view("node-a"), "node-b": view("node-b")}
    live = build_live_snapshot(nowhere, {"node-a": cib, "node-b": cib}, 0.0)
    assert live.vip_truth["ClusterIP"].truth is KernelTruth.NOWHERE
    elsewhere = {"node-a": view("node-a"), "node-b": view("node-b", bound=[VIP_IP])}
    live = build_live_snapshot(elsewhere, {"node-a": cib, "node-b": cib}, 0.0)
    assert live.vip_truth["ClusterIP"].truth is KernelTruth.ELSEWHERE
    assert not live.split_brain


def test_vip_truth_unknown_when_no_node_reported_addresses() -> None:
    cib = cluster_snapshot()
    views = {"node-a": view("node-a"), "node-b": view("node-b")}
    views = {name: _without_addresses(v) for name, v in views.items()}
    live = build_live_snapshot(views, {"node-a": cib}, 0.0)
    assert live.vip_truth["ClusterIP"].truth is KernelTruth.UNKNOWN


def _without_addresses(node_view: object) -> object:
    from dataclasses import replace
    return replace(node_view, addresses=None)  # type: ignore[type-var]


def test_ipv6_vip_matches_any_spelling() -> None:
    cib = cluster_snapshot(vips={"vip6": "2001:0DB8::0:10"})
    views = {"node-a": view("node-a", bound=["2001:db8::10"]), "node-b": view("node-b")}
    live = build_live_snapshot(views, {"node-a": cib, "node-b": cib}, 0.0)
    assert live.vip_truth["vip6"].bound_on == ("node-a",)
    assert live.vip_truth["vip6"].truth is KernelTruth.ON_HOLDER


def test_unreachable_node_keeps_its_old_view_but_it_is_not_counted() -> None:
    last = view("node-b", online=["node-a", "node-b"], bound=[VIP_IP], fetched_at=10.0,
                dc="node-a")
    views = {"node-a": view("node-a", online=["node-a"], dc="node-a", fetched_at=50.0),
             "node-b": unreachable("node-b", "connect timeout after 3 s", last=last)}
    cib_a = cluster_snapshot(online=["node-a"], vip_on=["node-a"], dc="node-a")
    live = build_live_snapshot(views, {"node-a": cib_a, "node-b": cluster_snapshot()}, 60.0)
    assert live.unreachable == {"node-b": "connect timeout after 3 s"}
    assert live.reached == ("node-a",)
    kept = live.views["node-b"]
    assert not kept.reachable and kept.fetched_at == 10.0, "old data keeps its old timestamp"
    assert live.source_node == "node-a", "an unreachable node's CIB never stands for the cluster"
    assert live.fetched_at == 50.0
    # node-b's old binding is not counted: the VIP is bound nowhere that answered
    assert live.vip_truth["ClusterIP"].bound_on == ()
    assert not live.split_brain and live.verdict is Verdict.CONSISTENT


def test_nothing_reachable() -> None:
    views = {"node-a": unreachable("node-a"), "node-b": unreachable("node-b", "host key changed")}
    live = build_live_snapshot(views, {}, 5.0)
    assert live.cluster is None and live.source_node is None
    assert live.verdict is Verdict.UNKNOWN and not live.split_brain
    assert live.fetched_at is None and live.unreachable["node-b"] == "host key changed"


def test_reachable_node_with_dead_stack_is_reached_but_not_a_source() -> None:
    from dataclasses import replace
    dead = replace(view("node-b", bound=[VIP_IP]), cib_version=None, dc=None, online=(),
                   quorate=None, stack_error="version: exit 102")
    cib = cluster_snapshot(online=["node-a"], vip_on=["node-a"], dc="node-a")
    views = {"node-a": view("node-a", online=["node-a"], dc="node-a", bound=[VIP_IP]),
             "node-b": dead}
    live = build_live_snapshot(views, {"node-a": cib}, 0.0)
    assert live.reached == ("node-a", "node-b") and live.source_node == "node-a"
    # the dead stack left the address behind: the kernel says two nodes hold it
    assert live.split_brain and live.vip_truth["ClusterIP"].bound_on == ("node-a", "node-b")


def test_asymmetric_views_naming_the_same_holder_are_partitioned_not_split() -> None:
    # node-a already sees node-b gone, node-b still sees both: one VIP copy, on node-a
    views = {"node-a": view("node-a", online=["node-a"], bound=[VIP_IP]),
             "node-b": view("node-b", online=["node-a", "node-b"])}
    cib = cluster_snapshot(vip_on=["node-a"])
    live = build_live_snapshot(views, {"node-a": cib, "node-b": cib}, 0.0)
    assert not live.split_brain and live.verdict is Verdict.PARTITIONED


def test_in_a_split_brain_the_source_stays_on_its_side_while_versions_leapfrog() -> None:
    # Each side bumps its own num_updates; comparing them would flip the screen every round.
    def split_views(version_a: CibVersion, version_b: CibVersion) -> dict[str, object]:
        return {"node-a": view("node-a", online=["node-a"], dc="node-a", version=version_a),
                "node-b": view("node-b", online=["node-b"], dc="node-b", version=version_b)}

    cibs = {"node-a": cluster_snapshot(online=["node-a"], vip_on=["node-a"], dc="node-a"),
            "node-b": cluster_snapshot(online=["node-b"], vip_on=["node-b"], dc="node-b")}
    first = build_live_snapshot(split_views(NEW, OLD), cibs, 0.0)
    assert first.source_node == "node-a"
    later = build_live_snapshot(split_views(NEW, CibVersion(0, 9, 99)), cibs, 1.0,
                                previous_source=first.source_node)
    assert later.source_node == "node-a" and later.cluster is cibs["node-a"]


def test_in_one_partition_the_newest_copy_still_wins_over_the_previous_source() -> None:
    views = {"node-a": view("node-a", version=OLD), "node-b": view("node-b", version=NEW)}
    cibs = {"node-a": cluster_snapshot(version=OLD), "node-b": cluster_snapshot(version=NEW)}
    assert choose_source(views, cibs, previous="node-a") == "node-b"


def test_two_node_is_what_the_reachable_nodes_report() -> None:
    from dataclasses import replace

    cib = cluster_snapshot()
    cibs = {"node-a": cib, "node-b": cib}

    def live(a: bool | None, b: bool | None) -> bool | None:
        views = {"node-a": replace(view("node-a"), two_node=a),
                 "node-b": replace(view("node-b"), two_node=b)}
        return build_live_snapshot(views, cibs, 0.0).two_node

    assert live(True, True) is True
    assert live(False, None) is False  # a 2-node cluster without two_node: worth an advisory
    assert live(None, None) is None  # nobody could tell (no membership read): stay silent
    only_b = {"node-a": unreachable("node-a", last=replace(view("node-a"), two_node=False)),
              "node-b": replace(view("node-b"), two_node=True)}
    assert build_live_snapshot(only_b, cibs, 0.0).two_node is True
