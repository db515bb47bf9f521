"""The new guarded actions through their keys: move (M) and ban (b) on the resources pane,
maintenance (m) on the nodes pane; read-only removes them; the palette lists them per target."""

from __future__ import annotations

import shutil

import pytest

from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.resources_pane import ResourcesPane
from console.ui.widgets.status_bar import StatusBar
from tests.support.console_app import AppFactory
from tests.support.waiting import until
from tests.ui.actions_fixtures import audit_entries, demo_cluster, live_from, record_notifications
from tests.ui.waiting import until_shown

needs_crm_simulate = pytest.mark.skipif(
    shutil.which("crm_simulate", path="/usr/sbin:/usr/bin") is None,
    reason="LOUD SKIP: Pacemaker's crm_simulate is not installed (tests/run installs it)")


@needs_crm_simulate
async def test_M_moves_the_selected_resource_to_the_other_node_after_yes(
        make_app: AppFactory) -> None:
    cluster, runner = demo_cluster()
    app = make_app(live_from(runner), runner=runner)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_shown(pilot)
        resources = app.screen.query_one(ResourcesPane)
        resources.focus()
        await until(pilot, lambda: resources.cursor_key is not None)
        while resources.cursor_key != "ClusterIP":
            await pilot.press("down")
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        modal = app.screen
        assert isinstance(modal, ConfirmActionScreen)
        assert str(modal.query_one("#confirm-title").content) == "Move ClusterIP to node-b?"
        assert runner.writes() == []
        await pilot.press("y")
        await until(pilot, lambda: not app.action_running)
    [entry] = audit_entries()
    assert (entry["action"], entry["target"], entry["outcome"]) == ("move", "ClusterIP", "done")
    assert cluster.partition_of("node-a").config.prefers


@needs_crm_simulate
async def test_m_on_a_node_previews_maintenance_and_the_demo_refuses_it_with_a_sentence(
        make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(live_from(runner), runner=runner)
    said = record_notifications(app)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_shown(pilot)
        assert app.screen.query_one(NodesPane).check_action("maintenance_node", ()) is True
        await pilot.press("m")
        # The refusal goes to the status bar's reason line, in full (not a fading toast).
        await until(pilot, lambda: not app.action_running
                    and "maintenance on refused" in str(app.screen.query_one(StatusBar).content))
        reason = str(app.screen.query_one(StatusBar).content)
    assert "demo cluster models only" in reason
    assert not any("refused" in line for line in said)
    assert runner.writes() == []
    [entry] = audit_entries()
    assert (entry["action"], entry["target"], entry["outcome"]) == ("maintenance on", "node-a",
                                                                     "refused")


async def test_read_only_hides_the_new_keys(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(live_from(runner), runner=runner, read_only=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_shown(pilot)
        nodes = app.screen.query_one(NodesPane)
        resources = app.screen.query_one(ResourcesPane)
        assert nodes.check_action("maintenance_node", ()) is False
        assert nodes.check_action("maintenance_cluster", ()) is False
        for action in ("move_resource", "ban_resource", "maintenance_resource"):
            assert resources.check_action(action, ()) is False


async def test_the_palette_offers_moves_bans_and_maintenance_per_target(
        make_app: AppFactory) -> None:
    from console.ui.action_commands import GuardedActionCommands

    _, runner = demo_cluster()
    app = make_app(live_from(runner), runner=runner)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_shown(pilot)
        provider = GuardedActionCommands(app.screen)
        names = [name for name, _, _ in provider._entries()]
    assert "resource: Move ClusterIP to node-b" in names
    assert "resource: Ban ClusterIP from node-a" in names
    assert "cluster: Start maintenance of the cluster" in names
    assert "node: Start maintenance of node-b" in names
    assert "resource: Move ClusterIP to node-a" not in names  # it runs there already
