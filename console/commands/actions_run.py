"""The work behind the action commands (see `console.commands.actions` for the contract)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from console.actions import audit, config_edits, fixes, runner
from console.actions.execute import ActionOutcome
from console.actions.plans import ActionKind, ActionPlan
from console.actions.requests import GuardedRequest, unknown_target
from console.actions.runner import Ending, RunEvents, RunReport, RunSettings
from console.actions.upkeep import cib_time, parse_lifetime
from console.commands import status_live
from console.commands.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, CommandError
from console.config import ConfigError, load_config
from console.model.live.snapshot import LiveSnapshot
from console.model.text_safety import printable
from console.transport.base import CommandRunner

EXIT_REFUSED = 3
NO_TERMINAL = "no terminal to confirm on"


def request_of(args: argparse.Namespace, now: float) -> GuardedRequest:
    """The guarded request the command line names (`args.action` is the subcommand).

    Raises:
        CommandError: exit 2 for a malformed lifetime, score or count.
    """
    node, resource = getattr(args, "node", None), getattr(args, "resource", None)
    value = None
    if args.action == "config":
        node, value = _config_value(args)
    return GuardedRequest(_kind_of(args), node=node, resource=resource, when=_when(args, now),
                          force=getattr(args, "force", False), value=value)


def _config_value(args: argparse.Namespace) -> tuple[str | None, str]:
    """(the node, the value) of `hacon config SETTING`; exit 2 for a malformed value."""
    try:
        if args.setting == "prefer":
            return config_edits.parse_preference(args.preference)
        what = "stickiness" if args.setting == "stickiness" else "migration-threshold"
        return None, config_edits.parse_count(args.value, what)
    except ValueError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None


def _kind_of(args: argparse.Namespace) -> ActionKind:
    if args.action == "fix":
        return fix_kind(args.fix_id)
    if args.action == "config":
        return ActionKind(f"config-{args.setting}")
    if args.action == "maintenance":
        return ActionKind.MAINTENANCE_ON if args.state == "on" else ActionKind.MAINTENANCE_OFF
    if args.action == "clear" and args.expired:
        return ActionKind.CLEAR_EXPIRED
    return ActionKind(args.action)


def _when(args: argparse.Namespace, now: float) -> str | None:
    lifetime = getattr(args, "lifetime", None)
    if lifetime is not None:
        try:
            return cib_time(now + parse_lifetime(lifetime))
        except ValueError as error:
            raise CommandError(str(error), EXIT_BAD_INPUT) from None
    return None


def run_action(args: argparse.Namespace) -> int:
    """Guard, plan, preview, confirm, apply, verify; the exit status."""
    if args.action == "fix" and (args.list or args.fix_id == "two-node-missing"):
        return _fix_without_cib(args)
    request = request_of(args, time.time())
    if getattr(args, "tui_read_only", False):
        raise CommandError("read-only mode: actions are disabled", EXIT_BAD_INPUT)
    target = status_live.resolve_target(args)
    if not args.nodes and _configured_read_only(args.cluster):
        raise CommandError("read-only mode (clusters.toml read_only = true): actions are "
                           "disabled", EXIT_BAD_INPUT)
    return asyncio.run(_act(target, request, args, args.cluster))


def fix_kind(code: str | None) -> ActionKind:
    """The action that fixes advisory `code` (exit 2 for a code hacon cannot fix)."""
    if code is None:
        raise CommandError("name the advisory to fix (hacon fix --list)", EXIT_BAD_INPUT)
    if code not in fixes.FIX_KINDS:
        raise CommandError(f"no fix for {code!r}: hacon fix --list names the codes",
                           EXIT_BAD_INPUT)
    return fixes.FIX_KINDS[code]


def _fix_without_cib(args: argparse.Namespace) -> int:
    """`hacon fix --list`, or two_node's change shown (corosync.conf: exit 3, nothing changed)."""
    if args.list:
        for code, summary in fixes.FIX_SUMMARIES.items():
            sys.stdout.write(f"{code:<20} {summary}\n")
        return EXIT_OK
    sys.stdout.write("\n".join(fixes.TWO_NODE_STEPS) + "\n")
    return EXIT_REFUSED


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


