"""The second half of a restart: once the stop is verified, start the resource again.

The start is an `enable` planned on a fresh CIB, previewed and applied with the same
compare-and-swap and verification as any action; then the resource must be back on the node it
was restarted on. Whatever goes wrong is said with the command that finishes the job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from console.actions.execute import (
    ActionOutcome,
    OutcomeStatus,
    fetch_cib,
    prepare,
    preview,
    run_plan,
)
from console.actions.plans import ActionKind, ActionRefused
from console.model.snapshot import parse_cib
from console.model.text_safety import shell_word
from console.transport.base import CommandRunner


async def start_again(stopped: ActionOutcome, runner: CommandRunner, nodes: tuple[str, ...],
                      settle_timeout: float, say: Callable[[str], None]) -> ActionOutcome:
    """The restart's outcome: `stopped` (the verified stop) followed by a verified start."""
    plan = stopped.plan
    resource, node = plan.resource or "", plan.node or ""
    say(f"{resource} is stopped; starting it again")
    try:
        start = await preview(await prepare(ActionKind.ENABLE, runner, plan.run_on,
                                            resource=resource), runner)
    except ActionRefused as refused:
        return _unfinished(stopped, refused.reason)
    if start.refusal is not None:
        return _unfinished(stopped, start.refusal)
    started = await run_plan(start, runner, nodes=nodes, settle_timeout=settle_timeout,
                             progress=say)
    if started.status is not OutcomeStatus.DONE:
        return _unfinished(stopped, started.message)
    running = parse_cib(await fetch_cib(runner, plan.run_on)).resources[resource].active_on
    verdict = replace(started, plan=plan, version_before=stopped.version_before,
                      attempts=stopped.attempts + started.attempts,
                      conflicts=stopped.conflicts + started.conflicts)
    if running != (node,):
        return replace(verdict, status=OutcomeStatus.FAILED, verified=False,
                       message=f"{resource} was restarted but runs on "
                               f"{', '.join(running) or 'no node'}, not on {node}")
    return replace(verdict, message=f"{resource} restarted on {node}: {started.message}")


def _unfinished(stopped: ActionOutcome, why: str) -> ActionOutcome:
    resource = stopped.plan.resource
    return replace(stopped, status=OutcomeStatus.FAILED, verified=False,
                   message=f"{resource} was stopped but not started again ({why}): start it "
                           f"with `hacon enable {shell_word(resource or '')}`")
