"""The work behind the action commands (see `console.commands.actions` for the contract)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from console import audit
from console.actions.execute import ActionOutcome, ExecutionError, prepare, preview, run_plan
from console.actions.plans import ActionKind, ActionPlan, ActionRefused
from console.actions.requests import GuardedRequest
from console.commands import status_live
from console.commands.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, CommandError
from console.commands.text import printable
from console.config import ConfigError, load_config
from console.model.live.snapshot import LiveSnapshot
from console.transport.base import CommandRunner, NodeUnreachable

EXIT_REFUSED = 3


def request_of(args: argparse.Namespace) -> GuardedRequest:
    """The guarded request the command line names (`args.action` is the subcommand)."""
    return GuardedRequest(ActionKind(args.action), node=getattr(args, "node", None),
                          resource=getattr(args, "resource", None))


def run_action(args: argparse.Namespace) -> int:
    """Guard, plan, preview, confirm, apply, verify; the exit status."""
    request = request_of(args)
    if getattr(args, "tui_read_only", False):
        raise CommandError("read-only mode: actions are disabled", EXIT_BAD_INPUT)
    target = status_live.resolve_target(args)
    if not args.nodes and _configured_read_only(args.cluster):
        raise CommandError("read-only mode (clusters.toml read_only = true): actions are "
                           "disabled", EXIT_BAD_INPUT)
    return asyncio.run(_act(target, request, args, args.cluster))


def _configured_read_only(name: str | None) -> bool:
    try:
        return load_config().cluster(name).read_only
    except ConfigError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None


async def _act(target: status_live.Target, request: GuardedRequest, args: argparse.Namespace,
               cluster_name: str | None) -> int:
    from console.transport.poller import ClusterPoller, PollSettings

    ssh_cluster, probe = status_live.build_ssh_cluster(target)  # a bad -J: exit 2, said first
    poll = PollSettings(push=False, command_timeout=10.0, first_snapshot_wait=30.0,
                        service=probe)
    async with ssh_cluster as cluster:
        async with ClusterPoller(cluster, target.nodes, poll) as poller:
            live = await poller.next_snapshot()
        name = cluster_name or (live.cluster.info.name if live.cluster else None)
        return await _guarded(request, live, cluster, target, args, name)


async def _guarded(request: GuardedRequest, live: LiveSnapshot, runner: CommandRunner,
                   target: status_live.Target, args: argparse.Namespace,
                   cluster: str | None) -> int:
    reason = request.guard_reason(live, now=time.time())
    run_on = live.source_node
    if reason is None and run_on is None:
        reason = "no node gave its CIB"
    if reason is not None:
        return _refused(request, reason, cluster, live)
    try:
        plan = await preview(await prepare(request.kind, runner, run_on or "",
                                           node=request.node, resource=request.resource),
                             runner)
    except ActionRefused as refused:
        return _refused(request, refused.reason, cluster, live)
    except (ExecutionError, NodeUnreachable) as error:
        audit.record(request.kind.value, outcome="failed", message=str(error), cluster=cluster,
                     node=run_on, target=request.target,
                     version_before=live.cluster.version if live.cluster else None)
        raise CommandError(str(error), EXIT_FAILURE) from None
    _show_plan(plan)
    if plan.refusal is not None:
        audit.record_plan(plan, "refused", plan.refusal, cluster=cluster)
        _say(f"refused: {plan.refusal}")
        return EXIT_REFUSED
    if args.dry_run:
        return EXIT_OK
    if not args.yes:
        if not sys.stdin.isatty():
            # An attempt all the same: the journal keeps it, with why nothing happened.
            audit.record_plan(plan, "cancelled", "no terminal to confirm on", cluster=cluster)
            raise CommandError("no terminal to confirm on: add --yes (or --dry-run)",
                               EXIT_BAD_INPUT)
        if not _confirmed(plan):
            audit.record_plan(plan, "cancelled", "not confirmed", cluster=cluster)
            _say("not confirmed; nothing changed")
            return EXIT_FAILURE
    outcome = await run_plan(plan, runner, nodes=target.nodes, progress=_say)
    audit.record_outcome(outcome, cluster=cluster)
    return _report(outcome)


def _refused(request: GuardedRequest, reason: str, cluster: str | None,
             live: LiveSnapshot) -> int:
    version = live.cluster.version if live.cluster else None
    audit.record(request.kind.value, outcome="refused", message=reason, cluster=cluster,
                 target=request.target, version_before=version)
    _say(f"refused: {reason}")
    return EXIT_REFUSED


def _show_plan(plan: ActionPlan) -> None:
    lines = [f"{plan.title} (run on {plan.run_on}, computed from CIB {plan.expected_version})"]
    lines += [f"  - {printable(line)}" for line in plan.consequences]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def _confirmed(plan: ActionPlan) -> bool:
    # No is the default: an empty answer (Enter) changes nothing.
    answer = input(f"{plan.title}? [y/N] ").strip().lower()
    return answer in ("y", "yes")


def _report(outcome: ActionOutcome) -> int:
    stream = sys.stdout if outcome.exit_code == 0 else sys.stderr
    prefix = "" if outcome.exit_code == 0 else ("refused: " if outcome.exit_code == EXIT_REFUSED
                                                 else "failed: ")
    stream.write(f"{prefix}{printable(outcome.message)}\n")
    return outcome.exit_code


def _say(line: str) -> None:
    sys.stderr.write(f"hacon: {printable(line)}\n")
    sys.stderr.flush()


def run_audit(args: argparse.Namespace) -> int:
    """Print the journal (text, or the raw lines with --json)."""
    for entry in audit.read_entries():
        line = json.dumps(entry) if args.json else printable(audit.format_entry(entry))
        sys.stdout.write(line + "\n")
    return EXIT_OK
