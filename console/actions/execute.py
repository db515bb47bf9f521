"""The executor: preview a plan with Pacemaker's scheduler, apply it safely, verify, time it.

The one place guarded actions touch a cluster, through a `CommandRunner` (transport.base only).

`preview(plan, runner)` runs `crm_simulate` on the plan's node with the changed CIB on stdin (or
this machine's crm_simulate when the node has none) and returns the plan with the predicted
transition in words; a prediction that leaves the VIP or its service stopped sets `refusal`.

`run_plan(plan, runner)` applies it: it re-reads the CIB version and, when the CIB moved, plans
again on the fresh CIB (guard and preview included) instead of applying anything stale. The
versioned patch is applied with `cibadmin --patch`, which Pacemaker refuses with exit 103 when
the CIB moved in between (another console, or status churn): then the same re-read, re-check,
re-preview, a few times. Nothing is ever applied blindly, and a re-plan whose prediction differs
from the one the operator confirmed is refused. After a commit it follows the transition until
the cluster is idle with the VIP where the scheduler said (in the CIB and in the kernel's address
list of every node) and its services beside it, and measures how long that took.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from console.actions import catalog, plans
from console.actions.catalog import Executor
from console.actions.plans import ActionKind, ActionPlan, ActionRefused
from console.actions.prediction import PredictionError, parse_prediction
from console.model.errors import CibParseError
from console.model.types import CibVersion
from console.pacemaker_tools import find_tool
from console.transport import argv as node_argv
from console.transport.base import CommandResult, CommandRunner, NodeUnreachable

OLD_DATA = 103
LOCAL_SIMULATE_TIMEOUT = 60.0
"""Seconds the preview on this machine may take (as on a node): a hung one is stopped."""
"""cibadmin's exit status when a patch does not start from the live version."""
NOT_FOUND = 127
COMMAND_TIMEOUT_S = 30.0
Progress = Callable[[str], None]


class OutcomeStatus(str, Enum):
    """How an action ended."""

    DONE = "done"
    """Applied and verified (or applied, when verification was not asked for)."""
    REFUSED = "refused"
    """A guard or the preview said no; nothing was changed."""
    FAILED = "failed"
    """Something went wrong: not applied, or applied but not verified."""


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """What happened to one plan."""

    status: OutcomeStatus
    message: str
    """One line for the operator: "failover done in 1.6 s", or what went wrong."""
    plan: ActionPlan
    """The plan last tried (re-planned on a fresher CIB after a conflict)."""
    version_before: CibVersion
    version_after: CibVersion | None = None
    failover_s: float | None = None
    """Seconds from the commit until the VIP was verified where predicted; None if it stayed."""
    applied: bool = False
    verified: bool = False
    attempts: int = 0
    conflicts: int = 0
    """How many times Pacemaker refused the patch as stale (exit 103)."""

    @property
    def exit_code(self) -> int:
        """The CLI's exit status: 0 done, 3 refused (nothing changed), 1 failed."""
        return {OutcomeStatus.DONE: 0, OutcomeStatus.REFUSED: 3}.get(self.status, 1)


class ExecutionError(Exception):
    """A command the executor needed failed; the text says which and why."""


# -- reading -----------------------------------------------------------------------------------


async def fetch_cib(runner: CommandRunner, node: str) -> bytes:
    """The whole CIB as `node` holds it (`cibadmin -Q`)."""
    result = await _run(runner, node, node_argv.cib_query())
    if not result.ok:
        raise ExecutionError(f"cibadmin -Q on {node} failed ({result.exit_status}): "
                             f"{result.stderr_line()}")
    return result.stdout


async def read_version(runner: CommandRunner, node: str) -> CibVersion:
    """The CIB version on `node` (`cibadmin -Q -n`: only the root element)."""
    result = await _run(runner, node, node_argv.cib_version())
    if not result.ok:
        raise ExecutionError(f"cibadmin -Q -n on {node} failed ({result.exit_status})")
    try:
        return plans.version_of(result.stdout)
    except (CibParseError, ValueError) as error:
        raise ExecutionError(f"{node} printed no CIB version: {error}") from None


async def prepare(kind: ActionKind, runner: CommandRunner, run_on: str, *,
                  node: str | None = None, resource: str | None = None,
                  when: str | None = None, force: bool = False,
                  value: str | None = None) -> ActionPlan:
    """Read a fresh CIB on `run_on` and plan the action on it (raises ActionRefused)."""
    cib = await fetch_cib(runner, run_on)
    return catalog.plan_on(cib, kind, _Target(node, resource, when, force, value), run_on)


@dataclass(frozen=True, slots=True)
class _Target:
    node: str | None
    resource: str | None
    when: str | None
    force: bool
    value: str | None = None


# -- preview -----------------------------------------------------------------------------------


