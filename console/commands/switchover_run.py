"""The work behind `hacon switchover` (see `console.commands.switchover` for the contract)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from console.actions import runbook_store
from console.actions.guards import main_vip
from console.actions.runbook import (
    RunbookFileError,
    RunbookRefused,
    Step,
    Switchover,
    cluster_key,
    drift,
    settled,
    standby_age,
    step_marks,
    version_note,
    where_it_stopped,
)
from console.actions.switchover import (
    FlowContext,
    FlowEvents,
    abandon,
    drifted,
    failback_not_needed,
    fresh_enough,
    run_step,
    start,
)
from console.commands import status_live
from console.commands.actions_run import NO_TERMINAL, TerminalEvents
from console.commands.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, CommandError
from console.config import ConfigError, load_config
from console.model.live.snapshot import LiveSnapshot
from console.model.text_safety import printable
from console.model.types import CibVersion

if TYPE_CHECKING:
    from console.transport.poller import ClusterPoller

EXIT_REFUSED = 3
FRESH_LIMIT_S = 30.0
"""How long a step waits for a look at the cluster taken after it asked."""
MARKS = {"done": "✓", "current": "▶", "todo": " "}


def run_switchover(args: argparse.Namespace) -> int:
    """`hacon switchover [--status|--abandon] [--step] [--yes]`: the exit status."""
    changes = not args.status
    if changes and getattr(args, "tui_read_only", False):
        raise CommandError("read-only mode: actions are disabled", EXIT_BAD_INPUT)
    target = status_live.resolve_target(args)
    if changes and not args.nodes and _configured_read_only(args.cluster):
        raise CommandError("read-only mode (clusters.toml read_only = true): actions are "
                           "disabled", EXIT_BAD_INPUT)
    return asyncio.run(_connected(target, args))


def _configured_read_only(name: str | None) -> bool:
    try:
        return load_config().cluster(name).read_only
    except ConfigError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None


async def _connected(target: status_live.Target, args: argparse.Namespace) -> int:
    from console.transport.poller import ClusterPoller, PollSettings

    ssh_cluster, probe = status_live.build_ssh_cluster(target)
    poll = PollSettings(push=False, command_timeout=10.0, first_snapshot_wait=30.0,
                        service=probe, clients=status_live.client_settings(target))
    async with ssh_cluster as cluster:
        async with ClusterPoller(cluster, target.nodes, poll) as poller:
            feed = PollerFeed(poller)
            snapshot = await feed.fresh()
            if snapshot.cluster is None:
                raise CommandError("no node gave its CIB: the cluster's state is unknown",
                                   EXIT_FAILURE)
            name = args.cluster or snapshot.cluster.info.name
            context = FlowContext(cluster, feed, _Terminal(args.yes), name, target.nodes,
                                  failback=args.failback is not False)
            return await run_flow(snapshot, context, args)


class PollerFeed:
    """Fresh looks at the cluster from the poller (the flow's `SnapshotFeed`)."""

    def __init__(self, poller: ClusterPoller) -> None:
        self.poller = poller

    async def fresh(self, at_least: CibVersion | None = None) -> LiveSnapshot:
        """The first snapshot in which every node answered after this call (with `at_least`
        its CIB version); the newest one after `FRESH_LIMIT_S`."""
        asked, deadline = time.time(), time.monotonic() + FRESH_LIMIT_S
        self.poller.refresh_now()
        while True:
            snapshot = await self.poller.next_snapshot()
            if fresh_enough(snapshot, asked, at_least) or time.monotonic() > deadline:
                return snapshot
            self.poller.refresh_now()


async def run_flow(snapshot: LiveSnapshot, context: FlowContext,
                   args: argparse.Namespace) -> int:
    """The saved flow of the cluster `snapshot` shows: status, abandon, or its steps."""
    assert snapshot.cluster is not None
    key = cluster_key(snapshot.cluster)
    try:
        state = await asyncio.to_thread(runbook_store.load, key)
    except RunbookFileError as error:
        if args.abandon:
            aside = await asyncio.to_thread(runbook_store.set_aside, key)
            _say(f"the unreadable saved switchover is kept as {aside}")
            return EXIT_OK
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    if args.status:
        return _status(state, snapshot, key)
    if args.abandon:
        sys.stdout.write(printable(await abandon(state, key, context)) + "\n")
        return EXIT_OK
    return await _go(state, snapshot, context, args)


def _status(state: Switchover | None, snapshot: LiveSnapshot, key: str) -> int:
    if state is None:
        sys.stdout.write(f"no switchover saved for cluster {printable(key)}\n")
        return EXIT_OK
    assert snapshot.cluster is not None
    settled_state, found = settled(state, snapshot.cluster, time.time())
    problem = drift(settled_state, snapshot.cluster)
    _show(state, aged=problem is None)
    changed = f"the cluster changed under the switchover: {problem}" if problem else None
    for line in (found, changed, version_note(state, snapshot.cluster)):
        if line is not None:
            sys.stdout.write(f"{printable(line)}\n")
    return EXIT_OK


def _show(state: Switchover, *, aged: bool = True) -> None:
    """Where the flow stands; the standby age unless the node is no longer in standby."""
    now = time.time()
    lines = [where_it_stopped(state, now)]
    lines += [f"  {MARKS[mark]} {title}" for mark, _, title in step_marks(state)]
    age = standby_age(state, now) if aged else None
    lines += [age] if age else []
    lines += [f"last: {state.notes[-1]}"] if state.notes else []
    sys.stdout.write("\n".join(printable(line) for line in lines) + "\n")


async def _go(state: Switchover | None, snapshot: LiveSnapshot, context: FlowContext,
              args: argparse.Namespace) -> int:
    if state is None:
        holder = _vip_holder(snapshot)
        _ask(f"Start a switchover of {holder or 'the VIP holder'}: standby, verify, pause for "
             "the maintenance, online", args)
        try:
            state = await start(snapshot, context)
        except RunbookRefused as refused:
            _say(f"refused: {refused}")
            return EXIT_REFUSED
        _show(state)
    else:
        problem = await drifted(state, snapshot, context)
        _show(state, aged=problem is None)
        if problem is not None:
            _say(f"the cluster changed under the switchover: {problem}; it will not go on "
                 "(`hacon switchover --abandon` forgets it)")
            return EXIT_REFUSED
        _ask("Continue this switchover (no: it stays saved; `hacon switchover --abandon` "
             "forgets it)", args)
    return await _steps(state, context, args)


async def _steps(state: Switchover, context: FlowContext, args: argparse.Namespace) -> int:
    resumed_at = state.step
    while not state.finished:
        if state.step is Step.PAUSE and resumed_at is not Step.PAUSE:
            _say(f"{state.node} is in standby: do the maintenance, then run `hacon switchover` "
                 "again to bring it online")
            return EXIT_OK
        if state.step is Step.FAILBACK:
            context = replace(context, failback=await _wants_failback(context, args))
        _say(f"step: {state.title(state.step)}")
        report = await run_step(state, context)
        for line in report.found:
            _say(f"found: {line}")
        if not report.moved_on:
            _say(f"{state.step.value} stopped: {report.message}")
            return report.exit_code
        _say(f"{state.step.value}: {report.message}")
        state = report.state
        if args.step:
            break
    _say("switchover done" if state.finished else f"next: {state.title(state.step)} "
         "(run `hacon switchover` again)")
    return EXIT_OK


async def _wants_failback(context: FlowContext, args: argparse.Namespace) -> bool:
    """--failback/--no-failback; else skipped with --yes; else asked, when there is a
    preferred node to fail back to (otherwise the step says why it is skipped)."""
    if args.failback is not None:
        return bool(args.failback)
    if args.yes:
        return False
    cluster = (await context.feed.fresh()).cluster
    if cluster is None or failback_not_needed(cluster) is not None:
        return True
    return _confirmed("Fail the VIP back to its preferred node now")


def _vip_holder(snapshot: LiveSnapshot) -> str | None:
    vip = main_vip(snapshot.cluster) if snapshot.cluster is not None else None
    return vip.holder_nodes[0] if vip is not None and len(vip.holder_nodes) == 1 else None


def _ask(question: str, args: argparse.Namespace) -> None:
    """Go on only when the operator says yes (or gave --yes)."""
    if args.yes:
        return
    if not sys.stdin.isatty():
        raise CommandError(f"{NO_TERMINAL}: add --yes", EXIT_BAD_INPUT)
    if not _confirmed(question):
        raise CommandError("not confirmed; nothing changed", EXIT_FAILURE)


def _confirmed(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    # No is the default: an empty answer (Enter) changes nothing.
    return input(f"{question}? [y/N] ").strip().lower() in ("y", "yes")


class _Terminal(TerminalEvents, FlowEvents):
    """The guarded actions' terminal events, plus the flow's own lines on stderr."""

    def said(self, line: str) -> None:
        _say(line)


def _say(line: str) -> None:
    sys.stderr.write(f"hacon: {printable(line)}\n")
    sys.stderr.flush()
