"""Guarded actions in the console: keys, the confirmation, and the outcome on screen.

`ActionsApp` is the part of `ConsoleApp` that acts on the cluster. A pane key (or a palette entry,
which runs the same action) calls `start_action`; the guard is asked on the snapshot on screen,
then one `@work(group="action")` coroutine hands the request to the one action runner
(`console.actions.runner.run_request`: a fresh CIB, the scheduler's preview, the confirmation,
compare-and-swap, verification, the audit journal). This module only adapts it to the screen:
`ConfirmActionScreen` answers the runner's question (the plan is frozen: live updates go on
underneath but never change it), and each step and the report come back as messages whose
handlers notify (an `ErrorScreen` for failures) and ask the source for an immediate refresh.
Actions exist only with a command runner and without `--read-only` (file mode has no runner).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from textual import on, work
from textual.app import App
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen

from console.actions.execute import ActionOutcome, OutcomeStatus
from console.actions.plans import ActionKind, ActionPlan
from console.actions.requests import GuardedRequest
from console.actions.runner import (
    Ending,
    RunEvents,
    RunReport,
    RunSettings,
    journal_crash,
    run_request,
)
from console.model.live.snapshot import LiveSnapshot
from console.presentation.advice import refusal_next_step
from console.transport.base import CommandRunner
from console.ui.action_requests import ActionRequest
from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.screens.error import ErrorScreen
from console.ui.screens.typed_confirm import TypedConfirmScreen
from console.ui.toasts import TOAST_LONG_S, TOAST_S

GUARDED_ACTION_IDS = frozenset({"console.standby-node", "console.online-node",
                                "console.failback-vip", "console.cleanup-resource",
                                "console.cleanup-failure", "console.clear-constraint",
                                "console.maintenance-node", "console.maintenance-cluster",
                                "console.maintenance-resource", "console.move-resource",
                                "console.ban-resource", "console.clear-expired",
                                "console.disable-resource", "console.refresh-resource",
                                "console.restart-resource", "console.fix-advisory"})
"""Bindings that change the cluster (the palette names them per target instead)."""


@runtime_checkable
class OffersActions(Protocol):
    """A pane whose selection has guarded actions (the status bar explains the first blocked)."""

    def selected_requests(self) -> tuple[ActionRequest, ...]:
        """The actions its keys would run on the current selection, most relevant first."""
        ...


# --- messages: posted by the action worker, handled by ActionsApp ------------------------------


class ActionProgressed(Message):
    """One step of the running action ("applied on node-b", "waiting: ...")."""

    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line


class ActionReported(Message):
    """The runner returned: refused, failed, cancelled, or executed (with its outcome)."""

    def __init__(self, request: GuardedRequest, report: RunReport) -> None:
        super().__init__()
        self.request = request
        self.report = report


class ActionCrashed(Message):
    """Something unforeseen stopped the action (a bug): it may have been applied."""

    def __init__(self, request: GuardedRequest, error: str) -> None:
        super().__init__()
        self.request = request
        self.error = error


class AuditFailed(Message):
    """The audit journal could not be written (the action itself went on)."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class ActionEnded(Message):
    """The action worker is done, whatever happened: keys are live again."""


# --- what panes call ---------------------------------------------------------------------------


def guarded_state(node: DOMNode, request: ActionRequest | None) -> bool | None:
    """`check_action`'s answer: True runs, None greys (the guard's reason), False hides."""
    if request is None:
        return True
    app = node.app
    if not isinstance(app, ActionsApp) or not app.actions_enabled:
        return False
    return None if app.blocked_reason(request, shown_snapshot(node)) else True


def start_action(node: DOMNode, request: ActionRequest) -> None:
    """Start `request` on the snapshot the node's screen shows (its key or palette entry)."""
    app = node.app
    if isinstance(app, ActionsApp):
        app.start_guarded_action(request, shown_snapshot(node))


def shown_snapshot(node: DOMNode) -> LiveSnapshot | None:
    """The snapshot on screen (immutable; what the operator is looking at)."""
    app = node.app
    return app.shown_snapshot() if isinstance(app, ActionsApp) else None


def action_hint(screen: Screen[Any]) -> str | None:
    """The status bar's hint: the running action's last step, else why the focused pane's
    first action is unavailable for its selection ("standby unavailable: <reason>")."""
    app = screen.app
    if not isinstance(app, ActionsApp) or not app.actions_enabled:
        return None
    if app.action_status is not None:
        return app.action_status
    focused = screen.focused
    if not isinstance(focused, OffersActions):
        return None
    for request in focused.selected_requests():
        reason = app.blocked_reason(request, shown_snapshot(screen))
        if reason is not None:
            return f"{request.verb} unavailable: {reason}"
    return None


