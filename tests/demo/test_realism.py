"""Real Pacemaker agrees with the demo: every state's CIB, as each node serves it.

For each demo state and each reachable node, the real `crm_mon -1 --output-as=xml` on that node's
CIB must see what the demo means (DC, quorum, online and standby nodes, where each resource runs,
failed flags, fail-counts), and for a settled state the real scheduler (`crm_simulate -R`) must
predict no action: Pacemaker would leave the cluster exactly as the demo shows it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from demo_helpers import PACEMAKER_TOOLS, crm_mon, new_cluster, predicted_actions, view
from lxml import etree

from console.demo.cluster import DemoCluster
from console.demo.config import MONITOR_DIGESTS, OP_DIGESTS, RESOURCE_IDS
from console.demo.scenarios import SCENARIOS
from console.demo.scheduler import is_standby
from tests.support.status_schema import assert_conforms

pytestmark = pytest.mark.skipif(
    not PACEMAKER_TOOLS, reason="LOUD SKIP: Pacemaker's crm_mon/crm_simulate are not installed "
                                "(tests/run installs them as root)")

Setup = Callable[[DemoCluster], None]


def _scenario(*names: str, seconds: float | None = None) -> Setup:
    def setup(cluster: DemoCluster) -> None:
        for name in names:
            SCENARIOS[name].run(cluster)
            if seconds is None:
                cluster.timeline.settle()
            else:
                cluster.timeline.run_for(seconds)
    return setup


def _standby(lifetime: str, seconds: float | None = None) -> Setup:
    def setup(cluster: DemoCluster) -> None:
        cluster.set_standby("node-b", "node-a", "on", lifetime)
        if seconds is None:
            cluster.timeline.settle()
        else:
            cluster.timeline.run_for(seconds)
    return setup


def _online_again(cluster: DemoCluster) -> None:
    _standby("forever")(cluster)
    cluster.set_standby("node-b", "node-a", "off", "forever")
    cluster.timeline.settle()


def _failback(resource: str, node: str, clear: bool) -> Setup:
    def setup(cluster: DemoCluster) -> None:
        _online_again(cluster)  # the VIP sits on node-b
        cluster.prefer("node-b", resource, node)
        cluster.timeline.settle()
        if clear:
            cluster.clear("node-b", resource)
            cluster.timeline.settle()
    return setup


STATES: dict[str, tuple[int, Setup, bool]] = {
    # name: (nodes, how to get there, settled)
    "healthy": (2, lambda cluster: None, True),
    "healthy-3": (3, lambda cluster: None, True),
    "standby-moving": (2, _standby("forever", 1.55), False),
    "standby": (2, _standby("forever"), True),
    "standby-reboot": (2, _standby("reboot"), True),
    "online-again": (2, _online_again, True),
    "power-loss-unnoticed": (2, _scenario("power-loss", seconds=3.0), False),
    "power-loss": (2, _scenario("power-loss"), True),
    "power-on": (2, _scenario("power-loss", "power-on"), True),
    "all-dark-and-back": (2, _scenario("power-loss", "power-loss", "power-on"), True),
    "booting": (2, _scenario("power-loss", "power-loss", "power-on", seconds=3.6), False),
    "reset": (2, _scenario("standby-left", "cli-ban", "split-brain", "reset"), True),
    "split-brain": (2, _scenario("split-brain"), True),
    "healing": (2, _scenario("split-brain", "heal", seconds=7.6), False),
    "healed": (2, _scenario("split-brain", "heal"), True),
    "partition-3": (3, _scenario("split-brain"), True),
    "service-failed": (2, _scenario("service-failure", seconds=0.1), False),
    "service-recovered": (2, _scenario("service-failure"), True),
    "flapping": (2, _scenario("flapping", seconds=9.0), False),
    "flapped": (2, _scenario("flapping"), True),
    "repaired": (2, _scenario("flapping", "repair"), True),
    "cli-ban": (2, _scenario("cli-ban"), True),
    "standby-left": (2, _scenario("standby-left"), True),
    "standby-left-3": (3, _scenario("standby-left"), True),
    "failback-prefer": (2, _failback("ClusterIP", "node-a", clear=False), True),
    "failback-cleared": (2, _failback("ClusterIP", "node-a", clear=True), True),
    "service-prefer": (2, _failback("OSIPS", "node-a", clear=False), True),
    "prefer-3": (3, _failback("ClusterIP", "node-c", clear=False), True),
}


def _states() -> list[tuple[str, int, Setup, bool]]:
    return [(name, nodes, setup, settled) for name, (nodes, setup, settled) in STATES.items()]


@pytest.mark.parametrize(("name", "nodes", "setup", "settled"), _states(),
                         ids=[name for name in STATES])
def test_crm_mon_sees_what_the_demo_means(name: str, nodes: int, setup: Setup, settled: bool,
                                          tmp_path: Path) -> None:
    cluster, _ = new_cluster(nodes)
    setup(cluster)
    cluster.catch_up()
    reachable = [node for node in cluster.node_names if cluster.reachable(node)]
    assert reachable
    for node in reachable:
        partition = cluster.partition_of(node)
        members = [cluster.runtimes[member] for member in partition.members]
        seen = crm_mon(view(cluster, node), tmp_path)
        assert seen.dc == partition.dc, node
        assert seen.quorate == partition.quorate, node
        assert seen.online == partition.members, node
        assert seen.standby == tuple(rt.name for rt in members
                                     if is_standby(partition.config, rt)), node
        for resource in RESOURCE_IDS:
            where = tuple(rt.name for rt in members if rt.running(resource))
            assert seen.running.get(resource, ()) == where, (node, resource)
            needs_recovery = any(rt.history[resource].needs_recovery for rt in members)
            assert seen.failed.get(resource, False) == needs_recovery, (node, resource)
        counts = {(rt.name, rsc): rt.fail_count(rsc) for rt in members for rsc in RESOURCE_IDS
                  if rt.fail_count(rsc)}
        assert seen.fail_counts == counts, node


@pytest.mark.parametrize(("name", "nodes", "setup"),
                         [(n, c, s) for n, c, s, settled in _states() if settled],
                         ids=[name for name, (_, _, settled) in STATES.items() if settled])
def test_pacemaker_predicts_no_action_in_a_settled_state(name: str, nodes: int, setup: Setup,
                                                         tmp_path: Path) -> None:
    cluster, _ = new_cluster(nodes)
    setup(cluster)
    assert cluster.timeline.next_due() is None, "the state should be settled"
    for node in cluster.node_names:
        if cluster.reachable(node):
            assert predicted_actions(view(cluster, node), tmp_path) == [], node


def test_pacemaker_predicts_the_demo_move_for_a_standby(tmp_path: Path) -> None:
    cluster, _ = new_cluster()
    cluster.set_standby("node-b", "node-a", "on", "forever")  # CIB changed, nothing ran yet
    assert predicted_actions(view(cluster, "node-b"), tmp_path) == [
        "move ClusterIP node-a->node-b", "move OSIPS node-a->node-b"]


def test_operation_digests_match_what_pacemaker_computes(tmp_path: Path) -> None:
    """A wrong op-digest would make Pacemaker restart the resources ("definition changed")."""
    cluster, _ = new_cluster()
    cib = etree.fromstring(view(cluster, "node-a"))
    status = cib.find("status")
    for child in list(status):
        status.remove(child)
    source, result = tmp_path / "empty-status.xml", tmp_path / "simulated.xml"
    source.write_bytes(etree.tostring(cib))
    subprocess.run(["crm_simulate", "-x", str(source), "-S", "-O", str(result), "-q", "1",
                    "--node-up", "node-a", "--node-up", "node-b"],
                   env={"PATH": "/usr/sbin:/usr/bin"}, capture_output=True, check=True)
    digests = {(op.get("operation_key").split("_")[0], op.get("interval") != "0"):
               op.get("op-digest") for op in etree.parse(str(result)).iter("lrm_rsc_op")}
    for rsc in RESOURCE_IDS:
        assert digests[(rsc, False)] == OP_DIGESTS[rsc]
        assert digests[(rsc, True)] == MONITOR_DIGESTS[rsc]


@pytest.mark.parametrize(("name", "nodes", "setup", "settled"), _states(),
                         ids=[name for name in STATES])
def test_hacon_reads_every_demo_view_as_crm_mon_does(name: str, nodes: int, setup: Setup,
                                                     settled: bool, tmp_path: Path) -> None:
    """The ★ fields of `hacon status --json` equal crm_mon's, for every node's own CIB."""
    from console.model import parse_cib
    from console.model.export import status_document
    from tests.oracle import compare, crm_mon_xml, reference_document

    cluster, _ = new_cluster(nodes)
    setup(cluster)
    for node in cluster.node_names:
        if not cluster.reachable(node):
            continue
        cib = view(cluster, node)
        path = tmp_path / f"{node}.xml"
        path.write_bytes(cib)
        reference = reference_document(crm_mon_xml(path), cib)
        assert reference is not None, node
        assert compare(assert_conforms(status_document(parse_cib(cib))), reference) == [], node
