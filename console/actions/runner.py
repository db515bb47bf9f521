"""The one guarded-action runner: guard, prepare, preview, confirm, run, verify, audit.

The console (`console.ui.actions_flow`) and the command line (`console.commands.actions_run`)
are adapters of `run_request`: they hand it the request, the snapshot the operator looked at,
a command runner and a `RunEvents` that shows the steps and asks for confirmation their own way.
Every attempt, refused and cancelled ones too, goes to the audit journal here, off the event
loop (the journal fsyncs).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from console.actions import audit
from console.actions.catalog import spec_of
from console.actions.execute import (
    ActionOutcome,
    ExecutionError,
    OutcomeStatus,
    prepare,
    preview,
    run_plan,
)
from console.actions.plans import ActionKind, ActionPlan, ActionRefused
from console.actions.requests import GuardedRequest
from console.actions.upkeep import cib_time
from console.model.live.snapshot import LiveSnapshot
from console.model.text_safety import shell_word
from console.model.types import CibVersion
from console.transport.base import CommandRunner, NodeUnreachable


class Ending(str, Enum):
    """Where a run stopped."""

    REFUSED = "refused"
    """A guard or the scheduler's preview said no; nothing was changed."""
    FAILED = "failed"
    """It could not be planned or previewed (a node did not answer); nothing was applied."""
    PREVIEWED = "previewed"
    """A dry run: shown, not applied."""
    CANCELLED = "cancelled"
    """The operator did not confirm; nothing was changed."""
    EXECUTED = "executed"
    """The executor ran: `outcome` says done, refused after a conflict, or failed."""


@dataclass(frozen=True, slots=True)
class RunReport:
    """How one request ended."""

    ending: Ending
    message: str
    """The one line for the operator (the reason, the error, the outcome's message)."""
    plan: ActionPlan | None = None
    outcome: ActionOutcome | None = None


class RunEvents:
    """How an adapter follows a run; every method is optional except `confirm`'s answer."""

    def planning(self, request: GuardedRequest, run_on: str) -> None:
        """About to read a fresh CIB on `run_on` and ask the scheduler."""

    def previewed(self, plan: ActionPlan) -> None:
        """The plan with the scheduler's prediction (shown before any refusal or question)."""

    async def confirm(self, plan: ActionPlan) -> str | None:
        """None when the operator confirmed `plan`; else why not (journaled as cancelled)."""
        return None

    def applying(self, plan: ActionPlan) -> None:
        """Confirmed: the executor starts."""

    def progress(self, plan: ActionPlan, line: str) -> None:
        """One step of the executor ("applied on node-b", "waiting: ...")."""

    def audit_failed(self, error: OSError) -> None:
        """The journal could not be written (the action itself went on)."""


@dataclass(frozen=True, slots=True)
class RunSettings:
    """Where the request runs and how far it goes."""

    cluster: str | None
    """The cluster's name for the journal."""
    nodes: Sequence[str] = ()
    """Every node to check the VIP address on after a commit."""
    dry_run: bool = False
    """Stop after the preview."""
    now: float | None = None
    """The wall clock for the guard's staleness check."""


async def run_request(request: GuardedRequest, snapshot: LiveSnapshot, runner: CommandRunner,
                      settings: RunSettings, events: RunEvents) -> RunReport:
    """Run `request` on the cluster `snapshot` shows, through every step; how it ended."""
    if spec_of(request.kind).stamped and request.when is None:
        request = replace(request, when=cib_time(settings.now or time.time()))
    journal = _Journal(request, snapshot, settings.cluster, events)
    reason = request.guard_reason(snapshot, now=settings.now)
    run_on = spec_of(request.kind).run_on(snapshot, request)
    if reason is None and run_on is None:
        reason = "no node gave its CIB"
    if reason is not None:
        await journal.entry("refused", reason)
        return RunReport(Ending.REFUSED, reason)
    assert run_on is not None
    events.planning(request, run_on)
    planned = await _previewed_plan(request, runner, run_on, journal)
    if isinstance(planned, RunReport):
        return planned
    return await _confirm_and_run(planned, runner, settings, events, journal)


