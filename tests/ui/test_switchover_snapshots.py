"""The switchover screen as the operator sees it, reopened at the maintenance pause
(snapshots/test_switchover_snapshots/): fixed clock, UTC, explicit theme."""

from __future__ import annotations

from textual.pilot import Pilot

from console.ui.screens.switchover import SwitchoverScreen
from tests.support.console_app import AppFactory
from tests.support.waiting import until
from tests.ui.actions_fixtures import demo_cluster
from tests.ui.fakes import FixedClock
from tests.ui.switchover_fixtures import DemoSource, saved_at_pause
from tests.ui.waiting import until_shown

WIDE = (120, 36)


def test_switchover_paused_for_the_maintenance(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    """Standby and verify ticked, the pause highlighted, node-a's standby age, what the earlier
    steps said; enter continues, escape leaves it saved."""
    cluster, runner = demo_cluster()
    clock = FixedClock()
    saved_at_pause(cluster, clock() - 300)

    async def run_before(pilot: Pilot[None]) -> None:
        await until_shown(pilot)
        await pilot.press("S")
        await until(pilot, lambda: isinstance(pilot.app.screen, SwitchoverScreen))
        await pilot.pause()

    app = make_app(source=DemoSource(runner, clock), runner=runner, clock=clock)
    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)
