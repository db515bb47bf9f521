"""The switchover runbook's steps, run: the console and `hacon switchover` are its adapters.

Each call of `run_step` takes one fresh look at the cluster, settles a step that an earlier
hacon started but did not see end, refuses to go on when the cluster changed under the runbook
(`runbook.drift`, said in words), then runs the current step:
  * standby, online and failback are the guarded actions themselves, through the one runner
    (`console.actions.runner.run_request`: guard, preview, confirmation, compare-and-swap,
    verification, audit);
  * verify is hacon's verification of the node that took over (Pacemaker, the kernel's address
    list, the service probe, the client probes) plus the ARP and SIP probe of the VIP from the
    node in standby (`client_reach`), journaled;
  * pause ends when the operator says the maintenance is done (journaled with the standby age).
The state is saved before a step runs (marked running) and after it ends, so a closed console
or a killed process leaves the flow where it stopped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from console.actions import audit, runbook_store
from console.actions.client_reach import clients_reached
from console.actions.guards import failback_blocked_reason
from console.actions.plans import ActionKind
from console.actions.requests import GuardedRequest
from console.actions.runbook import (
    RunbookRefused,
    Step,
    Switchover,
    advanced,
    age_text,
    begin,
    drift,
    finished_without_failback,
    last_version,
    settled,
    started,
    stopped,
)
from console.actions.takeover import takeover_check
from console.actions.runner import RunEvents, RunReport, RunSettings, done, exit_status, run_request
from console.model.cluster import ClusterSnapshot
from console.model.live.snapshot import LiveSnapshot
from console.model.types import CibVersion
from console.transport.base import CommandRunner

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 3
SIP_PROBE_LIMIT_S = 10.0
"""How long the verify step's ARP and SIP probe of the VIP may try."""
ACTION_STEPS = {Step.STANDBY: ActionKind.STANDBY, Step.ONLINE: ActionKind.ONLINE,
                Step.FAILBACK: ActionKind.FAILBACK}
FAILBACK_NOT_NEEDED = ("already runs on its preferred node", "has no preferred node")
"""Failback guard reasons that make the optional step pointless rather than refused."""


class SnapshotFeed(Protocol):
    """Fresh looks at the cluster (the CLI's poller, the console's source)."""

    async def fresh(self, at_least: CibVersion | None = None) -> LiveSnapshot:
        """A snapshot taken after this call, with at least this CIB version when given."""
        ...


def fresh_enough(snapshot: LiveSnapshot, asked: float, at_least: CibVersion | None) -> bool:
    """Every node that answered did so after `asked` (and the CIB is at least `at_least`): the
    verify step reads each node's address list, and one node's round begun before the step
    would still show the VIP where it was."""
    answered = [view for view in snapshot.views.values() if view.reachable]
    if snapshot.cluster is None or not answered or any(
            (view.fetched_at or 0.0) < asked for view in answered):
        return False
    return at_least is None or snapshot.cluster.version >= at_least


class FlowEvents(RunEvents):
    """How an adapter follows the flow: the runner's events, plus the flow's own lines."""

    def said(self, line: str) -> None:
        """One line about the flow ("verify: the kernel has 10.0.0.10 on node-b only")."""


@dataclass(frozen=True, slots=True)
class FlowContext:
    """Where the flow runs and how it reports."""

    runner: CommandRunner
    feed: SnapshotFeed
    events: FlowEvents
    journal_cluster: str | None
    """The cluster's name in the audit journal."""
    nodes: tuple[str, ...] = ()
    clock: Callable[[], float] = time.time
    directory: Path | None = None
    """Where the state is saved (None: hacon's state dir)."""
    failback: bool = True
    """Run the optional failback step (False: finish without it)."""


@dataclass(frozen=True, slots=True)
class StepReport:
    """How one step ended, and the flow's state after it (saved)."""

    state: Switchover
    moved_on: bool
    message: str
    exit_code: int
    found: tuple[str, ...] = field(default_factory=tuple)
    """What an earlier hacon left behind and how it was settled."""


