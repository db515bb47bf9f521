"""`hacon check`: a monitoring plugin (Nagios, Icinga, Naemon, Zabbix's Nagios bridge, ...).

One status round over every node (the same connect, round and verdict as `hacon status`, so a
check costs the nodes no more than a status does), judged by console.model.fleet.check:
exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; one summary line with `|` performance data, then
one line per reason. Every failure, bad options included, is an UNKNOWN line and exit 3, as the
Monitoring Plugins guidelines want: a typo in a command definition must not page as CRITICAL.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import NoReturn

from console.commands import status_live
from console.commands.errors import CommandError
from console.commands.text import printable
from console.model.cluster import ClusterSnapshot
from console.model.fleet.check import (
    CheckResult,
    CheckState,
    Finding,
    Metrics,
    Thresholds,
    evaluate,
    plugin_output,
)
from console.model.fleet.failovers import starts_within, vip_start_times
from console.model.live.snapshot import LiveSnapshot

DEFAULT_TIMEOUT = 10.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `hacon check` to the command line."""
    parser = subparsers.add_parser(
        "check",
        help="monitoring plugin: OK/WARNING/CRITICAL/UNKNOWN from every node's view",
        description="Check a live cluster in the Monitoring Plugins format (Nagios, Icinga): "
        "exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, one summary line with performance "
        "data, then one line per reason. Thresholds: a value above the limit trips it.",
    )
    status_live.add_arguments(parser, "cluster to check")
    limits = parser.add_argument_group("thresholds (a value above the limit trips it)")
    _limit(limits, "away", int, "nodes offline, in standby or maintenance", 0)
    _limit(limits, "failcount", float, "failcount / migration-threshold (trips at the limit)",
           0.5)
    _limit(limits, "age", float, "seconds since the newest data was read", 60.0)
    _limit(limits, "failovers", int, "VIP starts within --window", None)
    limits.add_argument("--window", type=_positive, default=3600.0, metavar="SECONDS",
                        help="how far back a VIP start counts (default 3600)")
    parser.add_argument("-t", "--timeout", type=_positive, default=DEFAULT_TIMEOUT,
                        metavar="SECONDS", help=f"give up (UNKNOWN) after this long "
                        f"(default {DEFAULT_TIMEOUT:g})")
    parser.error = _usage_error  # type: ignore[method-assign]
    parser.set_defaults(run=run, usage_error=_usage_error)


def _limit(group: argparse._ArgumentGroup, name: str, kind: type, what: str,
           default: float | None) -> None:
    shown = "off" if default is None else f"{default:g}"
    group.add_argument(f"--warning-{name}", type=kind, default=default, metavar="N",
                       help=f"WARNING above this: {what} (default {shown})")
    group.add_argument(f"--critical-{name}", type=kind, default=None, metavar="N",
                       help=f"CRITICAL above this: {what} (default off)")


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def _usage_error(message: str) -> NoReturn:
    sys.stdout.write(f"HACON UNKNOWN - bad options: {printable(message)}\n")
    raise SystemExit(CheckState.UNKNOWN)


def thresholds_of(args: argparse.Namespace) -> Thresholds:
    """The operator's limits from the options."""
    return Thresholds(
        away_warning=args.warning_away, away_critical=args.critical_away,
        failcount_warning=args.warning_failcount, failcount_critical=args.critical_failcount,
        age_warning=args.warning_age, age_critical=args.critical_age,
        failovers_warning=args.warning_failovers, failovers_critical=args.critical_failovers,
        window=args.window)


def run(args: argparse.Namespace) -> int:
    """Check the cluster; print the plugin output; the exit status is the state."""
    limits = thresholds_of(args)
    try:
        target = status_live.resolve_target(args)
    except CommandError as error:
        return _print_unknown("cluster", f"cannot check: {error}", limits)
    label = args.cluster or (",".join(target.nodes) if args.nodes else "cluster")
    import asyncio

    try:
        live, starts = asyncio.run(check_snapshot(target, args.timeout))
    except TimeoutError:
        return _print_unknown(label, f"no verdict within {args.timeout:g} s (--timeout)", limits)
    except CommandError as error:
        return _print_unknown(label, str(error), limits)
    except Exception as error:  # noqa: BLE001 - a plugin answers UNKNOWN, never a traceback
        return _print_unknown(label, f"internal error: {type(error).__name__}: {error}", limits)
    now = time.time()
    result = evaluate(live, limits, now, starts_within(starts, now, limits.window))
    sys.stdout.write(plugin_output(printable(label), result, limits))
    return int(result.state)


def _print_unknown(label: str, reason: str, limits: Thresholds) -> int:
    result = CheckResult(CheckState.UNKNOWN, (Finding(CheckState.UNKNOWN, reason),), Metrics(),
                         reason)
    sys.stdout.write(plugin_output(printable(label), result, limits))
    return int(CheckState.UNKNOWN)


class VipStartCounter:
    """The poller's CIB parser, also noting every node's last VIP start from the same bytes
    (no extra command on any node)."""

    def __init__(self) -> None:
        self.starts: dict[str, dict[str, int]] = {}
        """VIP id -> node -> epoch of its last start there, over every CIB read."""

    def __call__(self, data: bytes) -> ClusterSnapshot:
        from console.transport.poller import parse_whole_cib

        snapshot = parse_whole_cib(data)
        for vip_id, per_node in vip_start_times(data, snapshot.vips).items():
            known = self.starts.setdefault(vip_id, {})
            for node, when in per_node.items():
                known[node] = max(when, known.get(node, 0))
        return snapshot


async def check_snapshot(target: status_live.Target,
                         timeout: float) -> tuple[LiveSnapshot, dict[str, dict[str, int]]]:
    """One round over every node, as `hacon status` takes it, within `timeout` seconds.

    Nodes still silent after most of the timeout are reported unreachable rather than waited
    for, so a dead node costs a WARNING, not the whole check.

    Raises:
        TimeoutError: no snapshot at all within `timeout`.
    """
    import asyncio

    from console.transport.poller import ClusterPoller, PollSettings

    ssh_cluster, probe = status_live.build_ssh_cluster(target)
    patience = max(0.5, timeout * 0.8)
    poll = PollSettings(push=False, command_timeout=patience, first_snapshot_wait=patience,
                        service=probe)
    counter = VipStartCounter()
    async with asyncio.timeout(timeout):
        async with (ssh_cluster as cluster,
                    ClusterPoller(cluster, target.nodes, poll, parser=counter) as poller):
            return await poller.next_snapshot(), counter.starts