# --- the runner's events, as messages ------------------------------------------------------------


class _ScreenEvents(RunEvents):
    """The runner's steps as `ActionProgressed` lines; its question as `ConfirmActionScreen`."""

    def __init__(self, app: ActionsApp) -> None:
        self.app = app

    def planning(self, request: GuardedRequest, run_on: str) -> None:
        self._say(f"{request.verb}: reading the CIB and asking the scheduler on {run_on}…")

    async def confirm(self, plan: ActionPlan) -> str | None:
        if plan.kind is ActionKind.FENCE:  # a power cycle: the node's name typed out
            typed = await self.app.push_screen_wait(TypedConfirmScreen(plan))
            return None if typed else f"{plan.typed_confirmation} was not typed"
        if plan.typed_confirmation is not None:  # the console never forces an outage
            return "an outage is confirmed by typing it on the command line (--force)"
        self._say(f"{plan.title}? waiting for your answer")
        confirmed = await self.app.push_screen_wait(ConfirmActionScreen(plan))
        return None if confirmed else "not confirmed"

    def applying(self, plan: ActionPlan) -> None:
        self._say(f"{plan.title}: applying…")

    def progress(self, plan: ActionPlan, line: str) -> None:
        self._say(f"{plan.title}: {line}")

    def audit_failed(self, error: OSError) -> None:
        self.app.post_message(AuditFailed(str(error)))

    def _say(self, line: str) -> None:
        self.app.post_message(ActionProgressed(line))


# --- the app side ------------------------------------------------------------------------------


