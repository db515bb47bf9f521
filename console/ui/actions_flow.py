"""Guarded actions in the console: keys, the confirmation, the executor, the outcome.

`ActionsApp` is the part of `ConsoleApp` that acts on the cluster. A pane key (or a palette entry,
which runs the same action) calls `start_action`; one `@work(group="action")` coroutine then
  1. asks the guard again on the snapshot on screen when the key was pressed,
  2. plans the action on a fresh CIB read on the snapshot's source node (`execute.prepare`: the
     guard again, on that CIB) and previews it with Pacemaker's scheduler (`execute.preview`),
  3. refuses when the preview leaves the VIP or its service stopped,
  4. shows the plan in `ConfirmActionScreen` and waits (the plan is frozen: live updates go on
     underneath but never change it),
  5. on Yes runs `execute.run_plan` (compare-and-swap on the plan's CIB version; on exit 103 it
     re-reads, re-checks and re-previews by itself), records the audit entry, and
  6. posts the outcome; handlers notify it (an `ErrorScreen` for failures) and ask the source
     for an immediate refresh.
The worker only posts messages; the handlers below own every state change. Actions exist only
with a command runner and without `--read-only` (file mode has no runner).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from textual import on, work
from textual.app import App
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen

from console import audit
from console.actions.execute import (
    ActionOutcome,
    ExecutionError,
    OutcomeStatus,
    prepare,
    preview,
    run_plan,
)
from console.actions.plans import ActionPlan, ActionRefused
from console.model.live.snapshot import LiveSnapshot
from console.model.types import CibVersion
from console.transport.base import CommandRunner, NodeUnreachable
from console.ui.action_requests import ActionRequest
from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.screens.error import ErrorScreen

GUARDED_ACTION_IDS = frozenset({"console.standby-node", "console.online-node",
                                "console.failback-vip", "console.cleanup-resource",
                                "console.cleanup-failure", "console.clear-constraint"})
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


class ActionRefusedByGuard(Message):
    """A guard or the scheduler's preview said no; nothing was changed."""

    def __init__(self, request: ActionRequest, reason: str) -> None:
        super().__init__()
        self.request = request
        self.reason = reason


class ActionCancelled(Message):
    """The operator answered No; nothing was changed."""

    def __init__(self, plan: ActionPlan) -> None:
        super().__init__()
        self.plan = plan


