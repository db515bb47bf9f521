"""The demo cluster behaves like the lab's Pacemaker cluster, on the lab's timeline."""

from __future__ import annotations

import pytest
from demo_helpers import new_cluster

from console.demo.cluster import DemoCluster
from console.demo.config import SERVICE_ID, VIP_ID
from console.demo.state import fail_count_name


def placement(cluster: DemoCluster) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(VIP holders, service holders) as the nodes' executors say."""
    cluster.catch_up()
    return cluster.holders(VIP_ID), cluster.holders(SERVICE_ID)


def test_starts_converged_on_the_preferred_node() -> None:
    cluster, _ = new_cluster()
    assert placement(cluster) == (("node-a",), ("node-a",))
    assert cluster.partition_of("node-b").dc == "node-a"


def test_standby_of_the_holder_moves_vip_then_service_on_the_lab_timeline() -> None:
    cluster, _ = new_cluster()
    cluster.set_standby("node-b", "node-a", "on", "forever")
    cluster.timeline.run_for(1.4)
    assert placement(cluster) == ((), ())  # both stopped on node-a, not started yet
    cluster.timeline.run_for(0.2)
    assert placement(cluster) == (("node-b",), ())  # VIP on the peer at ~1.5 s
    cluster.timeline.run_for(0.5)
    assert placement(cluster) == (("node-b",), ("node-b",))  # service at ~2 s


def test_config_change_bumps_epoch_and_status_change_bumps_num_updates() -> None:
    cluster, _ = new_cluster()
    _, epoch, updates = cluster.partition_of("node-a").version
    cluster.set_standby("node-a", "node-b", "on", "forever")
    assert cluster.partition_of("node-a").version == (0, epoch + 1, 0)
    cluster.set_standby("node-a", "node-b", "off", "reboot")
    assert cluster.partition_of("node-a").version == (0, epoch + 1, 1)
    assert updates > 0


def test_back_online_nothing_moves_back() -> None:
    cluster, _ = new_cluster()
    cluster.set_standby("node-b", "node-a", "on", "forever")
    cluster.timeline.settle()
    cluster.set_standby("node-b", "node-a", "off", "forever")
    cluster.timeline.settle()
    assert placement(cluster) == (("node-b",), ("node-b",))


def test_transient_standby_overrides_permanent() -> None:
    cluster, _ = new_cluster()
    cluster.set_standby("node-b", "node-a", "on", "forever")
    cluster.set_standby("node-b", "node-a", "off", "reboot")
    cluster.timeline.settle()
    assert placement(cluster) == (("node-a",), ("node-a",))


def test_power_loss_survivor_takes_over_after_token_timeout() -> None:
    cluster, _ = new_cluster()
    cluster.power_off("node-a")
    assert not cluster.reachable("node-a")
    cluster.timeline.run_for(6.0)
    assert placement(cluster) == ((), ())
    assert cluster.partition_of("node-b").members == ("node-b",)
    cluster.timeline.run_for(0.7)
    assert placement(cluster)[0] == ("node-b",)  # ~6.5 s, as on the lab
    cluster.timeline.settle()
    assert placement(cluster) == (("node-b",), ("node-b",))
    assert cluster.partition_of("node-b").dc == "node-b"


def test_survivor_still_sees_the_dead_node_until_the_token_expires() -> None:
    cluster, _ = new_cluster()
    cluster.power_off("node-a")
    cluster.timeline.run_for(4.0)
    assert cluster.partition_of("node-b").members == ("node-a", "node-b")


def test_power_on_rejoins_and_nothing_moves() -> None:
    cluster, _ = new_cluster()
    cluster.power_off("node-a")
    cluster.timeline.settle()
    cluster.power_on("node-a")
    cluster.timeline.settle()
    assert cluster.reachable("node-a")
    assert cluster.partition_of("node-a").members == ("node-a", "node-b")
    assert placement(cluster) == (("node-b",), ("node-b",))


def test_split_brain_both_sides_run_the_vip() -> None:
    cluster, _ = new_cluster()
    cluster.cut_network("node-b")
    cluster.timeline.settle()
    assert placement(cluster) == (("node-a", "node-b"), ("node-a", "node-b"))
    side_a, side_b = cluster.partition_of("node-a"), cluster.partition_of("node-b")
    assert (side_a.dc, side_b.dc) == ("node-a", "node-b")
    assert side_a.quorate and side_b.quorate  # two_node: both keep quorum