async def preview(plan: ActionPlan, runner: CommandRunner) -> ActionPlan:
    """The plan with the scheduler's prediction (and a refusal if it leaves the VIP stopped).

    Without crm_simulate on the node or here, the plan comes back with a note saying so: the
    guard alone decided. Any other failure of the preview is a refusal.
    """
    where = plan.run_on
    try:
        result = await _run(runner, plan.run_on, plans.SIMULATE_ARGV, stdin=plan.simulate_cib,
                            timeout=60.0)
    except NodeUnreachable as error:
        return replace(plan, refusal=f"no preview: {where} did not answer ({error.reason})")
    if result.exit_status == NOT_FOUND:
        local = await _simulate_here(plan.simulate_cib)
        if local is None:
            note = f"no preview: crm_simulate is installed neither on {where} nor here"
            return replace(plan, consequences=(*plan.consequences, note))
        result, where = local, "this machine"
    if not result.ok:
        return replace(plan, refusal=f"the scheduler's preview failed on {where} "
                                     f"({result.exit_status}): {result.stderr_line()}")
    try:
        prediction = parse_prediction(result.stdout)
    except PredictionError as error:
        return replace(plan, refusal=f"the scheduler's preview on {where}: {error}")
    return plan.with_prediction(prediction, _notes(plan))


def _notes(plan: ActionPlan) -> tuple[str, ...]:
    if plan.then_clear:
        return (f"{', '.join(plan.then_clear)} is removed once the move is verified",)
    return ()


async def _simulate_here(cib: bytes) -> CommandResult | None:
    """crm_simulate on this machine, with a private shadow directory; None if not installed."""
    binary = find_tool("crm_simulate")
    if binary is None:
        return None
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hacon-simulate-") as shadow:
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C", "CIB_shadow_dir": shadow}
        process = await asyncio.create_subprocess_exec(
            binary, *plans.SIMULATE_TOOL_ARGV[1:], stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env)
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(cib),
                                                    LOCAL_SIMULATE_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
            stdout, stderr = b"", (f"crm_simulate did not finish within "
                                   f"{LOCAL_SIMULATE_TIMEOUT:g} s").encode()
    return CommandResult("localhost", plans.SIMULATE_TOOL_ARGV, process.returncode or 0, stdout,
                         stderr, time.monotonic() - started)


# -- run ---------------------------------------------------------------------------------------


async def run_plan(plan: ActionPlan, runner: CommandRunner, *, nodes: Sequence[str] = (),
                   verify: bool = True, max_attempts: int = 5, settle_timeout: float = 60.0,
                   progress: Progress | None = None) -> ActionOutcome:
    """Apply a (previewed) plan with compare-and-swap, then verify and time the result.

    Args:
        plan: the plan the operator confirmed (pinned to its CIB version).
        runner: how to reach the nodes.
        nodes: every node to check the VIP address on (the kernel's truth); default: the
            cluster's nodes from the CIB.
        verify: follow the transition and check the result (False: return once committed).
        max_attempts: how many stale-patch conflicts to re-plan through before giving up.
        settle_timeout: how long the transition may take before the outcome is "failed".
        progress: called with one line at each step (CLI/UI feedback).
    """
    say = progress or (lambda line: None)
    try:
        return await _run_plan(plan, runner, tuple(nodes), verify, max_attempts, settle_timeout,
                               say)
    except (NodeUnreachable, ExecutionError) as error:
        return ActionOutcome(OutcomeStatus.FAILED, str(error), plan, plan.expected_version)


async def _run_plan(plan: ActionPlan, runner: CommandRunner, nodes: tuple[str, ...],
                    verify: bool, max_attempts: int, settle_timeout: float,
                    say: Progress) -> ActionOutcome:
    before = plan.expected_version
    if plan.refusal is not None:
        return ActionOutcome(OutcomeStatus.REFUSED, plan.refusal, plan, before)
    current, conflicts = plan, 0
    for attempt in range(1, max_attempts + 1):
        live = await read_version(runner, plan.run_on)
        if live != current.expected_version or _uses_tool(plan):
            replanned = await _replan(plan, current, runner)
            if isinstance(replanned, str):
                return ActionOutcome(OutcomeStatus.REFUSED, replanned, current, before,
                                     attempts=attempt, conflicts=conflicts)
            current = replanned
        result = await _run(runner, current.run_on, current.argv, stdin=current.stdin)
        committed_at = time.monotonic()
        if result.ok:
            say(f"applied on {current.run_on} (CIB {current.expected_version} → "
                f"{current.target_version or 'status'})")
            return await _after_commit(current, runner, nodes, verify, settle_timeout, say,
                                       committed_at, before, attempt, conflicts)
        if result.exit_status != OLD_DATA:
            return ActionOutcome(OutcomeStatus.FAILED, f"{' '.join(current.argv[:2])} on "
                                 f"{current.run_on} failed ({result.exit_status}): "
                                 f"{result.stderr_line()}", current, before, attempts=attempt,
                                 conflicts=conflicts)
        conflicts += 1
        say(f"the CIB moved since {current.expected_version} (exit 103): re-reading")
    return ActionOutcome(OutcomeStatus.FAILED, f"the CIB kept changing: {conflicts} stale-patch "
                         f"conflicts, nothing applied", current, before, attempts=max_attempts,
                         conflicts=conflicts)


