"""The demo's fence race (fencing on, the link between two nodes fails, node-a reboots node-b),
through the real SSH transport and poller: the fencer history, "fenced by" on the node's row and
in the event log, the device, and node-b back after its reboot."""

from __future__ import annotations

import asyncio

from console.commands.status_live import render_live
from console.demo.cluster import DemoCluster
from console.demo.fencing import history_xml
from console.demo.handler import DemoHandler
from console.demo.scenarios import SCENARIOS
from console.demo.serve import running_demo
from console.demo.timeline import FakeClock
from console.model.live.events import diff_snapshots
from console.model.live.fencing import parse_fence_history
from console.presentation.rows import node_rows
from console.transport import argv
from tests.demo.test_demo_ssh import snapshot_where


def _raced(seconds: float) -> tuple[DemoCluster, DemoHandler]:
    cluster = DemoCluster(2, FakeClock())
    SCENARIOS["fence-race"].run(cluster)
    cluster.timeline.run_for(seconds)
    return cluster, DemoHandler(cluster)


def test_only_the_survivors_fencer_knows_until_the_fenced_node_rejoins() -> None:
    cluster, handler = _raced(6.0)
    assert not cluster.reachable("node-b")
    status, out, _ = handler.answer("node-a", ["stonith_admin", "--history", "*",
                                               "--output-as=xml"])
    [event] = parse_fence_history(out)
    assert status == 0 and (event.target, event.action, event.origin, event.status) == (
        "node-b", "reboot", "node-a", "success")
    cluster.timeline.settle()
    assert cluster.reachable("node-b") and cluster.partition_of("node-b").members == (
        "node-a", "node-b")
    assert parse_fence_history(history_xml(cluster.fencers["node-b"])) == (event,)


async def test_the_fence_race_shows_the_history_and_fenced_by_in_text_rows_and_events() -> None:
    async with running_demo() as demo:
        before = await snapshot_where(demo.poller, lambda s: s.reached == ("node-a", "node-b")
                                      and bool(s.fencing.history_from))
        assert before.fencing.enabled is False and not before.fencing.history
        demo.control.run("fence-race")
        demo.cluster.timeline.run_for(6.0)
        demo.poller.refresh_now()
        fenced = await snapshot_where(demo.poller, lambda s: bool(s.fencing.history))
        assert fenced.fencing.enabled is True
        [device] = fenced.fencing.devices
        assert (device.id, device.role, device.active_on) == ("fence-demo", "Started",
                                                              ("node-a",))
        [event] = fenced.fencing.history
        assert (event.target, event.delegate, event.status) == ("node-b", "node-a", "success")
        row = dict(node_rows(fenced, fenced.fetched_at or 0.0))["node-b"]
        assert any("fenced by node-a at " in cell.text for cell in row)
        assert "fenced by node-a at " in render_live(fenced, color=False)
        logged = [e.text for e in diff_snapshots(before, fenced, fenced.fetched_at or 0.0)]
        assert "node-b fenced by node-a (reboot)" in logged
        demo.cluster.timeline.settle()
        demo.poller.refresh_now()
        back = await snapshot_where(demo.poller, lambda s: s.reached == ("node-a", "node-b")
                                    and len(s.partition_views) <= 1 and s.cluster is not None
                                    and s.cluster.nodes["node-b"].online)
        assert back.fencing.last_fencing_of("node-b") == event


def test_a_demo_node_runs_hacons_fence_and_answers_the_history_of_one_node() -> None:
    cluster, handler = _raced(6.0)
    cluster.timeline.settle()  # node-b is back; fencing stays on
    status, _, _ = handler.answer("node-a", ["stonith_admin", "--reboot", "node-b"])
    assert status == 0 and not cluster.reachable("node-b")
    _, out, _ = handler.answer("node-a", list(argv.fence_history_of("node-b")))
    newest, oldest = parse_fence_history(out)
    assert (newest.target, oldest.target) == ("node-b", "node-b")
    assert newest.completed_at > oldest.completed_at  # type: ignore[operator]
    # Without --verbose the fencer prints its oldest success alone, as Pacemaker 2.1.5 does:
    # hacon's fence would then never see this reboot.
    _, terse, _ = handler.answer("node-a", ["stonith_admin", "--history", "node-b",
                                            "--output-as=xml"])
    assert parse_fence_history(terse) == (oldest,)
    refused, _, why = handler.answer("node-a", ["stonith_admin", "--reboot", "node-a"])
    assert refused != 0 and b"cannot fence node-a from node-a" in why


async def test_a_second_fencing_of_a_node_is_the_one_shown_not_the_first() -> None:
    """A fencer that fenced before still shows the newest fencing (Pacemaker lists only its
    oldest success unless asked for every event)."""
    async with running_demo() as demo:
        demo.control.run("fence-race")
        demo.cluster.timeline.run_for(6.0)
        demo.cluster.timeline.settle()  # node-b rebooted and rejoined
        await asyncio.sleep(1.1)  # the fencer stamps whole wall seconds (the demo's real clock)
        demo.cluster.fence("node-a", "node-b")
        demo.poller.refresh_now()
        fenced = await snapshot_where(demo.poller, lambda s: len(s.fencing.history) == 2)
        first, second = fenced.fencing.history
        assert second.completed_at > first.completed_at  # type: ignore[operator]
        assert fenced.fencing.last_fencing_of("node-b") == second
        row = dict(node_rows(fenced, fenced.fetched_at or 0.0))["node-b"]
        assert any("fenced by node-a at " in cell.text for cell in row)