def test_heal_leaves_one_vip_after_about_ten_seconds() -> None:
    cluster, _ = new_cluster()
    cluster.cut_network("node-b")
    cluster.timeline.settle()
    cluster.heal_network()
    cluster.timeline.run_for(8.0)
    assert len(placement(cluster)[0]) == 2
    cluster.timeline.run_for(3.0)
    vip, service = placement(cluster)
    assert len(vip) == 1 and service == vip
    assert cluster.partition_of("node-a") is cluster.partition_of("node-b")


def test_three_nodes_isolated_holder_loses_quorum_and_stops() -> None:
    cluster, _ = new_cluster(3)
    cluster.cut_network("node-a")
    cluster.timeline.settle()
    assert not cluster.partition_of("node-a").quorate
    assert placement(cluster) == (("node-b",), ("node-b",))


def test_service_failure_counts_and_recovers_in_place() -> None:
    cluster, _ = new_cluster()
    assert cluster.fail_service()
    assert placement(cluster) == (("node-a",), ())
    cluster.timeline.settle()
    assert placement(cluster) == (("node-a",), ("node-a",))
    assert cluster.runtime("node-a").fail_count(SERVICE_ID) == 1


def test_broken_config_flaps_until_migration_threshold_then_moves() -> None:
    cluster, _ = new_cluster()
    cluster.break_service("node-a")
    seen = set()
    for _ in range(40):
        cluster.timeline.run_for(0.5)
        seen.add(placement(cluster)[1])
    assert ("node-a",) in seen and () in seen  # it came back and died again
    assert placement(cluster) == (("node-b",), ("node-b",))
    assert cluster.runtime("node-a").transient[fail_count_name(SERVICE_ID)] == "3"


def test_leftover_ban_keeps_the_vip_away() -> None:
    cluster, _ = new_cluster()
    cluster.ban("node-a", VIP_ID, "node-a")
    cluster.timeline.settle()
    cluster.set_standby("node-a", "node-b", "on", "forever")
    cluster.timeline.settle()
    assert placement(cluster) == ((), ())  # banned from node-a, node-b in standby


@pytest.mark.parametrize("count", [1, 4])
def test_only_two_or_three_nodes(count: int) -> None:
    with pytest.raises(ValueError):
        DemoCluster(count)


def test_back_to_healthy_undoes_every_fault() -> None:
    from console.demo.scenarios import SCENARIOS

    cluster, _ = new_cluster()
    for name in ("standby-left", "cli-ban", "flapping", "split-brain"):
        SCENARIOS[name].run(cluster)
        cluster.timeline.settle()
    SCENARIOS["power-loss"].run(cluster)
    cluster.timeline.settle()
    SCENARIOS["reset"].run(cluster)
    cluster.timeline.settle()
    partition = cluster.partition_of("node-a")
    assert partition.members == ("node-a", "node-b")
    assert partition.config.bans == () and partition.config.standby_forever == ()
    vip, service = placement(cluster)
    assert len(vip) == 1 and service == vip
    assert all(rt.fail_count(SERVICE_ID) == 0 for rt in cluster.runtimes.values())


def test_every_node_dark_then_back_the_cluster_restarts_from_its_last_cib() -> None:
    from console.demo.scenarios import SCENARIOS, NoNodeRunning

    cluster, _ = new_cluster()
    for _ in range(2):
        SCENARIOS["power-loss"].run(cluster)
        cluster.timeline.settle()
    assert not any(cluster.reachable(name) for name in cluster.node_names)
    with pytest.raises(NoNodeRunning):
        SCENARIOS["flapping"].run(cluster)
    SCENARIOS["power-on"].run(cluster)
    cluster.timeline.settle()
    assert cluster.partition_of("node-a").members == ("node-a", "node-b")
    assert placement(cluster) == (("node-a",), ("node-a",))


def test_failback_with_a_cli_prefer_then_clear_stays() -> None:
    cluster, _ = new_cluster()
    cluster.set_standby("node-b", "node-a", "on", "forever")
    cluster.timeline.settle()
    cluster.set_standby("node-b", "node-a", "off", "forever")
    cluster.timeline.settle()
    cluster.prefer("node-b", VIP_ID, "node-a")
    cluster.timeline.settle()
    assert placement(cluster) == (("node-a",), ("node-a",))
    cluster.clear("node-b", VIP_ID)
    cluster.timeline.settle()
    assert placement(cluster) == (("node-a",), ("node-a",))
    assert cluster.partition_of("node-a").config.prefers == ()
