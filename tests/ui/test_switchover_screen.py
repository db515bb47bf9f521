"""The switchover runbook in the console (key S) on the demo cluster: each step previewed and
confirmed like its key, the standby age ticking in the pause, a saved flow announced when the
console opens again, a cluster changed under it stopping it in words; read-only removes it."""

from __future__ import annotations

import shutil

import pytest
from textual.widgets import Label, Static

from console.actions import runbook_store
from console.actions.runbook import Step
from console.ui.keymap import key_entries
from console.ui.palette import command_name
from console.ui.screens.abandon_switchover import AbandonScreen
from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.screens.switchover import SwitchoverScreen
from tests.actions.switchover_helpers import look
from tests.support.console_app import AppFactory
from tests.support.waiting import until
from tests.ui.actions_fixtures import audit_entries, demo_cluster, record_notifications
from tests.ui.fakes import FixedClock
from tests.ui.switchover_fixtures import DemoSource, saved_at_pause
from tests.ui.waiting import until_shown

needs_crm_simulate = pytest.mark.skipif(
    shutil.which("crm_simulate", path="/usr/sbin:/usr/bin") is None,
    reason="LOUD SKIP: Pacemaker's crm_simulate is not installed (tests/run installs it)")


def text_of(screen: SwitchoverScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def current_step(screen: SwitchoverScreen) -> str:
    [label] = [label for label in screen.query(".switchover-step").results(Label)
               if label.has_class("-current")]
    return str(label.content)


@needs_crm_simulate
async def test_S_walks_standby_and_verify_with_previews_then_the_pause_ages_and_stays_saved(
        make_app: AppFactory) -> None:
    cluster, runner = demo_cluster()
    clock = FixedClock()
    app = make_app(source=DemoSource(runner, clock), runner=runner, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("S")
        await until(pilot, lambda: isinstance(app.screen, SwitchoverScreen))
        screen = app.screen
        assert isinstance(screen, SwitchoverScreen)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        assert str(app.screen.query_one("#confirm-title", Static).content) == "Put node-a in standby?"
        assert runner.writes() == []  # previewed, nothing applied before yes
        await pilot.press("y")
        await until(pilot, lambda: screen.state is not None and screen.state.step is Step.VERIFY
                    and not screen.running)
        assert cluster.holders("ClusterIP") == ("node-b",)
        assert current_step(screen) == "▶ Check that the VIP and the service answer on node-b"
        await pilot.press("enter")
        await until(pilot, lambda: screen.state is not None and screen.state.step is Step.PAUSE
                    and not screen.running)
        assert current_step(screen) == "▶ Maintenance of node-a (it stays in standby)"
        clock.advance(252)
        await until(pilot, lambda: text_of(screen, "#switchover-age")
                    == "node-a in standby for 4 min 12 s", seconds=5)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SwitchoverScreen))
    saved = runbook_store.load("demo")
    assert saved is not None and saved.step is Step.PAUSE and saved.peer == "node-b"
    assert [(e["action"], e["outcome"]) for e in audit_entries()] == [
        ("switchover start", "done"), ("standby", "done"), ("switchover verify", "done")]


