"""The demo's worst moments: a cut standby DC (no false "runs nowhere"), and a pulled cable
(the holder may still hold the VIP), through the real SSH transport and poller."""

from __future__ import annotations

from console.commands.status_live import render_live
from console.demo.serve import running_demo
from console.model.live.snapshot import Verdict
from console.model.live.live_advisories import live_advisories
from tests.demo.test_demo_ssh import snapshot_where


async def test_standby_of_the_dc_then_a_cut_shows_both_sides_and_no_false_alarm() -> None:
    async with running_demo(scenario="standby-split") as demo:
        snapshot = await snapshot_where(demo.poller, lambda s: len(s.partition_views) == 2)
        idle, serving = snapshot.partition_views
        assert idle.members == ("node-a",) and idle.running == {}
        assert serving.running == {"ClusterIP": ("node-b",), "OSIPS": ("node-b",)}
        assert snapshot.verdict is Verdict.PARTITIONED and not snapshot.split_brain
        assert "vip-stopped" not in {advisory.code for advisory in live_advisories(snapshot)}
        text = render_live(snapshot, color=False)
        assert "{node-a}  DC node-a  quorate  runs NOTHING" in text
        assert "NOT RUNNING" not in text


async def test_a_pulled_cable_leaves_doubt_until_the_network_heals() -> None:
    async with running_demo() as demo:
        await snapshot_where(demo.poller, lambda s: s.reached == ("node-a", "node-b"))
        demo.control.run("cable-pull")
        doubt = await snapshot_where(demo.poller, lambda s: s.verdict is Verdict.UNCERTAIN)
        assert doubt.vip_may_be_on == {"ClusterIP": ("node-a",)}
        assert render_live(doubt, color=False).startswith("DOUBT: node-a unreachable since ")
        demo.control.run("heal")
        demo.cluster.timeline.settle()
        demo.poller.refresh_now()
        healed = await snapshot_where(demo.poller, lambda s: not s.vip_may_be_on
                                      and s.reached == ("node-a", "node-b"))
        assert healed.verdict is not Verdict.UNCERTAIN
