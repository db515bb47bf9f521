"""End to end: hacon's poller watching the real lab cluster (Pacemaker, corosync, sshd, IPaddr2).

Every test starts from a healthy 2-node lab and connects the way an operator does: the lab's
OpenSSH config and known_hosts, asyncssh, one connection per node. Changes are made behind
hacon's back (inside the nodes, or to their network) and must show up in its snapshots.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from console.commands.status_live import Target, take_snapshot
from console.model.live.snapshot import KernelTruth, LiveSnapshot, Verdict
from console.transport.poller import ClusterPoller, PollSettings
from console.transport.probes import ServiceProbe
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings

from .harness import Lab

pytestmark = pytest.mark.lab

SERVICE = ServiceProbe("process", "fake-opensips")
PUSH_ONLY = PollSettings(interval=600.0, retry_interval=0.5, service=SERVICE)
"""No timed rounds in a test's lifetime: a change can only arrive through the push channel."""


def ssh_settings(lab: Lab, **overrides: object) -> SshSettings:
    values: dict[str, object] = {"config_files": (os.fspath(lab.files.ssh_config),),
                                 "use_agent": False, "backoff_initial": 0.2, "backoff_max": 1.0}
    values.update(overrides)
    return SshSettings(**values)  # type: ignore[arg-type]


@asynccontextmanager
async def watching(lab: Lab, settings: PollSettings = PUSH_ONLY,
                   **ssh: object) -> AsyncIterator[ClusterPoller]:
    async with (SshCluster(lab.nodes, ssh_settings(lab, **ssh)) as cluster,
                ClusterPoller(cluster, lab.nodes, settings) as poller):
        yield poller


async def first_snapshot(poller: ClusterPoller, check: Callable[[LiveSnapshot], bool],
                limit: float = 30.0) -> LiveSnapshot:
    """The first snapshot for which `check` holds; fails after a generous limit."""
    async with asyncio.timeout(limit):
        async for snapshot in poller.snapshots():
            if check(snapshot):
                return snapshot
    raise AssertionError("unreachable")  # pragma: no cover


def holder_of(snapshot: LiveSnapshot) -> tuple[str, ...]:
    assert snapshot.cluster is not None
    return snapshot.cluster.vips["ClusterIP"].holder_nodes


async def test_the_vip_holder_hacon_reports_holds_the_address_on_its_interface(
        healthy_lab: Lab) -> None:
    async with watching(healthy_lab) as poller:
        snapshot = await poller.next_snapshot()
    kernel = healthy_lab.vip()  # read from the nodes' eth0 by the harness
    assert len(kernel) == 1
    assert holder_of(snapshot) == tuple(kernel)
    truth = snapshot.vip_truth["ClusterIP"]
    assert truth.bound_on == tuple(kernel) and truth.truth is KernelTruth.ON_HOLDER
    assert snapshot.views[kernel[0]].vip_interfaces["ClusterIP"] == ("eth0",)
    assert snapshot.views[kernel[0]].service_running is True
    assert snapshot.verdict is Verdict.CONSISTENT and not snapshot.split_brain
    assert snapshot.reached == tuple(healthy_lab.nodes)


async def test_a_standby_made_behind_hacons_back_shows_up_through_the_push_channel(
        healthy_lab: Lab) -> None:
    async with watching(healthy_lab) as poller:
        first = await poller.next_snapshot()
        holder = holder_of(first)[0]
        await asyncio.to_thread(healthy_lab.set_standby, holder, True)
        # No timed round happens for 600 s: only crm_mon's feed can have woken the poller.
        seen = await first_snapshot(poller, lambda s: s.cluster is not None
                           and s.cluster.nodes[holder].standby)
        moved = await first_snapshot(poller, lambda s: s.vip_truth["ClusterIP"].bound_on not in
                            ((), (holder,)) and holder_of(s) == s.vip_truth["ClusterIP"].bound_on)
    assert seen.cluster is not None and seen.cluster.version > first.cluster.version  # type: ignore[union-attr]
    assert holder not in moved.vip_truth["ClusterIP"].bound_on
    assert tuple(healthy_lab.vip()) == moved.vip_truth["ClusterIP"].bound_on


async def test_power_loss_of_the_holder(healthy_lab: Lab) -> None:
    async with watching(healthy_lab) as poller:
        holder = holder_of(await poller.next_snapshot())[0]
        (survivor,) = [node for node in healthy_lab.nodes if node != holder]
        await asyncio.to_thread(healthy_lab.kill, holder)
        after = await first_snapshot(poller, lambda s: not s.views[holder].reachable
                            and s.vip_truth["ClusterIP"].bound_on == (survivor,)
                            and holder_of(s) == (survivor,), limit=60)
    assert after.unreachable[holder], "the dead node is reported with a reason"
    view = after.views[survivor]
    assert view.online == (survivor,) and view.dc == survivor and view.quorate
    assert after.source_node == survivor
    assert after.views[holder].fetched_at is not None
    assert after.views[holder].fetched_at < (after.fetched_at or 0), "old data stays old"


