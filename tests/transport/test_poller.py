"""ClusterPoller against fake nodes over real SSH, answering with the real Pacemaker CLI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from console.model.live.snapshot import KernelTruth, LiveSnapshot, Verdict
from console.transport.local_server import LocalSshServer
from console.transport.poller import ClusterPoller, PollSettings
from console.transport.ssh import SshCluster
from tests.transport.helpers import eventually, settings_for
from tests.transport.poller_nodes import PACEMAKER_MISSING, VIP, PacemakerNodes

NODES = ["node-a", "node-b"]
QUIET = PollSettings(interval=60.0, retry_interval=0.05, command_timeout=5.0, push=True)
"""Rounds only when woken (push channel or refresh_now): what a test sees is what it caused."""


@pytest.fixture
def pacemaker(tmp_path: Path) -> PacemakerNodes:
    if PACEMAKER_MISSING:
        pytest.skip("Pacemaker's CLI is not installed (tests/run installs it as root)")
    nodes = PacemakerNodes(tmp_path, NODES)
    nodes.bind_vip("node-a")
    return nodes


@pytest.fixture
async def cluster(tmp_path: Path, pacemaker: PacemakerNodes) -> AsyncIterator[SshCluster]:
    server = LocalSshServer(pacemaker, NODES)
    await server.start()
    files = server.write_client_files(tmp_path / "ssh")
    runner = SshCluster(NODES, settings_for(files))
    runner.server = server  # type: ignore[attr-defined]  # tests reach the fake nodes
    yield runner
    await runner.close()
    await server.stop()


async def next_where(poller: ClusterPoller, check: object, limit: float = 10.0) -> LiveSnapshot:
    """The first snapshot for which `check(snapshot)` holds (a generous limit, not a timing)."""
    found: list[LiveSnapshot] = []

    async def seen() -> bool:
        async for snapshot in poller.snapshots():
            if check(snapshot):  # type: ignore[operator]
                found.append(snapshot)
                return True
        return False  # pragma: no cover

    await eventually(seen, limit=limit)
    return found[0]


async def test_first_snapshot_is_each_nodes_view_and_the_vip_truth(
    cluster: SshCluster, pacemaker: PacemakerNodes
) -> None:
    async with ClusterPoller(cluster, NODES, QUIET) as poller:
        snapshot = await poller.next_snapshot()
    assert snapshot.reached == ("node-a", "node-b") and snapshot.unreachable == {}
    assert snapshot.verdict is Verdict.CONSISTENT and not snapshot.split_brain
    assert snapshot.cluster is not None and snapshot.cluster.vips["ClusterIP"].ip == VIP
    view = snapshot.views["node-a"]
    assert str(view.cib_version) == str(snapshot.cluster.version)
    assert view.dc == "node-a" and view.quorate is True and view.online == ("node-a", "node-b")
    assert snapshot.vip_truth["ClusterIP"].bound_on == ("node-a",)
    assert snapshot.vip_truth["ClusterIP"].truth is KernelTruth.ON_HOLDER


async def test_unchanged_version_never_fetches_the_whole_cib_again(
    cluster: SshCluster, pacemaker: PacemakerNodes
) -> None:
    async with ClusterPoller(cluster, NODES, QUIET) as poller:
        await poller.next_snapshot()
        for _ in range(4):
            poller.refresh_now()
            await eventually(_rounds_past(poller, poller.rounds["node-a"]))
    assert pacemaker.version_checks["node-a"] >= 5
    assert pacemaker.full_fetches["node-a"] == 1, "only the first round reads the whole CIB"


def _rounds_past(poller: ClusterPoller, count: int) -> object:
    async def check() -> bool:
        return poller.rounds["node-a"] > count

    return check


async def test_a_change_behind_hacons_back_shows_in_the_next_snapshot(
    cluster: SshCluster, pacemaker: PacemakerNodes
) -> None:
    async with ClusterPoller(cluster, NODES, QUIET) as poller:
        first = await poller.next_snapshot()
        assert first.cluster is not None and not first.cluster.nodes["node-b"].standby
        for node in NODES:  # the CIB is replicated: every node's copy changes
            status, _, err = await pacemaker.run_tool(
                node, "crm_attribute", "--node", "node-b", "--name", "standby", "--update", "on"
            )
            assert status == 0, err
        pacemaker.notify("node-a")  # crm_mon's "." on node-a: the poller must wake, not wait 60 s
        old = first.cluster.version
        changed = await next_where(
            poller, lambda s: all((view.cib_version or old) > old for view in s.views.values())
        )
    assert changed.cluster is not None and changed.cluster.nodes["node-b"].standby
    assert pacemaker.full_fetches["node-b"] == 2, "a push on node-a woke node-b's round too"


async def test_two_nodes_that_see_only_themselves_and_both_hold_the_vip_are_a_split_brain(
    cluster: SshCluster, pacemaker: PacemakerNodes
) -> None:
    # node-b's own CIB after losing node-a: crm_simulate (the real scheduler) moves the VIP there
    status, _, err = await pacemaker.run_tool(
        "node-b",
        "crm_simulate",
        "--simulate",
        "--live-check",
        "--node-down",
        "node-a",
        "--save-output",
        str(pacemaker.cib_files["node-b"]),
    )
    assert status == 0, err
    pacemaker.members = {"node-a": ["node-a"], "node-b": ["node-b"]}
    pacemaker.bind_vip("node-a", "node-b")
    async with ClusterPoller(cluster, NODES, QUIET) as poller:
        snapshot = await poller.next_snapshot()
    assert snapshot.split_brain and snapshot.verdict is Verdict.SPLIT_BRAIN
    assert snapshot.partitions == (("node-a",), ("node-b",))
    assert snapshot.vip_truth["ClusterIP"].bound_on == ("node-a", "node-b")


async def test_views_disagreeing_on_membership_without_a_second_vip_are_partitioned(
    cluster: SshCluster, pacemaker: PacemakerNodes
) -> None:
    pacemaker.members = {"node-a": ["node-a", "node-b"], "node-b": ["node-b"]}
    async with ClusterPoller(cluster, NODES, QUIET) as poller:
        snapshot = await poller.next_snapshot()
    assert snapshot.verdict is Verdict.PARTITIONED and not snapshot.split_brain


async def test_an_unreachable_node_has_a_reason_while_the_others_view_keeps_coming(
    cluster: SshCluster, pacemaker: PacemakerNodes
) -> None:
    server: LocalSshServer = cluster.server  # type: ignore[attr-defined]
    async with ClusterPoller(cluster, NODES, QUIET) as poller:
        first = await poller.next_snapshot()
        before = first.views["node-b"].fetched_at
        await server.stop_node("node-b")
        poller.refresh_now()
        down = await next_where(poller, lambda s: not s.views["node-b"].reachable)
        poller.refresh_now()
        later = await next_where(
            poller,
            lambda s: (s.views["node-a"].fetched_at or 0) > (down.views["node-a"].fetched_at or 0),
        )
    assert down.unreachable["node-b"], "a one-line reason"
    assert later.views["node-a"].reachable and "node-b" in later.unreachable
    kept = later.views["node-b"]
    assert kept.fetched_at == before, "the old view keeps its old time: never shown as fresh"
    assert later.source_node == "node-a"


async def test_a_slow_node_never_holds_up_the_other_nodes_snapshots(
    cluster: SshCluster, pacemaker: PacemakerNodes
) -> None:
    async with ClusterPoller(cluster, NODES, QUIET) as poller:
        await poller.next_snapshot()
        pacemaker.delay["node-b"] = 3.0
        poller.refresh_now()
        start, slow_rounds = poller.rounds["node-a"], poller.rounds["node-b"]
        for _ in range(3):
            poller.refresh_now()
            await eventually(_rounds_past(poller, poller.rounds["node-a"]), limit=2.5)
        # three node-a rounds finished while node-b's first slow round was still running
        assert poller.rounds["node-a"] >= start + 3
        assert poller.rounds["node-b"] == slow_rounds


async def test_rounds_of_a_node_never_overlap(
    cluster: SshCluster, pacemaker: PacemakerNodes
) -> None:
    pacemaker.delay["node-a"] = 0.01
    async with ClusterPoller(cluster, NODES, QUIET) as poller:
        await poller.next_snapshot()
        for _ in range(50):
            poller.refresh_now()
            pacemaker.notify("node-b")
            await eventually(_rounds_past(poller, poller.rounds["node-a"] - 1))
        await eventually(_rounds_past(poller, poller.rounds["node-a"]))
    assert pacemaker.max_in_round["node-a"] == 1 and pacemaker.max_in_round["node-b"] == 1
    assert pacemaker.version_checks["node-a"] >= 2


async def test_garbage_from_a_node_is_a_reason_not_a_crash(
    cluster: SshCluster, pacemaker: PacemakerNodes
) -> None:
    pacemaker.garbage.add("node-b")
    async with ClusterPoller(cluster, NODES, QUIET) as poller:
        snapshot = await poller.next_snapshot()
    view = snapshot.views["node-b"]
    assert view.reachable and view.cib_version is None
    assert view.stack_error is not None and "CIB version unreadable" in view.stack_error
    assert snapshot.source_node == "node-a"


async def test_first_snapshot_does_not_wait_forever_for_a_hanging_node(
    cluster: SshCluster, pacemaker: PacemakerNodes
) -> None:
    pacemaker.delay["node-b"] = 30.0
    # node-a must answer within the wait even on a loaded machine; node-b's 30 s is far beyond it
    settings = PollSettings(interval=60.0, command_timeout=60.0, first_snapshot_wait=5.0)
    async with ClusterPoller(cluster, NODES, settings) as poller:
        snapshot = await poller.next_snapshot()
    assert snapshot.views["node-a"].reachable
    assert snapshot.unreachable == {"node-b": "no answer yet (connecting)"}


async def test_idle_rounds_reuse_membership_and_a_woken_round_reads_it_again(
        cluster: SshCluster, pacemaker: PacemakerNodes) -> None:
    idle = PollSettings(interval=0.05, membership_interval=600.0, push=False)
    async with ClusterPoller(cluster, NODES, idle) as poller:
        first = await poller.next_snapshot()
        await eventually(_rounds_past(poller, poller.rounds["node-a"] + 4))
        assert pacemaker.membership_reads["node-a"] == 1, "idle rounds keep the last answer"
        assert pacemaker.version_checks["node-a"] >= 5
        pacemaker.members["node-a"] = ["node-a"]  # corosync lost node-b; Pacemaker's CIB
        poller.refresh_now()                      # write would wake the poller like this
        split = await next_where(poller, lambda s: s.views["node-a"].online == ("node-a",))
    assert first.views["node-a"].online == ("node-a", "node-b")
    assert split.verdict is Verdict.PARTITIONED
    assert pacemaker.membership_reads["node-a"] >= 2


@pytest.mark.parametrize(("line", "change"), [
    (b".Cluster Summary:\n", True),            # a CIB diff's progress mark, then a redraw
    (b"..CRM_notify_rsc=ClusterIP\n", True),    # the external agent's output for an operation
    (b"  * Online: [ node-a ]\n", True),
    (b"Waiting until cluster is available on this node ...\n", False),  # every second, down
    (b"Reconnecting...\n", False),
    (b"Connection to the cluster-daemons terminated\n", False),
    (b"\n", False),
])
def test_push_lines_that_wake_the_poller(line: bytes, change: bool) -> None:
    from console.transport.probes import is_change

    assert is_change(line) is change
