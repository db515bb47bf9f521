"""`hacon history`: why the cluster did what it did, from the DCs' saved scheduler inputs.

Live (`--nodes`/`--cluster`, the options of `hacon status`): every node's
/var/lib/pacemaker/pengine is listed over SSH, new inputs are fetched into the cache
(`$XDG_CACHE_HOME/hacon/history/`), and the transitions are explained. Offline
(`--from DIR|TARBALL`): a directory of inputs or a crm_report tarball. Exit status 0 when some
input was read, 1 when none was, 2 for bad options or an unusable --from path.
"""

from __future__ import annotations

import argparse
import calendar
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from console.commands import status_live
from console.commands.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, CommandError
from console.commands.text import printable, write_json

if TYPE_CHECKING:
    from console.model.transitions import Replay, Transition
    from console.transport.history_source import HistoryData


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `hacon history` to the command line."""
    parser = subparsers.add_parser(
        "history",
        help="why the cluster did what it did: transitions explained, live or from a report",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    parser.add_argument("--from", dest="source", type=Path, action="append",
                        metavar="DIR|TARBALL", help="read inputs offline: a directory of "
                        "pe-input files or a crm_report tarball (repeatable: one per node)")
    parser.add_argument("--since", metavar="WHEN", help="from this time (UTC "
                        "'2026-12-06 09:00', epoch seconds, or ago: 30m, 2h, 1d)")
    parser.add_argument("--until", metavar="WHEN", help="up to this time (same forms)")
    parser.add_argument("--resource", metavar="ID", help="only transitions naming this resource")
    parser.add_argument("--node", metavar="NAME", help="only transitions naming this node")
    parser.add_argument("--all", action="store_true",
                        help="also quiet transitions (nothing changed, nothing done)")
    parser.add_argument("--replay", action="store_true",
                        help="replay every shown input with crm_simulate (actions and scores)")
    parser.add_argument("--json", action="store_true", help="print the JSON contract (README)")
    status_live.add_arguments(parser, "live cluster (instead of --from)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read, explain, filter and print the history."""
    # Imported here: `hacon status` and the other commands never load the history machinery.
    from console.model.transitions import explain_history, group_incidents, history_document

    since, until = parse_when(args.since), parse_when(args.until)
    source, data = _load(args)
    transitions = explain_history(data.facts, data.logs)
    shown = [t for t in transitions if _wanted(t, args, since, until)]
    replays = _replays(source, shown, every=args.replay)
    if replays:
        transitions = explain_history(data.facts, data.logs, replays)
        shown = [t for t in transitions if _wanted(t, args, since, until)]
    incidents = group_incidents(shown, include_quiet=args.all)
    if args.json:
        write_json(history_document(shown, incidents, source=data.source,
                                    inputs_read=len(data.facts), problems=data.problems))
    else:
        sys.stdout.write(render_history(shown, data, show_quiet=args.all))
    return EXIT_OK if data.facts else EXIT_FAILURE


def _load(args: argparse.Namespace) -> tuple[object, HistoryData]:
    from console.transport.history_files import HistorySourceError
    from console.transport.history_source import LocalHistorySource

    if args.source is not None:
        if args.nodes or args.cluster:
            raise CommandError("give --from or a live cluster (--nodes/--cluster), not both")
        local = LocalHistorySource(args.source)
        try:
            return local, local.load_sync(_progress)
        except HistorySourceError as error:
            raise CommandError(str(error), EXIT_BAD_INPUT) from None
    target = status_live.resolve_target(args)
    import asyncio  # only when a cluster is really reached

    return asyncio.run(_load_live(target, args.cluster))


async def _load_live(target: status_live.Target,
                     cluster: str | None) -> tuple[object, HistoryData]:
    from console.transport.history_source import SshHistorySource, cache_key

    ssh_cluster, _probe = status_live.build_ssh_cluster(target)
    async with ssh_cluster as runner:
        source = SshHistorySource(runner, target.nodes, cache_key(cluster, target.nodes))
        return source, await source.load(_progress)


def _progress(done: int, total: int, what: str) -> None:
    if sys.stderr.isatty() and total >= 50:
        sys.stderr.write(f"\rreading inputs: {done}/{total}" + ("\n" if done == total else ""))


def _replays(source: object, shown: Sequence[Transition], *, every: bool) -> dict[str, Replay]:
    """Replays where needed: the newest input (no next input to read actions from), or all."""
    from console.model.transitions import Replay

    replay = getattr(source, "replay", None)
    if replay is None:
        return {}
    wanted = [t for t in shown if every or t.actions_from == "none"]
    replays: dict[str, Replay] = {}
    for transition in wanted:
        outcome = replay(transition.ref)
        if isinstance(outcome, Replay):
            replays[transition.ref.key] = outcome
    return replays


def _wanted(transition: Transition, args: argparse.Namespace, since: int | None,
            until: int | None) -> bool:
    at = transition.executed_at
    if since is not None and (at is None or at < since):
        return False
    if until is not None and (at is None or at > until):
        return False
    if not transition.touches(resource=args.resource, node=args.node):
        return False
    return args.all or not transition.quiet


_AGO = re.compile(r"^(\d+)\s*([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
            "%Y-%m-%d")


def parse_when(text: str | None, now: float | None = None) -> int | None:
    """`--since/--until`: UTC date and time, epoch seconds, or a span ago (30m, 2h, 1d).

    Raises:
        CommandError: none of those forms (exit 2).
    """
    if text is None:
        return None
    value = text.strip().removesuffix("Z")
    if value.isdigit() and len(value) >= 9:
        return int(value)
    if (match := _AGO.match(value)) is not None:
        return int((now if now is not None else time.time())
                   - int(match[1]) * _UNITS[match[2]])
    for layout in _FORMATS:
        try:
            return calendar.timegm(time.strptime(value, layout))
        except ValueError:
            continue
    raise CommandError(f"cannot read the time {text!r}: use '2026-12-06 09:00' (UTC), epoch "
                       "seconds, or 30m / 2h / 1d ago", EXIT_BAD_INPUT)


def render_history(shown: Sequence[Transition], data: HistoryData, *, show_quiet: bool) -> str:
    """The text report: one block per incident, one paragraph per transition."""
    from console.model.transitions import group_incidents
    from console.presentation.history import incident_summary, transition_detail

    incidents = group_incidents(shown, include_quiet=show_quiet)
    nodes = sorted({facts.ref.node for facts in data.facts})
    lines = [f"History: {len(data.facts)} inputs from {', '.join(nodes) or 'no node'}; "
             f"{len(incidents)} incident(s)"
             + ("" if show_quiet else " (quiet transitions hidden; --all shows them)")]
    lines += [f"  could not read {key}: {text}" for key, text in sorted(data.problems.items())]
    for incident in incidents:
        lines += ["", incident_summary(incident)]
        for transition in incident.transitions:
            lines += [f"  {line}" for line in transition_detail(transition)]
    return "\n".join(printable(line) for line in lines) + "\n"