async def _previewed_plan(request: GuardedRequest, runner: CommandRunner, run_on: str,
                          journal: _Journal) -> ActionPlan | RunReport:
    try:
        return await preview(await prepare(request.kind, runner, run_on, node=request.node,
                                           resource=request.resource, when=request.when,
                                           force=request.force, value=request.value),
                             runner)
    except ActionRefused as refused:
        await journal.entry("refused", refused.reason)
        return RunReport(Ending.REFUSED, refused.reason)
    except (ExecutionError, NodeUnreachable) as error:
        await journal.entry("failed", str(error), node=run_on)
        return RunReport(Ending.FAILED, str(error))


async def _confirm_and_run(plan: ActionPlan, runner: CommandRunner, settings: RunSettings,
                           events: RunEvents, journal: _Journal) -> RunReport:
    events.previewed(plan)
    if plan.refusal is not None:
        await journal.plan(plan, "refused", plan.refusal)
        return RunReport(Ending.REFUSED, plan.refusal, plan)
    if settings.dry_run:
        return RunReport(Ending.PREVIEWED, "dry run: nothing changed", plan)
    declined = await events.confirm(plan)
    if declined is not None:
        await journal.plan(plan, "cancelled", declined)
        return RunReport(Ending.CANCELLED, declined, plan)
    events.applying(plan)
    outcome = _offer_clearing(await run_plan(plan, runner, nodes=tuple(settings.nodes),
                                             progress=lambda line: events.progress(plan, line)))
    await journal.write(audit.record_outcome, outcome, cluster=settings.cluster)
    return RunReport(Ending.EXECUTED, outcome.message, outcome.plan, outcome)


def _offer_clearing(outcome: ActionOutcome) -> ActionOutcome:
    """A move or ban applied but not verified leaves its constraint behind: say how to clear it."""
    plan = outcome.plan
    if (outcome.status is not OutcomeStatus.FAILED or not outcome.applied
            or plan.kind not in (ActionKind.MOVE, ActionKind.BAN)):
        return outcome
    return replace(outcome, message=f"{outcome.message}; its constraint stays in the CIB: "
                                    f"remove it with `hacon clear {shell_word(plan.resource or '')}`")


async def journal_crash(request: GuardedRequest, snapshot: LiveSnapshot, cluster: str | None,
                        text: str, events: RunEvents) -> None:
    """Journal an attempt that ended in an unforeseen error (the console reports it too)."""
    await _Journal(request, snapshot, cluster, events).entry("failed", text)


def exit_status(report: RunReport) -> int:
    """The CLI's exit status: 0 done (or shown), 3 refused (nothing changed), 1 otherwise."""
    if report.outcome is not None:
        return report.outcome.exit_code
    return {Ending.REFUSED: 3, Ending.PREVIEWED: 0}.get(report.ending, 1)


def done(report: RunReport) -> bool:
    """Whether the action was applied and verified."""
    return report.outcome is not None and report.outcome.status is OutcomeStatus.DONE


class _Journal:
    """The audit entries of one request (what the journal needs to know about it)."""

    def __init__(self, request: GuardedRequest, snapshot: LiveSnapshot, cluster: str | None,
                 events: RunEvents) -> None:
        self.request, self.cluster, self.events = request, cluster, events
        self.version: CibVersion | None = (snapshot.cluster.version if snapshot.cluster
                                           else None)

    async def entry(self, outcome: str, message: str, *, node: str | None = None) -> None:
        """An attempt that ended before a plan existed."""
        await self.write(audit.record, self.request.verb, outcome=outcome, message=message,
                         cluster=self.cluster, node=node, target=self.request.target,
                         version_before=self.version)

    async def plan(self, plan: ActionPlan, outcome: str, message: str) -> None:
        """A plan that was not executed (refused by the preview, cancelled)."""
        await self.write(audit.record_plan, plan, outcome, message, cluster=self.cluster)

    async def write(self, record: Callable[..., object], *args: object,
                    **kwargs: object) -> None:
        try:
            await asyncio.to_thread(record, *args, **kwargs)
        except OSError as error:
            self.events.audit_failed(error)
