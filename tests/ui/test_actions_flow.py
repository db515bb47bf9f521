"""Guarded actions driven through the keys: the guard, the modal, the executor, the outcome.

The runner answers from the demo cluster in-process (versioned `cibadmin --patch` with exit 103
when stale, previews with this machine's crm_simulate), so "nothing was sent" is checked on the
commands themselves and on the demo cluster's state.
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from lxml import etree

from console.actions import execute
from console.actions.plans import ActionKind
from console.demo.timeline import FakeClock
from console.transport.base import CommandResult, NodeUnreachable
from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.screens.error import ErrorScreen
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.status_bar import StatusBar
from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.support.waiting import until
from tests.ui.actions_fixtures import (
    RecordingDemoRunner,
    audit_entries,
    demo_cluster,
    live_from,
    record_notifications,
)
from tests.ui.fakes import ScriptedSource
from tests.ui.waiting import until_shown

needs_crm_simulate = pytest.mark.skipif(
    shutil.which("crm_simulate", path="/usr/sbin:/usr/bin") is None,
    reason="LOUD SKIP: Pacemaker's crm_simulate is not installed (tests/run installs it)")
NODES = ("node-a", "node-b")


def standby_of(cluster: object, node: str) -> bool:
    return cluster.partition_of(node).config.standby_value(node) == "on"  # type: ignore[attr-defined]


def last_active_node_snapshot() -> object:
    """node-a forgotten in standby; node-b runs the VIP and the service alone."""
    nodes = [b.node("node-a", dc=True, standby=True), b.node("node-b", node_id="2")]
    return b.live(b.cluster(nodes=nodes, vip_on=("node-b",)))


def status_text(app: object) -> str:
    return str(app.screen.query_one(StatusBar).content)  # type: ignore[attr-defined]


async def test_s_on_the_last_active_node_does_nothing_and_says_why(
        make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(last_active_node_snapshot(), runner=runner)
    async with app.run_test(size=(160, 36)) as pilot:
        await until_shown(pilot)
        nodes = app.screen.query_one(NodesPane)
        await pilot.press("down")
        assert nodes.selected_node == "node-b"
        assert nodes.check_action("standby_node", ()) is None  # greyed, not hidden
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmActionScreen)
        assert runner.inputs == []  # not even a read: the guard on screen said no
        assert ("standby unavailable: after a standby of node-b no node could run ClusterIP "
                "(node-a in standby)") in status_text(app)


@needs_crm_simulate
async def test_s_shows_the_plan_and_sends_nothing_before_the_answer(
        make_app: AppFactory) -> None:
    cluster, runner = demo_cluster()
    before = cluster.partition_of("node-a").version
    app = make_app(live_from(runner), runner=runner)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        modal = app.screen
        assert isinstance(modal, ConfirmActionScreen)
        assert str(modal.query_one("#confirm-title").content) == "Put node-a in standby?"
        shown = " ".join(str(s.content) for s in modal.query(".confirm-consequence"))
        assert "ClusterIP moves node-a → node-b" in shown and "OSIPS moves node-a → node-b" in shown
        assert f"CIB {modal.plan.expected_version}" in str(modal.query_one("#confirm-version")
                                                           .content)
        assert app.focused is not None and app.focused.id == "confirm-no"  # a service moves
        assert runner.writes() == []
        assert cluster.partition_of("node-a").version == before
        assert not standby_of(cluster, "node-a")


@needs_crm_simulate
@pytest.mark.parametrize("answer", ["n", "escape"])
async def test_no_sends_nothing_and_is_audited(make_app: AppFactory, answer: str) -> None:
    cluster, runner = demo_cluster()
    app = make_app(live_from(runner), runner=runner)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        await pilot.press(answer)
        await until(pilot, lambda: not app.action_running)
        assert runner.writes() == []
        assert not standby_of(cluster, "node-a")
        assert [entry["outcome"] for entry in audit_entries()] == ["cancelled"]


@needs_crm_simulate
async def test_yes_sends_exactly_one_versioned_patch_and_reports_the_failover(
        make_app: AppFactory) -> None:
    cluster, runner = demo_cluster()
    source = ScriptedSource([live_from(runner)])
    app = make_app(source=source, runner=runner)
    said = record_notifications(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        confirmed = app.screen.plan  # type: ignore[attr-defined]
        await pilot.press("y")
        await until(pilot, lambda: not app.action_running)
        writes = runner.writes()
        assert [argv for argv, _ in writes] == [("cibadmin", "--patch", "--xml-pipe")]
        source_version = etree.fromstring(writes[0][1]).find("version/source")
        assert source_version is not None
        assert tuple(int(source_version.get(k, "-1")) for k in
                     ("admin_epoch", "epoch", "num_updates")) == tuple(confirmed.expected_version)
        assert standby_of(cluster, "node-a") and not standby_of(cluster, "node-b")
        assert cluster.holders("ClusterIP") == ("node-b",)
        assert source.refresh_requests >= 1
        # Verified, but the screen still shows the old snapshot (OSIPS on node-a): no
        # "failover done" yet. It comes with the snapshot that shows the failover.
        assert not any(line.startswith("failover done in ") for line in said)
        source.push(live_from(runner))
        await until_shown(pilot, 2)
        assert any(line.startswith("failover done in ") and "VIP ClusterIP on node-b" in line
                   for line in said)
        assert [entry["outcome"] for entry in audit_entries()] == ["done"]


@needs_crm_simulate
async def test_a_change_between_preview_and_yes_is_refused_and_the_ui_says_so(
        make_app: AppFactory) -> None:
    cluster, runner = demo_cluster()
    other_console = RecordingDemoRunner(cluster, runner.clock)
    app = make_app(live_from(runner), runner=runner)
    said = record_notifications(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        # Meanwhile another console puts node-b in standby.
        plan = await execute.preview(await execute.prepare(
            ActionKind.STANDBY, other_console, "node-b", node="node-b"), other_console)
        done = await execute.run_plan(plan, other_console, nodes=NODES, verify=False)
        assert done.applied
        await pilot.press("y")
        await until(pilot, lambda: not app.action_running)
        assert runner.writes() == []  # the executor re-read, re-checked and refused
        assert standby_of(cluster, "node-b") and not standby_of(cluster, "node-a")
        # The refusal stays in the status bar's reason line, in full (a toast would fade).
        refusal = status_text(app)
        assert "refused, nothing changed: " in refusal
        assert "no node could run ClusterIP" in refusal
        assert not any("refused" in line for line in said)
        assert [entry["outcome"] for entry in audit_entries()] == ["refused"]


@pytest.mark.parametrize("options", [{"read_only": True}, {"runner": None}],
                         ids=["read-only", "no-runner"])
async def test_without_actions_no_key_palette_entry_or_help_line_offers_one(
        make_app: AppFactory, options: dict[str, object]) -> None:
    from console.ui.action_commands import GuardedActionCommands
    from console.ui.actions_flow import GUARDED_ACTION_IDS
    from console.ui.keymap import key_entries

    _, runner = demo_cluster()
    app = make_app(b.live(), **{"runner": runner, **options})
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        nodes = app.screen.query_one(NodesPane)
        assert nodes.check_action("standby_node", ()) is False
        shown_keys = {binding.id for _, binding, enabled, _ in app.screen.active_bindings.values()}
        assert not shown_keys & GUARDED_ACTION_IDS
        assert not {e.binding.id for e in key_entries(app, app.screen)} & GUARDED_ACTION_IDS
        provider = GuardedActionCommands(app.screen)
        assert [hit async for hit in provider.discover()] == []
        await pilot.press("s")
        assert runner.inputs == [] and not isinstance(app.screen, ConfirmActionScreen)


@needs_crm_simulate
async def test_palette_lists_only_what_the_guards_allow_and_runs_the_same_flow(
        make_app: AppFactory) -> None:
    from console.ui.action_commands import GuardedActionCommands

    _, runner = demo_cluster()
    plan = await execute.preview(await execute.prepare(
        ActionKind.STANDBY, runner, "node-b", node="node-a"), runner)
    assert (await execute.run_plan(plan, runner, nodes=NODES, verify=False)).applied
    runner.inputs.clear()
    app = make_app(live_from(runner), runner=runner)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        hits = [hit async for hit in GuardedActionCommands(app.screen).discover()]
        names = [str(hit.text) for hit in hits]
        assert "node: Online node-a" in names
        assert not any("node-b" in name and "Standby" in name for name in names)
        online = hits[names.index("node: Online node-a")]
        await online.command()  # type: ignore[misc]
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        assert str(app.screen.query_one("#confirm-title").content) == "Bring node-a online?"
        assert runner.writes() == []


async def test_the_guards_follow_the_cursor(make_app: AppFactory) -> None:
    """Healthy cluster: standby is live on either node, online on neither."""
    _, runner = demo_cluster()
    app = make_app(b.live(), runner=runner)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        nodes = app.screen.query_one(NodesPane)
        assert nodes.check_action("standby_node", ()) is True
        assert nodes.check_action("online_node", ()) is None
        await pilot.press("down")
        assert nodes.selected_node == "node-b"
        assert nodes.check_action("standby_node", ()) is True
        assert nodes.check_action("standby_node", ("node-c",)) is None


class UnreachableRunner:
    """Every node stopped answering between the last poll and the key press."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    async def run(self, node: str, argv: object, *, timeout: float,
                  input: bytes | None = None) -> object:
        self.calls.append(tuple(argv))  # type: ignore[arg-type]
        raise NodeUnreachable(node, "connection timed out")