async def test_a_two_node_partition_is_a_split_brain_with_the_vip_bound_on_both(
        healthy_lab: Lab) -> None:
    async with watching(healthy_lab) as poller:
        await poller.next_snapshot()
        await asyncio.to_thread(healthy_lab.partition, "node-a")
        split = await first_snapshot(poller, lambda s: s.split_brain
                            and len(s.vip_truth["ClusterIP"].bound_on) == 2, limit=60)
    assert split.verdict is Verdict.SPLIT_BRAIN
    assert split.vip_truth["ClusterIP"].bound_on == ("node-a", "node-b")
    assert split.partitions == (("node-a",), ("node-b",))
    assert {view.dc for view in split.views.values()} == {"node-a", "node-b"}


async def test_a_node_whose_sshd_stops_is_unreachable_while_the_other_keeps_coming(
        healthy_lab: Lab) -> None:
    settings = PollSettings(interval=0.5, retry_interval=0.5, service=SERVICE)
    async with watching(healthy_lab, settings) as poller:
        await poller.next_snapshot()
        await asyncio.to_thread(healthy_lab.stop_sshd, "node-b")
        down = await first_snapshot(poller, lambda s: not s.views["node-b"].reachable)
        later = await first_snapshot(poller, lambda s: (s.views["node-a"].fetched_at or 0)
                            > (down.views["node-a"].fetched_at or 0) + 1.0)
    assert later.views["node-a"].reachable and later.views["node-a"].cib_version is not None
    assert later.unreachable.get("node-b")
    assert later.views["node-b"].fetched_at == down.views["node-b"].fetched_at


async def test_a_node_whose_cable_is_pulled_is_unreachable_while_the_other_keeps_coming(
        healthy_lab: Lab) -> None:
    settings = PollSettings(interval=0.5, retry_interval=0.5, command_timeout=3.0,
                            service=SERVICE)
    async with watching(healthy_lab, settings, keepalive_interval=1.0,
                        keepalive_count_max=2, connect_timeout=2.0) as poller:
        await poller.next_snapshot()
        await asyncio.to_thread(healthy_lab.partition, "node-b", True)
        down = await first_snapshot(poller, lambda s: not s.views["node-b"].reachable, limit=60)
        later = await first_snapshot(poller, lambda s: (s.views["node-a"].fetched_at or 0)
                            > (down.views["node-a"].fetched_at or 0) + 1.0)
    assert later.views["node-a"].reachable
    assert later.unreachable["node-b"]
    # node-a's own view: node-b is gone from its partition once corosync notices
    assert later.views["node-b"].fetched_at == down.views["node-b"].fetched_at


async def test_one_node_reached_only_through_the_other_as_jump_host(healthy_lab: Lab) -> None:
    await asyncio.to_thread(healthy_lab.block_host, "node-b")
    target = Target(tuple(healthy_lab.nodes), (os.fspath(healthy_lab.files.ssh_config),),
                    jump="node-a", service_process="fake-opensips")
    snapshot = await take_snapshot(target)
    assert snapshot.reached == ("node-a", "node-b") and snapshot.unreachable == {}
    assert snapshot.views["node-b"].online == ("node-a", "node-b")
    assert snapshot.verdict is Verdict.CONSISTENT
    # and without the jump host node-b is unreachable: the jump really carried it
    direct = await take_snapshot(Target(tuple(healthy_lab.nodes),
                                        (os.fspath(healthy_lab.files.ssh_config),)))
    assert "node-b" in direct.unreachable and "node-a" in direct.reached


async def test_three_node_partition_minority_loses_quorum_and_it_is_no_split_brain(
        healthy_lab3: Lab) -> None:
    async with watching(healthy_lab3) as poller:
        holder = holder_of(await poller.next_snapshot())[0]
        isolated = next(node for node in healthy_lab3.nodes if node != holder)
        majority = tuple(sorted(node for node in healthy_lab3.nodes if node != isolated))
        await asyncio.to_thread(healthy_lab3.partition, isolated)
        settled = await first_snapshot(poller, lambda s: s.views[isolated].online == (isolated,)
                              and s.views[isolated].quorate is False
                              and s.views[isolated].dc == isolated
                              and all(s.views[node].online == majority for node in majority),
                              limit=60)
    assert settled.partitions == tuple(sorted([majority, (isolated,)]))
    assert not settled.split_brain and settled.verdict is Verdict.PARTITIONED
    assert settled.source_node in majority, "the quorate side's CIB stands for the cluster"
    assert settled.vip_truth["ClusterIP"].bound_on == (holder,)
