"""What the operator sees of guarded actions, as SVG screenshots (snapshots/test_actions_snapshots/).

Fixed clock, UTC, explicit theme; the modal's plan comes from the demo cluster's CIB through
this machine's crm_simulate, so its text is Pacemaker's own prediction.
"""

from __future__ import annotations

import shutil

import pytest
from textual.pilot import Pilot

from console.ui.screens.confirm_action import ConfirmActionScreen
from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.support.waiting import until
from tests.ui.actions_fixtures import demo_cluster, live_from
from tests.ui.waiting import until_shown

WIDE = (120, 36)


@pytest.mark.skipif(shutil.which("crm_simulate", path="/usr/sbin:/usr/bin") is None,
                    reason="LOUD SKIP: Pacemaker's crm_simulate is not installed")
def test_confirm_standby_of_the_vip_holder(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    """The title names node and action, the scheduler's consequences and the CIB version are
    listed, and the focus is on No (the service moves)."""
    _, runner = demo_cluster()

    async def run_before(pilot: Pilot[None]) -> None:
        await until_shown(pilot)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmActionScreen))
        await pilot.pause()

    assert snap_compare(make_app(live_from(runner), runner=runner), terminal_size=WIDE,
                        run_before=run_before)


def test_standby_of_the_last_active_node_is_greyed_with_its_reason(  # type: ignore[no-untyped-def]
        snap_compare, make_app: AppFactory) -> None:
    """node-a was left in standby: on node-b the s key is greyed and the status bar says why."""
    _, runner = demo_cluster()
    nodes = [b.node("node-a", dc=True, standby=True), b.node("node-b", node_id="2")]
    snapshot = b.live(b.cluster(nodes=nodes, vip_on=("node-b",)))

    async def run_before(pilot: Pilot[None]) -> None:
        await until_shown(pilot)
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(make_app(snapshot, runner=runner), terminal_size=WIDE,
                        run_before=run_before)