async def _replan(confirmed: ActionPlan, current: ActionPlan,
                  runner: CommandRunner) -> ActionPlan | str:
    """The action planned on the live CIB, or why it is refused now."""
    cib = await fetch_cib(runner, current.run_on)
    try:
        fresh = catalog.rebuild(current, cib)
    except ActionRefused as refused:
        return refused.reason
    if _uses_tool(fresh) and fresh.changes != confirmed.changes:
        return _changed_words(confirmed.changes, fresh.changes)
    if confirmed.prediction is None and not _uses_tool(fresh):
        return fresh
    fresh = await preview(fresh, runner)
    if fresh.refusal is not None:
        return fresh.refusal
    if (confirmed.prediction is not None and fresh.prediction is not None
            and fresh.prediction.actions != confirmed.prediction.actions):
        return (f"the cluster changed since the preview: it now predicts "
                f"{fresh.prediction.summary()}; check again")
    return fresh


def _changed_words(confirmed: tuple[str, ...], fresh: tuple[str, ...]) -> str:
    """Why a tool's plan is refused when what it says differs from what the operator confirmed
    (a fence whose partition healed, or that lost its quorum, since the preview)."""
    added = [line for line in fresh if line not in confirmed]
    if added:
        return f"the cluster changed since the preview: it now says: {'; '.join(added)}"
    gone = [line for line in confirmed if line not in fresh]
    return f"the cluster changed since the preview: it no longer says: {'; '.join(gone)}"


async def _after_commit(plan: ActionPlan, runner: CommandRunner, nodes: tuple[str, ...],
                        verify: bool, settle_timeout: float, say: Progress, committed_at: float,
                        before: CibVersion, attempts: int, conflicts: int) -> ActionOutcome:
    done = ActionOutcome(OutcomeStatus.DONE, "committed", plan, before,
                         version_after=plan.target_version, applied=True, attempts=attempts,
                         conflicts=conflicts)
    if not verify:
        return done
    if plan.kind is ActionKind.FENCE:
        from console.actions.fence_check import fence_verified  # its own verification

        return await fence_verified(done, runner, say)
    from console.actions.verify import follow_transition  # keeps this module short

    verdict = await follow_transition(plan, runner, nodes, settle_timeout, committed_at, say)
    outcome = replace(done, status=OutcomeStatus.DONE if verdict.ok else OutcomeStatus.FAILED,
                      message=verdict.message, failover_s=verdict.failover_s,
                      verified=verdict.ok, version_after=verdict.version or done.version_after)
    if verdict.ok and plan.then_clear:
        outcome = await _clear_afterwards(outcome, runner, say)
    if verdict.ok and plan.kind is ActionKind.RESTART:
        from console.actions.restart import start_again  # the second half of a restart

        outcome = await start_again(outcome, runner, nodes, settle_timeout, say)
    return outcome


async def _clear_afterwards(outcome: ActionOutcome, runner: CommandRunner,
                            say: Progress) -> ActionOutcome:
    """Failback's second step: remove the temporary cli-prefer (compare-and-swap again)."""
    plan = outcome.plan
    for _ in range(5):
        cib = await fetch_cib(runner, plan.run_on)
        try:
            removal = plans.plan_removal(cib, plan.then_clear, run_on=plan.run_on)
        except ActionRefused:
            return outcome
        result = await _run(runner, plan.run_on, removal.argv, stdin=removal.stdin)
        if result.ok:
            say(f"removed {', '.join(plan.then_clear)}")
            return replace(outcome, message=f"{outcome.message}; {', '.join(plan.then_clear)} "
                                            "removed", version_after=removal.target_version)
        if result.exit_status != OLD_DATA:
            break
    return replace(outcome, status=OutcomeStatus.FAILED,
                   message=f"{outcome.message}, but {', '.join(plan.then_clear)} could not be "
                           "removed: clear it with `hacon clear`")


async def _run(runner: CommandRunner, node: str, argv: Sequence[str], *,
               stdin: bytes | None = None, timeout: float = COMMAND_TIMEOUT_S) -> CommandResult:
    return await runner.run(node, argv, timeout=timeout, input=stdin)


def _uses_tool(plan: ActionPlan) -> bool:
    """Whether the plan runs Pacemaker's own tool (no compare-and-swap: always re-checked)."""
    return catalog.spec_of(plan.kind).executor is Executor.TOOL
