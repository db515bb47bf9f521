"""After `stonith_admin --reboot NODE` returned: the fencer's history must show it done.

The node then reboots; where its resources end up is the cluster's business (they may already
be elsewhere, or come back): the action is verified by a new successful reboot of the node in
the fence history of the node that asked for it (`stonith_admin --history NODE`).
Verified or failed, the node's fencing mark is then removed (`unmarked`), by a versioned patch
on a fresh CIB like any other, and the journal's message says so.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace

from console.actions.execute import (
    COMMAND_TIMEOUT_S,
    OLD_DATA,
    ActionOutcome,
    ExecutionError,
    OutcomeStatus,
    fetch_cib,
)
from console.actions.fence import unmark_patch
from console.actions.patchset import PatchError
from console.actions.plans import PATCH_ARGV, ActionPlan
from console.model.constraints.dates import parse_iso_datetime
from console.model.errors import CibParseError
from console.model.fencing_mark import MARK_ATTRIBUTE, STALE_AFTER_S, clear_command, mark_value
from console.model.live.fencing import FencingState, event_text, parse_fence_history
from console.transport import argv as node_argv
from console.transport.base import CommandRunner, NodeUnreachable

HISTORY_WAIT_S = 15.0
POLL_INTERVAL_S = 0.5
UNMARK_ATTEMPTS = 5
"""Stale-patch conflicts the removal of the mark re-reads through (each on a fresh CIB)."""


async def fence_verified(outcome: ActionOutcome, runner: CommandRunner,
                         say: Callable[[str], None]) -> ActionOutcome:
    """`outcome` verified (or failed) by the fence history of the plan's node."""
    plan = outcome.plan
    node = plan.node or ""
    # The command ran for at most COMMAND_TIMEOUT_S: an entry completed since then is ours
    # (the fencer's time has whole seconds, hence the slack).
    since = time.time() - COMMAND_TIMEOUT_S - 2.0
    deadline = time.monotonic() + HISTORY_WAIT_S
    problem = "no successful reboot in its fence history yet"
    while time.monotonic() < deadline:
        try:
            result = await runner.run(plan.run_on, node_argv.fence_history_of(node),
                                      timeout=10.0)
            history = FencingState(True, history=parse_fence_history(result.stdout))
        except (NodeUnreachable, CibParseError) as error:
            problem = f"cannot read the fence history on {plan.run_on}: {error}"
        else:
            event = history.last_fencing_of(node, after=since)
            if event is not None:
                return replace(outcome, message=f"fenced: {event_text(event)}", verified=True)
        say(f"waiting: {problem}")
        await asyncio.sleep(POLL_INTERVAL_S)
    return replace(outcome, status=OutcomeStatus.FAILED, verified=False,
                   message=f"stonith_admin returned, but not verified: {problem} "
                           f"(on {plan.run_on})")


async def unmarked(outcome: ActionOutcome, runner: CommandRunner,
                   say: Callable[[str], None]) -> ActionOutcome:
    """`outcome` once the fencing mark of its node is removed (or with how to remove it)."""
    plan = outcome.plan
    node = plan.node or ""
    problem = await _remove_mark(plan.run_on, node, runner)
    if problem is None:
        say(f"{node}'s fencing mark removed")
        return replace(outcome, message=f"{outcome.message}; {_mark_words(plan)} removed")
    say(f"{node}'s fencing mark stays: {problem}")
    return replace(outcome, message=(
        f"{outcome.message}; {_mark_words(plan)} could not be removed ({problem}): it is "
        f"ignored after {STALE_AFTER_S:.0f} s; remove it with `{clear_command(node)}`"))


async def _remove_mark(run_on: str, node: str, runner: CommandRunner) -> str | None:
    """None once `node` carries no fencing mark; else what went wrong."""
    problem = "the CIB kept changing"
    for _ in range(UNMARK_ATTEMPTS):
        try:
            patch = unmark_patch(await fetch_cib(runner, run_on), node)
            if patch is None:
                return None
            result = await runner.run(run_on, PATCH_ARGV, timeout=COMMAND_TIMEOUT_S, input=patch)
        except (ExecutionError, NodeUnreachable, CibParseError, PatchError) as error:
            return str(error)
        if result.ok:
            return None
        if result.exit_status != OLD_DATA:
            return f"cibadmin --patch failed ({result.exit_status}): {result.stderr_line()}"
    return problem


def _mark_words(plan: ActionPlan) -> str:
    """The mark as the journal records it: "mark hacon-fencing=2026-... (from node-a)"."""
    moment = parse_iso_datetime(plan.when)
    return f"mark {MARK_ATTRIBUTE}={mark_value(moment) if moment else '?'} (from {plan.run_on})"
