"""The console at the worst moments, as SVG screenshots: each partition side by side, and the
doubt a cut holder leaves stated in the banner (80x24 and 160x48)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from console.model.live.verdict import build_live_snapshot
from tests.model.test_partitions import SEEN, cut_holder, standby_dc_cut
from tests.support.console_app import AppFactory
from tests.ui.fakes import FixedClock
from tests.ui.test_ui_snapshots import shown

SIZES = {"80x24": (80, 24), "160x48": (160, 48)}


def standby_dc_cut_live():  # type: ignore[no-untyped-def]
    views, cibs = standby_dc_cut()
    views = {name: replace(view, fetched_at=SEEN) for name, view in views.items()}
    return build_live_snapshot(views, cibs, SEEN)


@pytest.mark.parametrize("size", SIZES)
def test_partitions_side_by_side(snap_compare, make_app: AppFactory, size: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(standby_dc_cut_live(), clock=FixedClock(SEEN + 3))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=shown())


@pytest.mark.parametrize("size", SIZES)
def test_doubt_banner(snap_compare, make_app: AppFactory, size: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(cut_holder(), clock=FixedClock(SEEN + 22))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=shown())


async def test_the_panel_shows_one_column_per_partition_and_hides_with_one(
        make_app: AppFactory) -> None:
    from console.ui.widgets.partitions_panel import PartitionsPanel
    from tests.support.live_views import view
    from tests.ui.waiting import until_shown

    healthy = build_live_snapshot({"node-a": view("node-a"), "node-b": view("node-b")},
                                  {}, SEEN)
    app = make_app(standby_dc_cut_live(), clock=FixedClock(SEEN + 3))
    async with app.run_test(size=(160, 48)) as pilot:
        await until_shown(pilot, 1)
        panel = app.screen.query_one(PartitionsPanel)
        columns = [str(child.content) for child in panel.children]
        assert panel.display and len(columns) == 2
        assert "runs NOTHING" in columns[0] and "runs ClusterIP, OSIPS on node-b" in columns[1]
        app.source.push(healthy)  # type: ignore[attr-defined]
        await until_shown(pilot, 2)
        assert not panel.display