async def _guarded(request: GuardedRequest, live: LiveSnapshot, cluster_runner: CommandRunner,
                   target: status_live.Target, args: argparse.Namespace,
                   cluster: str | None) -> int:
    unknown = unknown_target(request, live.cluster) if live.cluster is not None else None
    if unknown is not None:
        raise CommandError(unknown, EXIT_BAD_INPUT)
    settings = RunSettings(cluster, nodes=target.nodes, dry_run=args.dry_run, now=time.time())
    report = await runner.run_request(request, live, cluster_runner, settings,
                                      _TerminalEvents(args.yes))
    return _report(report)


class _TerminalEvents(RunEvents):
    """The plan on stdout, the steps on stderr, the question on the terminal."""

    def __init__(self, assume_yes: bool) -> None:
        self.assume_yes = assume_yes

    def previewed(self, plan: ActionPlan) -> None:
        _show_plan(plan)

    async def confirm(self, plan: ActionPlan) -> str | None:
        if plan.typed_confirmation is not None:
            return _typed(plan, plan.typed_confirmation)  # --yes does not skip an outage
        if self.assume_yes:
            return None
        if not sys.stdin.isatty():
            # An attempt all the same: the journal keeps it, with why nothing happened.
            return NO_TERMINAL
        return None if _confirmed(plan) else "not confirmed"

    def progress(self, plan: ActionPlan, line: str) -> None:
        _say(line)

    def audit_failed(self, error: OSError) -> None:
        _say(f"the audit journal could not be written: {error}")


def _typed(plan: ActionPlan, word: str) -> str | None:
    """None when the operator typed `word` (from the terminal or stdin); else why not."""
    sys.stderr.write(f"{printable(plan.title)}\nType {printable(word)} to confirm the outage: ")
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        return "no typed confirmation (stdin closed)"
    typed = line.strip()
    return None if typed == word else f"typed {printable(typed)!r}, not {printable(word)}"


def _report(report: RunReport) -> int:
    if report.ending is Ending.FAILED:
        raise CommandError(report.message, EXIT_FAILURE)
    if report.ending is Ending.CANCELLED and report.message == NO_TERMINAL:
        raise CommandError(f"{NO_TERMINAL}: add --yes (or --dry-run)", EXIT_BAD_INPUT)
    if report.ending is Ending.CANCELLED:
        _say(f"{report.message}; nothing changed")
    elif report.ending is Ending.REFUSED:
        _say(f"refused: {report.message}")
    elif report.outcome is not None:
        _write_outcome(report.outcome)
    return runner.exit_status(report)


def _show_plan(plan: ActionPlan) -> None:
    heading = (f"{printable(plan.title)} (run on {printable(plan.run_on)}, computed from CIB "
               f"{plan.expected_version})")
    lines = [heading]
    lines += [f"  - {printable(line)}" for line in plan.consequences]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def _confirmed(plan: ActionPlan) -> bool:
    # No is the default: an empty answer (Enter) changes nothing.
    answer = input(f"{printable(plan.title)}? [y/N] ").strip().lower()
    return answer in ("y", "yes")


def _write_outcome(outcome: ActionOutcome) -> None:
    stream = sys.stdout if outcome.exit_code == 0 else sys.stderr
    prefix = "" if outcome.exit_code == 0 else ("refused: " if outcome.exit_code == EXIT_REFUSED
                                                 else "failed: ")
    stream.write(f"{prefix}{printable(outcome.message)}\n")


def _say(line: str) -> None:
    sys.stderr.write(f"hacon: {printable(line)}\n")
    sys.stderr.flush()


def run_audit(args: argparse.Namespace) -> int:
    """Print the journal (text, or the raw lines with --json)."""
    for entry in audit.read_entries():
        line = json.dumps(entry) if args.json else printable(audit.format_entry(entry))
        sys.stdout.write(line + "\n")
    return EXIT_OK


TerminalEvents = _TerminalEvents
"""The terminal's way of following a guarded action (`hacon switchover` runs them too)."""