async def test_a_node_that_does_not_answer_is_an_error_screen_and_audited(
        make_app: AppFactory) -> None:
    runner = UnreachableRunner()
    app = make_app(b.live(), runner=runner)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ErrorScreen))
        error = app.screen
        assert isinstance(error, ErrorScreen)
        assert "connection timed out" in error.error and error.header == "nothing was applied"
        assert runner.calls == [("cibadmin", "-Q")]
        await pilot.press("escape")
        await until(pilot, lambda: not app.action_running)
        assert [entry["outcome"] for entry in audit_entries()] == ["failed"]
        assert app.screen.query_one(NodesPane).check_action("standby_node", ()) is True


@needs_crm_simulate
async def test_the_plan_stays_pinned_while_live_updates_arrive_under_the_modal(
        make_app: AppFactory) -> None:
    from console.ui.screens.main import MainScreen

    _, runner = demo_cluster()
    first = live_from(runner)
    assert first.cluster is not None
    newer = b.live(replace(first.cluster, info=replace(first.cluster.info,
                                                       version=b.CibVersion(0, 99, 0))))
    source = ScriptedSource([first])
    received: list[object] = []
    app = make_app(source=source, runner=runner)

    def hook(message: object) -> None:
        received.append(getattr(message, "snapshot", None))

    async with app.run_test(size=(120, 36), message_hook=hook) as pilot:
        await until_shown(pilot)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        modal = app.screen
        assert isinstance(modal, ConfirmActionScreen)
        plan, reads = modal.plan, len(runner.inputs)
        main = next(s for s in app.screen_stack if isinstance(s, MainScreen))
        source.push(newer)
        await until(pilot, lambda: newer in received)
        await pilot.pause(0.6)  # longer than the main screen's redraw interval
        assert modal.plan is plan and app.screen is modal
        assert len(runner.inputs) == reads  # nothing re-read, re-planned or re-previewed
        assert main.snapshot is first  # the panes under the modal did not move either
        await pilot.press("n")
        await until(pilot, lambda: main.snapshot is newer)


