"""The demo's fence race (fencing on, the link between two nodes fails, node-a reboots node-b),
through the real SSH transport and poller: the fencer history, "fenced by" on the node's row and
in the event log, the device, and node-b back after its reboot."""

from __future__ import annotations

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
    _, out, _ = handler.answer("node-a", ["stonith_admin", "--history", "node-b",
                                          "--output-as=xml"])
    assert [e.target for e in parse_fence_history(out)] == ["node-b", "node-b"]
    refused, _, why = handler.answer("node-a", ["stonith_admin", "--reboot", "node-a"])
    assert refused != 0 and b"cannot fence node-a from node-a" in why
