"""After `stonith_admin --reboot NODE` returned: the fencer's history must show it done.

The node then reboots; where its resources end up is the cluster's business (they may already
be elsewhere, or come back): the action is verified by a new successful reboot of the node in
the fence history of the node that asked for it (`stonith_admin --history NODE`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace

from console.actions.execute import COMMAND_TIMEOUT_S, ActionOutcome, OutcomeStatus
from console.model.errors import CibParseError
from console.model.live.fencing import FencingState, event_text, parse_fence_history
from console.transport import argv as node_argv
from console.transport.base import CommandRunner, NodeUnreachable

HISTORY_WAIT_S = 15.0
POLL_INTERVAL_S = 0.5


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