@needs_crm_simulate
async def test_q_waits_while_an_action_runs(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(live_from(runner), runner=runner)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        assert app.check_action("quit", ()) is True
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        assert app.check_action("quit", ()) is None
        await pilot.press("q")
        assert app.is_running and isinstance(app.screen, ConfirmActionScreen)
        await pilot.press("n")
        await until(pilot, lambda: not app.action_running)
        assert app.check_action("quit", ()) is True


STOPPED_PREDICTION = b"""<pacemaker-result api-version="2.25" request="crm_simulate">
  <actions><rsc_action action="stop" resource="ClusterIP" node="node-a"/>
    <rsc_action action="stop" resource="OSIPS" node="node-a"/></actions>
  <revised_cluster_status><resources>
    <resource id="ClusterIP" role="Stopped" active="false"/>
    <resource id="OSIPS" role="Stopped" active="false"/>
  </resources></revised_cluster_status>
  <status code="0" message="OK"/>
</pacemaker-result>"""


class StoppingSchedulerRunner(RecordingDemoRunner):
    """The demo cluster, but the scheduler predicts the VIP and its service stopped."""

    async def run(self, node: str, argv: object, *, timeout: float,
                  input: bytes | None = None) -> object:
        if "crm_simulate" in tuple(argv):  # type: ignore[arg-type]
            self.inputs.append((tuple(argv), input))  # type: ignore[arg-type]
            return CommandResult(node, tuple(argv), 0, STOPPED_PREDICTION, b"", 0.0)  # type: ignore[arg-type]
        return await super().run(node, argv, timeout=timeout, input=input)  # type: ignore[arg-type]


async def test_a_preview_that_leaves_the_vip_stopped_is_refused_with_its_reason(
        make_app: AppFactory) -> None:
    cluster, _ = demo_cluster()
    runner = StoppingSchedulerRunner(cluster, FakeClock())
    app = make_app(live_from(runner), runner=runner)
    said = record_notifications(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("s")
        await until(pilot, lambda: not app.action_running)
        assert not isinstance(app.screen, ConfirmActionScreen)
        assert any("crm_simulate" in argv for argv, _ in runner.inputs)  # it was previewed
        assert runner.writes() == []
        reason = status_text(app)
        assert "the scheduler predicts ClusterIP" in reason and "stopped afterwards" in reason
        assert not said  # no toast: the reason line says it
        assert [entry["outcome"] for entry in audit_entries()] == ["refused"]
