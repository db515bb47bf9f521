"""SwitchoverScreen (key S): the runbook "switch the active node", one step at a time.

The steps are listed with the current one highlighted; enter runs it (the action steps show
their preview and ask in `ConfirmActionScreen`, like their keys). During the pause the node's
standby age ticks. When the cluster changed under the saved flow, the screen says how, in words,
and enter is greyed: the flow only goes on when the cluster is as the runbook left it. escape
leaves the screen; the flow stays saved and the next S (or `hacon switchover`) takes it up.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, Log, Static

from console.actions import runbook_store
from console.actions.plans import ActionPlan
from console.actions.runbook import (
    RunbookFileError,
    RunbookRefused,
    Step,
    Switchover,
    clock_text,
    drift,
    last_version,
    settled,
    standby_age,
    step_marks,
    version_note,
)
from console.actions.switchover import FlowContext, FlowEvents, StepReport, abandon, run_step, start
from console.model.live.snapshot import LiveSnapshot
from console.ui.actions_flow import ActionsApp
from console.ui.inert import inert
from console.ui.screens.abandon_switchover import AbandonScreen
from console.ui.screens.confirm_action import ConfirmActionScreen

CATCH_UP_S = 10.0
"""How long after a step the screen waits for the source to show its effect."""
MARKS = {"done": "✓", "current": "▶", "todo": "·"}


class FlowSaid(Message):
    """One line of the running step (the runner's progress, the verify step's checks)."""

    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line


class FlowStarted(Message):
    """The flow was started and saved (its first step runs next)."""

    def __init__(self, state: Switchover) -> None:
        super().__init__()
        self.state = state


class StepEnded(Message):
    """The step's worker is done: its report, or why it could not run."""

    def __init__(self, report: StepReport | None, error: str | None = None,
                 abandoned: str | None = None) -> None:
        super().__init__()
        self.report, self.error, self.abandoned = report, error, abandoned


class _ScreenEvents(FlowEvents):
    """The flow's lines as `FlowSaid`; the actions' question as `ConfirmActionScreen`."""

    def __init__(self, screen: SwitchoverScreen) -> None:
        self.screen = screen

    def planning(self, request: object, run_on: str) -> None:
        self.said(f"reading the CIB and asking the scheduler on {run_on}…")

    async def confirm(self, plan: ActionPlan) -> str | None:
        confirmed = await self.screen.app.push_screen_wait(ConfirmActionScreen(plan))
        return None if confirmed else "not confirmed"

    def progress(self, plan: ActionPlan, line: str) -> None:
        self.said(f"{plan.title}: {line}")

    def audit_failed(self, error: OSError) -> None:
        self.said(f"the audit journal could not be written: {error}")

    def said(self, line: str) -> None:
        self.screen.post_message(FlowSaid(line))


