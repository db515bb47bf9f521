"""`hacon demo`'s cluster end to end: the real SSH transport and poller against the demo nodes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from console.demo.serve import running_demo
from console.model.live.snapshot import LiveSnapshot
from console.transport.poller import ClusterPoller

WAIT = 15.0


async def snapshot_where(poller: ClusterPoller,
                         wanted: Callable[[LiveSnapshot], bool]) -> LiveSnapshot:
    """The first snapshot that satisfies `wanted` (fails after WAIT seconds)."""
    async def follow() -> LiveSnapshot:
        async for snapshot in poller.snapshots():
            if wanted(snapshot):
                return snapshot
        raise AssertionError("the poller stopped")
    return await asyncio.wait_for(follow(), WAIT)


def vip(snapshot: LiveSnapshot) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(CIB holders, nodes whose interfaces hold the address) of the demo VIP."""
    truth = snapshot.vip_truth["ClusterIP"]
    return truth.cib_holders, truth.bound_on


async def test_standby_over_ssh_moves_the_vip_the_poller_sees() -> None:
    async with running_demo() as demo:
        first = await demo.poller.next_snapshot()
        assert first.reached == ("node-a", "node-b")
        assert vip(first) == (("node-a",), ("node-a",))
        result = await demo.ssh.run(
            "node-b", ["crm_attribute", "--node", "node-a", "--name", "standby", "--update", "on"],
            timeout=5)
        assert result.exit_status == 0
        demo.cluster.timeline.settle()  # skip the 2 s the move takes
        moved = await snapshot_where(demo.poller, lambda s: vip(s) == (("node-b",), ("node-b",)))
        assert not moved.split_brain


async def test_power_loss_makes_the_node_unreachable_and_the_survivor_takes_over() -> None:
    async with running_demo() as demo:
        await demo.poller.next_snapshot()
        demo.control.run("power-loss")
        lost = await snapshot_where(demo.poller, lambda s: "node-a" in s.unreachable)
        assert lost.reached == ("node-b",)
        demo.cluster.timeline.settle()
        demo.poller.refresh_now()
        await snapshot_where(demo.poller, lambda s: vip(s) == (("node-b",), ("node-b",)))


async def test_split_brain_start_state_shows_the_vip_on_both_nodes() -> None:
    async with running_demo(scenario="split-brain") as demo:
        snapshot = await snapshot_where(demo.poller, lambda s: len(s.views) == 2)
        assert snapshot.split_brain
        assert vip(snapshot)[1] == ("node-a", "node-b")


async def test_the_client_files_are_removed_on_exit() -> None:
    async with running_demo() as demo:
        config_dir = demo.config_dir
        assert (config_dir / "known_hosts").exists()
    assert not config_dir.exists()
