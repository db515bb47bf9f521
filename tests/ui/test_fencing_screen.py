"""The fencing screen (`F`): the fence devices with their state and the merged fencer history,
a failure nothing replaced flagged, a replaced one marked superseded (80x24 and 160x48)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.pilot import Pilot

from console.model.live.fencing import FenceEvent, parse_fence_history
from console.model.live.snapshot import LiveSnapshot
from console.model.live.verdict import build_live_snapshot
from tests.model.test_fencing import HISTORY, fence_cluster
from tests.support.console_app import AppFactory
from tests.support.live_views import view
from tests.ui.fakes import FixedClock
from tests.support.waiting import until
from tests.ui.waiting import until_shown

SIZES = {"80x24": (80, 24), "160x48": (160, 48)}
NOW = 1_796_544_000.0
FAILED_LATER = b"""<pacemaker-result><fence_history>
  <fence_event action="off" target="node-a" origin="node-b" delegate="node-b" status="failed"
               completed="2026-12-06 08:10:02Z" exit-reason="fence_lab: timed out"/>
</fence_history></pacemaker-result>"""


def fenced_live(*events: FenceEvent, running: bool = True) -> LiveSnapshot:
    cluster = fence_cluster(running=running)
    views = {name: replace(view(name, fetched_at=NOW), fence_history=events) for name in ("node-a", "node-b")}
    return build_live_snapshot(views, {"node-a": cluster, "node-b": cluster}, NOW)


def raced() -> LiveSnapshot:
    """node-b's first reboot failed, a second one succeeded; then fencing node-a failed."""
    return fenced_live(*parse_fence_history(HISTORY), *parse_fence_history(FAILED_LATER))


def fencing_opened():  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await until_shown(pilot, 1)
        await pilot.press("F")
        await pilot.pause()
    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_fencing_screen(snap_compare, make_app: AppFactory, size: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(raced(), clock=FixedClock(NOW + 3))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=fencing_opened())


def _cells(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def test_f_opens_devices_and_history_newest_first_and_follows_the_cluster(
        make_app: AppFactory) -> None:
    from console.ui.screens.fencing import FenceDeviceTable, FenceHistoryTable, FencingScreen

    app = make_app(fenced_live(), clock=FixedClock(NOW + 3))
    async with app.run_test(size=(160, 48)) as pilot:
        await until_shown(pilot, 1)
        await pilot.press("F")
        await until(pilot, lambda: isinstance(app.screen, FencingScreen))
        screen = app.screen
        assert _cells(screen.query_one(FenceDeviceTable)) == [
            ["fence-lab", "stonith:fence_lab", "Started on node-a"]]
        assert _cells(screen.query_one(FenceHistoryTable)) == []
        assert screen.query_one(FenceHistoryTable).border_subtitle == "no fencing recorded"
        app.source.push(raced())  # type: ignore[attr-defined]
        await until(pilot, lambda: screen.query_one(FenceHistoryTable).row_count == 3)
        rows = _cells(screen.query_one(FenceHistoryTable))
        assert [row[1:] for row in rows] == [
            ["node-a", "off", "FAILED", "node-b", "node-b"],
            ["node-b", "reboot", "success", "node-a", "node-a"],
            ["node-b", "reboot", "failed·superseded", "node-a", "node-a"]]
        detail = screen.query_one("#fence-detail")
        assert str(detail.render()) == ("off of node-a by node-b: failed at 2026-12-06 08:10:02Z "
                                        "(fence_lab: timed out): node-a may still run what it ran")
        screen.query_one(FenceHistoryTable).focus()
        await pilot.press("G")
        await until(pilot, lambda: "superseded by a later success" in str(detail.render()))
        assert "(fence_lab: switch unreachable)" in str(detail.render())
        summary = str(screen.query_one("#fencing-summary").render())
        assert "1 FAILED, not replaced by a later success" in summary
        await pilot.press("escape")
        assert not isinstance(app.screen, FencingScreen)


async def test_a_stopped_device_fences_nothing_and_fencing_is_in_help_and_the_palette(
        make_app: AppFactory) -> None:
    from console.ui.keymap import key_entries
    from console.ui.screens.fencing import FenceDeviceTable, FencingScreen

    app = make_app(fenced_live(running=False), clock=FixedClock(NOW + 3))
    async with app.run_test(size=(80, 24)) as pilot:
        await until_shown(pilot, 1)
        keys = {entry.binding.id: entry.key for entry in key_entries(app, app.screen)}
        assert keys["console.show-fencing"] == "F"
        await pilot.press("F")
        await until(pilot, lambda: isinstance(app.screen, FencingScreen))
        [row] = _cells(app.screen.query_one(FenceDeviceTable))
        assert row[2] == "Stopped: fences nothing"