@needs_crm_simulate
async def test_reopening_the_console_says_where_the_flow_stopped_and_it_goes_on(
        make_app: AppFactory) -> None:
    cluster, runner = demo_cluster()
    clock = FixedClock()
    saved_at_pause(cluster, clock() - 300)
    app = make_app(source=DemoSource(runner, clock), runner=runner, clock=clock)
    said = record_notifications(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        assert any("waiting at: Maintenance of node-a (it stays in standby)" in line
                   and "Press S to continue or abandon it" in line for line in said)
        await pilot.press("S")
        await until(pilot, lambda: isinstance(app.screen, SwitchoverScreen))
        screen = app.screen
        assert isinstance(screen, SwitchoverScreen)
        assert text_of(screen, "#switchover-age") == "node-a in standby for 4 min 48 s"
        await pilot.press("enter")  # the maintenance is done
        await until(pilot, lambda: screen.state is not None and screen.state.step is Step.ONLINE
                    and not screen.running)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        assert str(app.screen.query_one("#confirm-title", Static).content) == "Bring node-a online?"
        await pilot.press("y")
        await until(pilot, lambda: screen.state is not None
                    and screen.state.step is Step.FAILBACK and not screen.running)
        await pilot.press("n")  # no failback
        await until(pilot, lambda: screen.state is not None and screen.state.finished)
    assert runbook_store.load("demo") is None
    assert cluster.holders("ClusterIP") == ("node-b",)
    assert not look(runner).cluster.nodes["node-a"].standby  # type: ignore[union-attr]


async def test_a_node_onlined_by_hand_stops_the_flow_in_words_and_greys_enter(
        make_app: AppFactory) -> None:
    cluster, runner = demo_cluster()
    clock = FixedClock()
    saved_at_pause(cluster, clock() - 300)
    cluster.set_standby("node-b", "node-a", None, "forever")  # someone, by hand
    cluster.timeline.settle(limit=60.0)
    app = make_app(source=DemoSource(runner, clock), runner=runner, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("S")
        await until(pilot, lambda: isinstance(app.screen, SwitchoverScreen))
        screen = app.screen
        assert isinstance(screen, SwitchoverScreen)
        assert text_of(screen, "#switchover-drift") == (
            "Stopped: the cluster changed under the switchover: node-a is online again, but "
            "the runbook left it in standby: someone brought it online by hand")
        assert screen.check_action("run_step", ()) is None
        await pilot.press("enter")
        await pilot.pause()
        assert runner.writes() == [] and screen.state is not None
        assert screen.state.step is Step.PAUSE


async def test_read_only_removes_the_runbook_key_its_palette_entry_and_the_notice(
        make_app: AppFactory) -> None:
    cluster, runner = demo_cluster()
    clock = FixedClock()
    saved_at_pause(cluster, clock() - 300)
    app = make_app(source=DemoSource(runner, clock), runner=runner, clock=clock, read_only=True)
    said = record_notifications(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        assert app.check_action("open_switchover", ()) is False
        names = [command_name(entry) for entry in key_entries(app, app.screen)]
        assert "everywhere: Open switchover" not in names
        await pilot.press("S")
        await pilot.pause()
        assert not isinstance(app.screen, SwitchoverScreen)
    assert not any("switchover" in line for line in said)


async def test_the_palette_and_the_help_name_the_runbook(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    clock = FixedClock()
    app = make_app(source=DemoSource(runner, clock), runner=runner, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        names = [command_name(entry) for entry in key_entries(app, app.screen)]
        assert "everywhere: Open switchover" in names


async def test_a_abandons_the_saved_flow_after_asking(make_app: AppFactory) -> None:
    cluster, runner = demo_cluster()
    clock = FixedClock()
    saved_at_pause(cluster, clock() - 300)
    app = make_app(source=DemoSource(runner, clock), runner=runner, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("S")
        await until(pilot, lambda: isinstance(app.screen, SwitchoverScreen))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AbandonScreen))
        await pilot.press("y")
        await until(pilot, lambda: app.screen is app.main_screen)
    assert runbook_store.load("demo") is None
    assert [(e["action"], e["outcome"]) for e in audit_entries()] == [
        ("switchover abandon", "cancelled")]
    assert runner.writes() == []  # the cluster stays as it is


async def test_an_unreadable_saved_file_is_named_and_only_set_aside(
        make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    clock = FixedClock()
    path = runbook_store.path_for("demo")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not json at all")
    app = make_app(source=DemoSource(runner, clock), runner=runner, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("S")
        await until(pilot, lambda: isinstance(app.screen, SwitchoverScreen))
        screen = app.screen
        assert isinstance(screen, SwitchoverScreen)
        assert text_of(screen, "#switchover-drift").startswith(
            f"Stopped: the saved switchover {path} cannot be read: not JSON")
        assert screen.check_action("run_step", ()) is None
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AbandonScreen))
        await pilot.press("y")
        await until(pilot, lambda: app.screen is app.main_screen)
    [aside] = path.parent.glob("demo.json.unreadable-*")
    assert aside.read_text() == "not json at all"