async def start(snapshot: LiveSnapshot, context: FlowContext) -> Switchover:
    """A new switchover of the node holding the VIP, saved and journaled.

    Raises:
        RunbookRefused: no VIP on exactly one node, or no CIB.
    """
    if snapshot.cluster is None:
        raise RunbookRefused("no node gave its CIB: the cluster's state is unknown")
    state = begin(snapshot.cluster, context.clock())
    await _save(state, context)
    await _journal(context, state, "start", "done",
                   f"switchover of {state.node} started (VIP {state.vip})")
    return state


async def run_step(state: Switchover, context: FlowContext) -> StepReport:
    """Run the current step on a fresh look at the cluster; the report (state saved)."""
    snapshot = await context.feed.fresh(at_least=last_version(state))
    cluster = snapshot.cluster
    if cluster is None:
        return StepReport(state, False, "no node gave its CIB: nothing done", EXIT_FAILED)
    state, found = settled(state, cluster, context.clock())
    if found is not None:
        await _save(state, context)
        context.events.said(found)
    problem = drift(state, cluster)
    if problem is not None:
        await _journal(context, state, state.step.value, "refused", problem)
        return _with_found(StepReport(state, False, problem, EXIT_REFUSED), found)
    report = await _run(state, snapshot, context)
    if report.state.finished:
        await asyncio.to_thread(runbook_store.remove, state.cluster, context.directory)
        await _journal(context, report.state, "done", "done", f"switchover of {state.node} done")
    else:
        await _save(report.state, context)
    return _with_found(report, found)


async def drifted(state: Switchover, snapshot: LiveSnapshot, context: FlowContext) -> str | None:
    """Why the saved flow may not go on in the cluster `snapshot` shows (journaled as a
    refusal), or None: what a resumed flow checks before it asks to continue."""
    if snapshot.cluster is None:
        return "no node gave its CIB: the cluster's state is unknown"
    problem = drift(settled(state, snapshot.cluster, context.clock())[0], snapshot.cluster)
    if problem is not None:
        await _journal(context, state, state.step.value, "refused", problem)
    return problem


def _with_found(report: StepReport, found: str | None) -> StepReport:
    return replace(report, found=(found,)) if found is not None else report


async def _run(state: Switchover, snapshot: LiveSnapshot, context: FlowContext) -> StepReport:
    if state.step in ACTION_STEPS:
        return await _action_step(state, snapshot, context)
    if state.step is Step.VERIFY:
        return await _verify_step(state, snapshot, context)
    if state.step is Step.PAUSE:
        return await _pause_done(state, context)
    return StepReport(state, False, "the switchover is done", EXIT_OK)


async def _action_step(state: Switchover, snapshot: LiveSnapshot,
                       context: FlowContext) -> StepReport:
    if state.step is Step.FAILBACK:
        skipped = _failback_skipped(state, snapshot, context)
        if skipped is not None:
            await _journal(context, state, "failback", "cancelled", skipped.message)
            return skipped
    kind = ACTION_STEPS[state.step]
    node = state.node if kind is not ActionKind.FAILBACK else None
    await _save(started(state), context)
    settings = RunSettings(context.journal_cluster, nodes=context.nodes, now=context.clock())
    report = await run_request(GuardedRequest(kind, node=node), snapshot, context.runner,
                               settings, context.events)
    if not done(report):
        return StepReport(stopped(state, f"{state.step.value}: {report.message}"), False,
                          report.message, exit_status(report) or EXIT_FAILED)
    return await _after_action(state, report, context)


async def _after_action(state: Switchover, report: RunReport,
                        context: FlowContext) -> StepReport:
    outcome = report.outcome
    assert outcome is not None
    version = outcome.version_after or outcome.version_before
    peer = await _new_holder(state, report, context) if state.step is Step.STANDBY else None
    moved = advanced(state, context.clock(), f"{state.step.value}: {report.message}",
                     version=str(version), peer=peer)
    return StepReport(moved, True, report.message, EXIT_OK)


async def _new_holder(state: Switchover, report: RunReport, context: FlowContext) -> str | None:
    """Where the verified standby put the VIP: the scheduler's prediction (verified by the
    executor), else a fresh look."""
    prediction = report.plan.prediction if report.plan is not None else None
    predicted = prediction.running_after.get(state.vip, ()) if prediction is not None else ()
    if len(predicted) == 1:
        return predicted[0]
    outcome = report.outcome
    fresh = await context.feed.fresh(at_least=outcome.version_after if outcome else None)
    vip = fresh.cluster.vips.get(state.vip) if fresh.cluster is not None else None
    return vip.holder_nodes[0] if vip is not None and len(vip.holder_nodes) == 1 else None


