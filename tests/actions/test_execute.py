"""The executor on the demo cluster's nodes: compare-and-swap, re-planning, verification.

The demo nodes answer `cibadmin --patch` with Pacemaker's version check (rc 103 when stale) and
previews with this machine's crm_simulate; each command lets 0.1 s of demo time pass.
"""

from __future__ import annotations

import asyncio
import shutil

import pytest
from demo_runner import DemoRunner

from console.actions import execute
from console.actions.execute import OutcomeStatus
from console.actions.plans import ActionKind, ActionRefused
from console.demo.cluster import DemoCluster
from console.demo.timeline import FakeClock

NODES = ("node-a", "node-b")
pytestmark = pytest.mark.skipif(
    shutil.which("crm_simulate", path="/usr/sbin:/usr/bin") is None,
    reason="LOUD SKIP: Pacemaker's crm_simulate is not installed (tests/run installs it)")


def demo() -> tuple[DemoCluster, DemoRunner]:
    clock = FakeClock()
    cluster = DemoCluster(2, clock)
    return cluster, DemoRunner(cluster, clock)


async def planned(runner: DemoRunner, node: str, via: str = "node-b") -> execute.ActionPlan:
    plan = await execute.prepare(ActionKind.STANDBY, runner, via, node=node)
    return await execute.preview(plan, runner)


async def test_standby_of_the_vip_holder_moves_it_and_is_verified_and_timed() -> None:
    cluster, runner = demo()
    plan = await planned(runner, "node-a")
    assert plan.consequences == ("ClusterIP moves node-a → node-b", "OSIPS moves node-a → node-b")
    outcome = await execute.run_plan(plan, runner, nodes=NODES)
    assert outcome.status is OutcomeStatus.DONE and outcome.verified and outcome.exit_code == 0
    assert outcome.failover_s is not None and outcome.failover_s > 0
    assert outcome.message.startswith("failover done in ")
    assert cluster.holders("ClusterIP") == ("node-b",) == cluster.holders("OSIPS")
    assert str(outcome.version_before) == str(plan.expected_version)
    assert outcome.version_after is not None and outcome.version_after > plan.expected_version


async def test_standby_of_the_last_active_node_is_refused_before_anything_runs() -> None:
    _, runner = demo()
    await execute.run_plan(await planned(runner, "node-a"), runner, nodes=NODES)
    runner.calls.clear()
    with pytest.raises(ActionRefused, match="no node could run ClusterIP"):
        await planned(runner, "node-b")
    assert [argv[0] for _, argv in runner.calls] == ["cibadmin"]  # one read, nothing written


async def test_two_consoles_racing_never_both_put_their_node_in_standby() -> None:
    cluster, runner = demo()
    first, second = await planned(runner, "node-a"), await planned(runner, "node-b")
    assert first.expected_version == second.expected_version  # both computed from one CIB
    outcomes = await asyncio.gather(
        execute.run_plan(first, runner, nodes=NODES, verify=False),
        execute.run_plan(second, runner, nodes=NODES, verify=False))
    statuses = sorted(outcome.status.value for outcome in outcomes)
    assert statuses == ["done", "refused"]
    refused = next(o for o in outcomes if o.status is OutcomeStatus.REFUSED)
    assert "no node could run ClusterIP" in refused.message and refused.exit_code == 3
    standby = [n for n in NODES if cluster.partition_of(n).config.standby_value(n) == "on"]
    assert len(standby) == 1


async def test_status_churn_is_a_false_conflict_that_is_planned_again() -> None:
    cluster, runner = demo()
    plan = await planned(runner, "node-a")
    cluster.partition_of("node-a").bump_status()  # a monitor result arrived meanwhile
    outcome = await execute.run_plan(plan, runner, nodes=NODES)
    assert outcome.status is OutcomeStatus.DONE
    assert outcome.plan.expected_version != plan.expected_version  # re-planned on the fresh CIB


async def test_a_replan_with_a_different_prediction_is_refused() -> None:
    cluster, runner = demo()
    plan = await planned(runner, "node-b")  # predicts: nothing moves
    cluster.set_standby("node-a", "node-a", "on", "forever")  # behind hacon's back
    outcome = await execute.run_plan(plan, runner, nodes=NODES)
    assert outcome.status is OutcomeStatus.REFUSED and not outcome.applied
    assert cluster.partition_of("node-b").config.standby_value("node-b") is None


async def test_a_patch_refused_for_another_reason_is_a_failure_not_a_retry() -> None:
    cluster, runner = demo()
    plan = await planned(runner, "node-a")
    broken = plan.__class__(**{**{f: getattr(plan, f) for f in plan.__dataclass_fields__},
                               "stdin": b"<diff format='1'/>"})
    outcome = await execute.run_plan(broken, runner, nodes=NODES)
    assert outcome.status is OutcomeStatus.FAILED and outcome.conflicts == 0
    assert cluster.holders("ClusterIP") == ("node-a",)


async def test_online_after_standby_is_done_and_nothing_moves_back_by_itself() -> None:
    cluster, runner = demo()
    await execute.run_plan(await planned(runner, "node-a"), runner, nodes=NODES)
    plan = await execute.preview(
        await execute.prepare(ActionKind.ONLINE, runner, "node-b", node="node-a"), runner)
    outcome = await execute.run_plan(plan, runner, nodes=NODES)
    assert outcome.status is OutcomeStatus.DONE and outcome.failover_s is None
    assert not cluster.partition_of("node-a").config.standby_value("node-a")


@pytest.mark.parametrize(("output", "address", "bound"), [
    (b"2: eth0    inet 10.0.0.100/24 scope global secondary eth0\n", "10.0.0.100", True),
    (b"2: eth0    inet 10.0.0.100/24 scope global secondary eth0\n", "10.0.0.10", False),
    (b"2: eth0    inet6 fd00::64/64 scope global\n", "fd00::64", True),
    (b"1: lo    inet 127.0.0.1/8 scope host lo\n", "10.0.0.100", False),
    # The banner's reading: another spelling of the same IPv6 address is the same address...
    (b"2: eth0    inet6 fd00::64/64 scope global\n", "FD00:0:0::64", True),
    # ...and an address whose duplicate-address detection failed is not usable.
    (b"2: eth0    inet6 fd00::64/64 scope global dadfailed tentative\n", "fd00::64", False),
])
def test_the_kernel_check_matches_whole_addresses(output: bytes, address: str,
                                                  bound: bool) -> None:
    from console.actions.verify import address_bound

    assert address_bound(output, address) is bound


@pytest.mark.parametrize("output", [
    b"2: eth0    inet6 2001:db8::10/64 scope global\n",
    b"2: eth0    inet6 2001:db8::10/64 scope global dadfailed tentative\n",
    b"2: eth0    inet 10.0.0.100/24 scope global secondary eth0\n",
])
@pytest.mark.parametrize("address", ["2001:DB8:0::10", "2001:db8::10", "10.0.0.100"])
def test_the_verifier_and_the_banner_agree_on_where_the_vip_is(output: bytes,
                                                                address: str) -> None:
    from console.actions.verify import address_bound
    from console.model.live.node_view import parse_ip_addresses, vip_interfaces

    banner = vip_interfaces(parse_ip_addresses(output.decode()), {"vip": address})["vip"]
    assert address_bound(output, address) is bool(banner)