class ActionFinished(Message):
    """The executor returned (done, refused after a conflict, or failed)."""

    def __init__(self, outcome: ActionOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class ActionFailed(Message):
    """The action could not be planned, previewed or run (a node did not answer, a bug)."""

    def __init__(self, request: ActionRequest, error: str,
                 header: str = "nothing was applied") -> None:
        super().__init__()
        self.request = request
        self.error = error
        self.header = header


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
    """The snapshot on the node's screen (immutable; what the operator is looking at)."""
    snapshot = getattr(node.screen, "snapshot", None)
    return snapshot if isinstance(snapshot, LiveSnapshot) else None


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


# --- the app side ------------------------------------------------------------------------------


class ActionsApp(App[None]):
    """An App that can run guarded actions through a command runner (ConsoleApp's base)."""

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
        self._hint_shown: str | None = None

    @property
    def actions_enabled(self) -> bool:
        """Whether any action that changes the cluster is offered."""
        return self.runner is not None and not self.read_only

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """q waits (greyed) while an action runs: quitting mid-commit would leave it
        unverified and missing from the audit journal."""
        if action == "quit" and self.action_running:
            return None
        return super().check_action(action, parameters)

    def blocked_reason(self, request: ActionRequest, snapshot: LiveSnapshot | None) -> str | None:
        """The guard's reason, or that another action is still running."""
        if self.action_running:
            return "another action is still running"
        return request.blocked_reason(snapshot, self.clock())

    def start_guarded_action(self, request: ActionRequest, snapshot: LiveSnapshot | None) -> None:
        """Run `request` unless its guard (or a running action) says no."""
        if not self.actions_enabled or self.action_running:
            return
        reason = request.blocked_reason(snapshot, self.clock())
        if reason is not None:
            self.notify(f"{request.verb} refused: {reason}", severity="warning", timeout=8)
            return
        assert snapshot is not None  # the guard refuses without one
        self.action_running = True
        self._actions_changed()
        self.run_guarded_action(request, snapshot)

    @work(exclusive=True, group="action", exit_on_error=False, description="guarded action")
    async def run_guarded_action(self, request: ActionRequest, snapshot: LiveSnapshot) -> None:
        """Plan, preview, confirm, execute, audit; posts messages only."""
        try:
            await self._guarded_flow(request, snapshot)
        except Exception as error:  # noqa: BLE001 - anything unforeseen must end visibly
            text = f"{type(error).__name__}: {error}"
            await self._record(audit.record, request.kind.value, outcome="failed", message=text,
                               cluster=_cluster_name(snapshot), target=request.target,
                               version_before=_version(snapshot))
            self.post_message(ActionFailed(request, text,
                                           "hacon stopped unexpectedly; check the cluster"))
        finally:
            self.post_message(ActionEnded())

    async def _guarded_flow(self, request: ActionRequest, snapshot: LiveSnapshot) -> None:
        runner, cluster_name = self.runner, _cluster_name(snapshot)
        assert runner is not None
        plan = await self._previewed_plan(request, snapshot, runner, cluster_name)
        if plan is None:
            return
        self.post_message(ActionProgressed(f"{plan.title}? waiting for your answer"))
        if not await self.push_screen_wait(ConfirmActionScreen(plan)):
            await self._record(audit.record_plan, plan, "cancelled", "not confirmed",
                               cluster=cluster_name)
            self.post_message(ActionCancelled(plan))
            return
        self.post_message(ActionProgressed(f"{plan.title}: applying…"))

        def progress(line: str) -> None:
            self.post_message(ActionProgressed(f"{plan.title}: {line}"))

        outcome = await run_plan(plan, runner, nodes=tuple(snapshot.views), progress=progress)
        await self._record(audit.record_outcome, outcome, cluster=cluster_name)
        self.post_message(ActionFinished(outcome))

    async def _previewed_plan(self, request: ActionRequest, snapshot: LiveSnapshot,
                              runner: CommandRunner, cluster_name: str | None
                              ) -> ActionPlan | None:
        """The plan with the scheduler's prediction; None (and a message) when refused."""
        run_on = snapshot.source_node
        self.post_message(ActionProgressed(f"{request.verb}: reading the CIB and asking the "
                                           f"scheduler on {run_on}…"))
        try:
            plan = await preview(await prepare(request.kind, runner, run_on or "",
                                               node=request.node, resource=request.resource),
                                 runner)
        except ActionRefused as refused:
            await self._record(audit.record, request.kind.value, outcome="refused",
                               message=refused.reason, cluster=cluster_name,
                               target=request.target, version_before=_version(snapshot))
            self.post_message(ActionRefusedByGuard(request, refused.reason))
            return None
        except (ExecutionError, NodeUnreachable) as error:
            await self._record(audit.record, request.kind.value, outcome="failed",
                               message=str(error), cluster=cluster_name, node=run_on,
                               target=request.target, version_before=_version(snapshot))
            self.post_message(ActionFailed(request, str(error)))
            return None
        if plan.refusal is not None:
            await self._record(audit.record_plan, plan, "refused", plan.refusal,
                               cluster=cluster_name)
            self.post_message(ActionRefusedByGuard(request, plan.refusal))
            return None
        return plan

    # --- handlers: every state change happens here -------------------------------------------

    @on(ActionProgressed)
    def _action_progressed(self, message: ActionProgressed) -> None:
        self.action_status = message.line
        self._actions_changed()

    @on(ActionRefusedByGuard)
    def _action_refused(self, message: ActionRefusedByGuard) -> None:
        self.notify(f"{message.request.verb} refused: {message.reason}", title="nothing changed",
                    severity="warning", timeout=12)

    @on(ActionCancelled)
    def _action_cancelled(self, message: ActionCancelled) -> None:
        self.notify(f"{message.plan.title}: not confirmed", title="nothing changed", timeout=5)

    @on(ActionFinished)
    def _action_finished(self, message: ActionFinished) -> None:
        outcome = message.outcome
        title = outcome.plan.title
        if outcome.status is OutcomeStatus.DONE:
            self.notify(outcome.message, title=title, timeout=12)
        elif outcome.status is OutcomeStatus.REFUSED:
            self.notify(f"refused: {outcome.message}", title=f"{title}: nothing changed",
                        severity="warning", timeout=15)
        else:
            applied = "it was applied" if outcome.applied else "nothing was applied"
            self.push_screen(ErrorScreen(f"{title} failed", f"{applied}; check the cluster",
                                         outcome.message))
        self._refresh_source()

    @on(ActionFailed)
    def _action_failed(self, message: ActionFailed) -> None:
        self.push_screen(ErrorScreen(f"{message.request.verb} failed", message.header,
                                     message.error))
        self._refresh_source()

    @on(AuditFailed)
    def _audit_failed(self, message: AuditFailed) -> None:
        self.notify(f"the audit journal could not be written: {message.error}",
                    title="audit", severity="error", timeout=15)

    @on(ActionEnded)
    def _action_ended(self, message: ActionEnded) -> None:
        self.action_running = False
        self.action_status = None
        self._actions_changed()

    def on_nodes_pane_node_selected(self, message: Message) -> None:
        """The node cursor moved: the keys and the hint follow the new selection."""
        self._actions_changed()

    def on_data_table_row_highlighted(self, message: Message) -> None:
        """A cursor moved in another pane (the hint follows the selection)."""
        self._actions_changed()

    def _actions_changed(self) -> None:
        """Re-ask check_action for the footer and redraw the status bar if its hint changed.

        Only on a change: redrawing the status bar updates the panes' rows, which can move a
        cursor, which comes back here.
        """
        self.screen.refresh_bindings()
        # The status bar lives on the main screen, under any modal.
        main = next((screen for screen in self.screen_stack
                     if callable(getattr(screen, "refresh_ages", None))), None)
        if main is None:
            return
        hint = action_hint(main)
        if hint != self._hint_shown:
            self._hint_shown = hint
            main.refresh_ages()  # type: ignore[attr-defined]

    async def _record(self, write: Callable[..., object], *args: object,
                      **kwargs: object) -> None:
        """Append to the audit journal off the event loop (it fsyncs); failures are reported."""
        try:
            await asyncio.to_thread(write, *args, **kwargs)
        except OSError as error:
            self.post_message(AuditFailed(str(error)))

    def _refresh_source(self) -> None:
        source = getattr(self, "source", None)
        if source is not None:
            source.refresh_now()


def _cluster_name(snapshot: LiveSnapshot) -> str | None:
    return snapshot.cluster.info.name if snapshot.cluster is not None else None


def _version(snapshot: LiveSnapshot) -> CibVersion | None:
    return snapshot.cluster.version if snapshot.cluster is not None else None