class SwitchoverScreen(Screen[None]):
    """The runbook's steps, the current one highlighted, and what the last step said.

    | Key(s) | Description |
    | :- | :- |
    | enter | Run the current step (start the switchover when none is saved). |
    | n | At the failback step: finish without failing back. |
    | a | Abandon the saved switchover (the cluster stays as it is). |
    | escape | Back to the cluster; the flow stays saved (not while a step runs). |
    """

    DEFAULT_CSS = """
    SwitchoverScreen {
        & > Vertical { padding: 1 2; height: 1fr; }
        & #switchover-title { text-style: bold; }
        & #switchover-where { color: $foreground-muted; padding: 0 0 1 0; }
        & .switchover-step { padding: 0 1; width: 100%; }
        & .switchover-step.-done { color: $success; }
        & .switchover-step.-todo { color: $foreground-muted; }
        & .switchover-step.-current { background: $accent; color: $text; text-style: bold; }
        & #switchover-age { color: $warning; text-style: bold; padding: 1 0 0 0; }
        & #switchover-drift { color: $error; text-style: bold; padding: 1 0 0 0; }
        & #switchover-note { color: $foreground-muted; }
        & #switchover-log { height: 1fr; border: round $primary; margin: 1 0 0 0;
                            padding: 0 1; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "run_step", "Next step", id="console.run-switchover-step",
                tooltip="Run the highlighted step (previewed and confirmed like its key)"),
        Binding("n", "skip_failback", "No failback", id="console.skip-failback",
                tooltip="Finish the switchover without failing the VIP back"),
        Binding("a", "abandon_switchover", "Abandon", id="console.abandon-switchover",
                tooltip="Forget the saved switchover; the cluster stays as it is"),
        Binding("escape", "leave_switchover", "Back", id="console.leave-switchover",
                tooltip="Back to the cluster; the switchover stays saved"),
    ]

    def __init__(self, cluster: str, context: FlowContext,
                 latest: Callable[[], LiveSnapshot | None]) -> None:
        super().__init__()
        self.cluster = cluster
        """The cluster's key (its saved switchover's name)."""
        self.context = replace(context, events=_ScreenEvents(self))
        self.latest = latest
        self.state: Switchover | None = None
        """The flow as last saved (None: none saved yet)."""
        self.running = False
        """A step's worker is under way."""
        self.problem: str | None = None
        """Why the flow may not go on (the cluster changed under it, an unreadable file)."""
        self.unreadable = False
        """The saved file cannot be read: only setting it aside is offered."""
        self._keys_shown_for: object = None
        self.catching_up_until = 0.0
        """Until then (monotonic), a snapshot older than the step just run is not judged: the
        source has not brought the step's effect yet."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="switchover-title")
            yield Static(id="switchover-where")
            for step in Step:
                if step is not Step.DONE:
                    yield Label(id=f"switchover-step-{step.value}", classes="switchover-step")
            yield Static(id="switchover-age")
            yield Static(id="switchover-drift")
            yield Static(id="switchover-note")
            log = Log(id="switchover-log", max_lines=200, auto_scroll=True)
            log.border_title = "What the switchover did"
            yield log
        yield Footer()

    def on_mount(self) -> None:
        # The "switchover saved" notice led here; this screen says it all, uncovered.
        self.app.clear_notifications()
        try:
            self.state = runbook_store.load(self.cluster)
        except RunbookFileError as error:
            self.problem, self.unreadable = str(error), True
        self._say_saved()
        self.refresh_flow()
        self.set_interval(1.0, self.refresh_flow)

    def _say_saved(self) -> None:
        state = self.state
        if state is None:
            return
        self.query_one(Log).write_line(f"saved switchover found (started "
                                       f"{clock_text(state.started_at)})")
        for note in state.notes[-5:]:
            self.query_one(Log).write_line(f"earlier: {note}")

    # --- showing ----------------------------------------------------------------------------

    def refresh_flow(self) -> None:
        """Redraw the steps, the standby age and whether the cluster still matches the flow."""
        state = self.state
        if not self.running and not self.unreadable:
            self.problem = self._drift(state)
        self._show_title(state, self.latest())
        self._show_steps(state)
        # A node onlined by hand is not "in standby for ..." any more: no age then.
        age = standby_age(state, self.app_clock()) if state and not self.problem else None
        self.query_one("#switchover-age", Static).update(inert(age or ""))
        changed = f"Stopped: {self.problem}" if self.problem else ""
        self.query_one("#switchover-drift", Static).update(inert(changed))
        self.query_one("#switchover-note", Static).update(inert(self._version_note(state)))
        keys_depend_on = (self.running, self.problem, state.step if state else None)
        if keys_depend_on != self._keys_shown_for:
            # Only on a change: the footer is redrawn whole, and this runs every second.
            self._keys_shown_for = keys_depend_on
            self.refresh_bindings()

    def _drift(self, state: Switchover | None) -> str | None:
        """What changed under the saved flow, judged on a snapshot at least as new as the
        flow's last step (an older one still shows the cluster before that step)."""
        snapshot = self.latest()
        cluster = snapshot.cluster if snapshot is not None else None
        if state is None or state.finished or cluster is None:
            return None
        newest_seen = last_version(state)
        catching_up = time.monotonic() < self.catching_up_until
        if catching_up and newest_seen is not None and cluster.version < newest_seen:
            return None
        shown, _ = settled(state, cluster, self.app_clock())
        problem = drift(shown, cluster)
        return f"the cluster changed under the switchover: {problem}" if problem else None

    def _version_note(self, state: Switchover | None) -> str:
        snapshot = self.latest()
        if state is None or snapshot is None or snapshot.cluster is None or self.running:
            return ""
        return version_note(state, snapshot.cluster) or ""

    def _show_title(self, state: Switchover | None, snapshot: LiveSnapshot | None) -> None:
        if state is None:
            holder = _vip_holder(snapshot)
            title = f"Switch the active node ({holder or 'no single VIP holder'}) · {self.cluster}"
            where = "No switchover saved: enter starts one with the standby of the VIP holder."
        else:
            title = f"Switch the active node: {state.node} → {state.peer or 'the other node'}"
            where = (f"cluster {state.cluster} · VIP {state.vip} · started "
                     f"{clock_text(state.started_at)} · CIB {state.versions.get('start', '?')}")
        self.query_one("#switchover-title", Static).update(inert(title))
        self.query_one("#switchover-where", Static).update(inert(where))

    def _show_steps(self, state: Switchover | None) -> None:
        preview = state or _preview(self.latest(), self.cluster)
        for mark, step, title in step_marks(preview):
            if state is None:
                mark = "todo"
            label = self.query_one(f"#switchover-step-{step.value}", Label)
            label.update(inert(f"{MARKS[mark]} {title}"))
            for name in ("done", "current", "todo"):
                label.set_class(mark == name, f"-{name}")

    def app_clock(self) -> float:
        clock = getattr(self.app, "clock", None)
        return float(clock()) if callable(clock) else 0.0

    # --- keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """enter greys while a step runs or the cluster changed; n only at the failback."""
        if action == "run_step":
            return None if self.running or self.problem else True
        if action == "skip_failback":
            at_failback = self.state is not None and self.state.step is Step.FAILBACK
            return (None if self.running or self.problem else True) if at_failback else False
        if action == "abandon_switchover":
            return None if self.running else (True if self.state or self.problem else False)
        return True

    def action_run_step(self) -> None:
        """Run the current step (or start the flow, or close it when done)."""
        if self.running or self.problem:
            return
        if self.state is not None and self.state.finished:
            self.dismiss()
            return
        self._begin(self.context)

    def action_leave_switchover(self) -> None:
        """Back to the cluster, unless a step runs (leaving would cancel it half-way)."""
        if self.running:
            self.app.notify("a step is running: wait for it to end", title="switchover")
            return
        self.dismiss()

    def action_skip_failback(self) -> None:
        """Finish without failing back."""
        if self.state is not None and self.state.step is Step.FAILBACK and not self.running:
            self._begin(replace(self.context, failback=False))

    def action_abandon_switchover(self) -> None:
        """Ask, then forget the saved flow."""
        if not self.running:
            self._ask_abandon()

    @work(exclusive=True, group="switchover-ask")
    async def _ask_abandon(self) -> None:
        if await self.app.push_screen_wait(AbandonScreen(self.state)):
            self._set_running(True)
            self.refresh_bindings()
            self._abandon()

    def _begin(self, context: FlowContext) -> None:
        self._set_running(True)
        step = self.state.title(self.state.step) if self.state else "start the switchover"
        self.query_one(Log).write_line(f"— {step}")
        self.refresh_bindings()
        self._run(self.state, context)

    # --- the workers: they only post messages -----------------------------------------------

    @work(exclusive=True, group="switchover", exit_on_error=False, description="switchover step")
    async def _run(self, state: Switchover | None, context: FlowContext) -> None:
        try:
            if state is None:
                snapshot = self.latest()
                if snapshot is None:
                    raise RunbookRefused("no cluster data yet")
                state = await start(snapshot, context)
                self.post_message(FlowStarted(state))
            self.post_message(StepEnded(await run_step(state, context)))
        except RunbookRefused as refused:
            self.post_message(StepEnded(None, f"refused: {refused}"))
        except Exception as error:  # noqa: BLE001 - anything unforeseen must end visibly
            self.post_message(StepEnded(None, f"{type(error).__name__}: {error}"))

    @work(exclusive=True, group="switchover", exit_on_error=False, description="abandon")
    async def _abandon(self) -> None:
        try:
            if self.unreadable:
                aside = await asyncio.to_thread(runbook_store.set_aside, self.cluster)
                said = f"the unreadable saved switchover is kept as {aside}"
            else:
                said = await abandon(self.state, self.cluster, self.context)
        except OSError as error:
            self.post_message(StepEnded(None, f"could not abandon: {error}"))
            return
        self.post_message(StepEnded(None, abandoned=said))

    # --- handlers ---------------------------------------------------------------------------

    @on(FlowStarted)
    def _flow_started(self, message: FlowStarted) -> None:
        self.state = message.state
        self.query_one(Log).write_line(f"switchover of {message.state.node} started")
        self.refresh_flow()

    @on(FlowSaid)
    def _flow_said(self, message: FlowSaid) -> None:
        self.query_one(Log).write_line(message.line)

    def _set_running(self, running: bool) -> None:
        """A step runs: the app's other actions wait, and q with them (a step quit half-way
        would be neither verified nor journaled)."""
        self.running = running
        if isinstance(self.app, ActionsApp):
            self.app.action_running = running

    @on(StepEnded)
    def _step_ended(self, message: StepEnded) -> None:
        self._set_running(False)
        self.catching_up_until = time.monotonic() + CATCH_UP_S
        log = self.query_one(Log)
        if message.abandoned is not None:
            self.state, self.problem, self.unreadable = None, None, False
            self.app.notify(message.abandoned, title="switchover")
            self.dismiss()
            return
        if message.error is not None:
            log.write_line(message.error)
        report = message.report
        if report is not None:
            self.state = report.state
            for line in report.found:
                log.write_line(f"found: {line}")
            log.write_line(("done: " if report.moved_on else "stopped: ") + report.message)
            if report.state.finished:
                log.write_line("switchover done: enter closes")
        refresh = getattr(self.app, "refresh_source", None)
        if callable(refresh):
            refresh()
        self.refresh_flow()


def _vip_holder(snapshot: LiveSnapshot | None) -> str | None:
    cluster = snapshot.cluster if snapshot is not None else None
    vip = next(iter(cluster.vips.values()), None) if cluster is not None else None
    return vip.holder_nodes[0] if vip is not None and len(vip.holder_nodes) == 1 else None


def _preview(snapshot: LiveSnapshot | None, cluster: str) -> Switchover:
    """The steps of a switchover not started yet (for their titles only)."""
    return Switchover(cluster, _vip_holder(snapshot) or "the VIP holder", "", Step.STANDBY, 0.0,
                      0.0)