def _failback_skipped(state: Switchover, snapshot: LiveSnapshot,
                      context: FlowContext) -> StepReport | None:
    """The optional failback left out: not asked for, or nothing to fail back."""
    why = None if context.failback else "not asked for"
    if why is None and snapshot.cluster is not None:
        why = failback_not_needed(snapshot.cluster)
    if why is None:
        return None
    return StepReport(finished_without_failback(state, context.clock(), why), True,
                      f"skipped: {why}", EXIT_OK)


def failback_not_needed(cluster: ClusterSnapshot) -> str | None:
    """Why failing back makes no sense here (the VIP is on its preferred node, or has none),
    or None: then the failback's own guard and preview decide."""
    reason = failback_blocked_reason(cluster)
    if reason is not None and any(text in reason for text in FAILBACK_NOT_NEEDED):
        return reason
    return None


async def _verify_step(state: Switchover, snapshot: LiveSnapshot,
                       context: FlowContext) -> StepReport:
    held, failed = takeover_check(state, snapshot)
    clients = await _clients_line(state, snapshot, context)
    lines = (*held, *([clients] if not clients.startswith("clients did not") else []))
    problems = (*failed, *([clients] if clients.startswith("clients did not") else []))
    for line in lines:
        context.events.said(f"verify: {line}")
    for line in problems:
        context.events.said(f"verify FAILED: {line}")
    if problems:
        message = f"{state.peer} does not serve yet: {'; '.join(problems)}"
        await _journal(context, state, "verify", "failed", message)
        return StepReport(stopped(state, f"verify: {message}"), False, message, EXIT_FAILED)
    message = f"{state.vip} and its service answer on {state.peer}"
    await _journal(context, state, "verify", "done", f"{message}: {'; '.join(lines)}")
    version = str(snapshot.cluster.version) if snapshot.cluster is not None else None
    return StepReport(advanced(state, context.clock(), f"verify: {message}", version=version),
                      True, message, EXIT_OK)


async def _clients_line(state: Switchover, snapshot: LiveSnapshot, context: FlowContext) -> str:
    """ARP and SIP on the VIP from a node that is not the new holder (the one in standby)."""
    run_on = snapshot.source_node
    if run_on is None or state.peer is None:
        return "clients: not probed (no node to probe from)"
    return await clients_reached(context.runner, run_on, context.nodes, state.peer, state.vip,
                                 time.monotonic(), SIP_PROBE_LIMIT_S)


async def _pause_done(state: Switchover, context: FlowContext) -> StepReport:
    now = context.clock()
    age = age_text(now - (state.standby_at or state.step_at))
    message = f"maintenance of {state.node} done after {age} in standby"
    await _journal(context, state, "pause", "done", message)
    return StepReport(advanced(state, now, f"pause: {message}"), True, message, EXIT_OK)


async def abandon(state: Switchover | None, cluster: str, context: FlowContext,
                  why: str = "abandoned by the operator") -> str:
    """Forget the flow (the cluster stays as it is); the sentence for the operator."""
    await asyncio.to_thread(runbook_store.remove, cluster, context.directory)
    if state is None:
        return "no switchover was saved"
    await _journal(context, state, "abandon", "cancelled", why)
    left = (f"; if {state.node} is still in standby, bring it online with `hacon online "
            f"{state.node}`"
            if state.step in (Step.VERIFY, Step.PAUSE, Step.ONLINE) else "")
    return f"switchover of {state.node} abandoned at its {state.step.value} step{left}"


async def _save(state: Switchover, context: FlowContext) -> None:
    await asyncio.to_thread(runbook_store.save, state, context.directory)


async def _journal(context: FlowContext, state: Switchover, what: str, outcome: str,
                   message: str) -> None:
    try:
        await asyncio.to_thread(audit.record, f"switchover {what}", outcome=outcome,
                                message=message, cluster=context.journal_cluster,
                                target=state.node, version_before=state.versions.get("start"))
    except OSError as error:
        context.events.audit_failed(error)