class ActionsApp(App[None]):
    """An App that can run guarded actions through a command runner (ConsoleApp's base).

    The app that shows the cluster says what is on screen and how to refresh it by overriding
    `shown_snapshot`, `refresh_source` and `show_action_hint`.
    """

    read_only: bool
    clock: Callable[[], float]

    def __init__(self, runner: CommandRunner | None = None) -> None:
        super().__init__()
        self.runner = runner
        """Runs the actions' commands on the nodes (None: actions absent, as in read-only)."""
        self.action_status: str | None = None
        """The running action's last step, for the status bar (None when idle)."""
        self.action_running = False
        """True from the key press until the action's worker has ended."""
        self.action_request: ActionRequest | None = None
        """The running action (None when idle): the console hides its own transient traces."""
        self._done_unshown: ActionOutcome | None = None

    @property
    def actions_enabled(self) -> bool:
        """Whether any action that changes the cluster is offered."""
        return self.runner is not None and not self.read_only

    def shown_snapshot(self) -> LiveSnapshot | None:
        """The snapshot on screen; None until one is shown."""
        return None

    def refresh_source(self) -> None:
        """Ask the source for a new round now (after an action)."""

    def show_action_hint(self) -> None:
        """Redraw the status bar's action hint if it changed."""

    def explain(self, text: str) -> None:
        """Show a refusal in full where the operator reads reasons (the console: the status
        bar's reason line, wrapped; a toast would be cut and would fade)."""
        self.notify(text, severity="warning", timeout=TOAST_LONG_S)

    def screen_showed(self, snapshot: LiveSnapshot) -> None:
        """The screen now shows `snapshot`: announce a verified action once the screen shows
        its result too ("failover done" over a pane still saying Stopped would lie)."""
        outcome = self._done_unshown
        cluster = snapshot.cluster
        if outcome is None or cluster is None:
            return
        if outcome.version_after is None or cluster.version >= outcome.version_after:
            self._done_unshown = None
            self.notify(outcome.message, title=outcome.plan.title, timeout=TOAST_S)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """q waits (greyed) while an action runs: quitting mid-commit would leave it
        unverified and missing from the audit journal."""
        if action == "quit" and self.action_running:
            return None
        return super().check_action(action, parameters)

    def blocked_reason(self, request: ActionRequest, snapshot: LiveSnapshot | None) -> str | None:
        """The guard's reason (with hacon's next step when there is one), or that another
        action is still running."""
        if self.action_running:
            return "another action is still running"
        return with_next_step(request.blocked_reason(snapshot, self.clock()), snapshot)

    def start_guarded_action(self, request: ActionRequest, snapshot: LiveSnapshot | None) -> None:
        """Run `request` unless its guard (or a running action) says no."""
        if not self.actions_enabled or self.action_running:
            return
        reason = with_next_step(request.blocked_reason(snapshot, self.clock()), snapshot)
        if reason is not None:
            self.explain(f"{request.verb} refused: {reason}")
            return
        assert snapshot is not None  # the guard refuses without one
        self.action_running = True
        self.action_request = request
        self._actions_changed()
        self.run_guarded_action(request, snapshot)

    @work(exclusive=True, group="action", exit_on_error=False, description="guarded action")
    async def run_guarded_action(self, request: ActionRequest, snapshot: LiveSnapshot) -> None:
        """The one action runner, adapted to the screen; posts messages only."""
        runner, events = self.runner, _ScreenEvents(self)
        assert runner is not None
        cluster = _cluster_name(snapshot)
        try:
            settings = RunSettings(cluster, nodes=tuple(snapshot.views), now=self.clock())
            report = await run_request(request, snapshot, runner, settings, events)
            self.post_message(ActionReported(request, report))
        except Exception as error:  # noqa: BLE001 - anything unforeseen must end visibly
            text = f"{type(error).__name__}: {error}"
            await journal_crash(request, snapshot, cluster, text, events)
            self.post_message(ActionCrashed(request, text))
        finally:
            self.post_message(ActionEnded())

    # --- handlers: every state change happens here -------------------------------------------

    @on(ActionProgressed)
    def _action_progressed(self, message: ActionProgressed) -> None:
        self.action_status = message.line
        self._actions_changed()

    @on(ActionReported)
    def _action_reported(self, message: ActionReported) -> None:
        report, verb = message.report, message.request.verb
        if report.ending is Ending.REFUSED:
            reason = with_next_step(report.message, self.shown_snapshot())
            self.explain(f"{verb} refused, nothing changed: {reason}")
        elif report.ending is Ending.CANCELLED and report.plan is not None:
            self.notify(f"{report.plan.title}: not confirmed", title="nothing changed",
                        timeout=TOAST_S)
        elif report.ending is Ending.FAILED:
            self.push_screen(ErrorScreen(f"{verb} failed", "nothing was applied",
                                         report.message))
            self.refresh_source()
        elif report.plan is not None and report.outcome is not None:
            if report.outcome.status is OutcomeStatus.DONE:
                self._done_unshown = report.outcome  # said once the screen shows it
            self._show_outcome(report.plan, report.outcome.status, report.outcome.applied,
                               report.message)
            self.refresh_source()

    def _show_outcome(self, plan: ActionPlan, status: OutcomeStatus, applied: bool,
                      message: str) -> None:
        if status is OutcomeStatus.DONE:
            return  # screen_showed says it, with the snapshot that shows it
        if status is OutcomeStatus.REFUSED:
            self.explain(f"{plan.title} refused, nothing changed: {message}")
        else:
            where = "it was applied" if applied else "nothing was applied"
            self.push_screen(ErrorScreen(f"{plan.title} failed", f"{where}; check the cluster",
                                         message))

    @on(ActionCrashed)
    def _action_crashed(self, message: ActionCrashed) -> None:
        self.push_screen(ErrorScreen(f"{message.request.verb} failed",
                                     "hacon stopped unexpectedly; check the cluster",
                                     message.error))
        self.refresh_source()

    @on(AuditFailed)
    def _audit_failed(self, message: AuditFailed) -> None:
        self.notify(f"the audit journal could not be written: {message.error}",
                    title="audit", severity="error", timeout=TOAST_LONG_S)

    @on(ActionEnded)
    def _action_ended(self, message: ActionEnded) -> None:
        self.action_running = False
        self.action_status = None
        self.action_request = None
        self._actions_changed()

    def on_nodes_pane_node_selected(self, message: Message) -> None:
        """The node cursor moved: the keys and the hint follow the new selection."""
        self._actions_changed()

    def on_data_table_row_highlighted(self, message: Message) -> None:
        """A cursor moved in another pane (the hint follows the selection)."""
        self._actions_changed()

    def _actions_changed(self) -> None:
        """Re-ask check_action for the footer and redraw the status bar's hint."""
        if not self.screen_stack:  # a cursor event delivered while the app shuts down
            return
        self.screen.refresh_bindings()
        self.show_action_hint()


def with_next_step(reason: str | None, snapshot: LiveSnapshot | None) -> str | None:
    """A refusal's reason followed by what to do first, in hacon's keys, when the model
    knows it ("(node-a in standby)" -> bring node-a online with o)."""
    if reason is None:
        return None
    step = refusal_next_step(reason, snapshot.cluster if snapshot else None)
    return f"{reason}; {step}" if step else reason


def _cluster_name(snapshot: LiveSnapshot) -> str | None:
    return snapshot.cluster.info.name if snapshot.cluster is not None else None
