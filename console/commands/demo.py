"""`hacon demo`: the console on an embedded demo cluster (no cluster, no root, no Pacemaker).

Two nodes (three with `--nodes 3`) are served over the same SSH transport hacon uses for real
clusters, by an in-process server on loopback (console.demo.serve); `--scenario` starts in a
scripted state (split brain, power loss, ...). Without a terminal, or with `--json`, it prints
the status of the sample cluster shipped with hacon instead.
"""

from __future__ import annotations

import argparse
import sys

from console.commands.errors import EXIT_OK, CommandError
from console.commands.sources import sample_cib, snapshot_of
from console.commands.status import print_status
from console.demo.scenarios import SCENARIOS


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `hacon demo` to the command line."""
    parser = subparsers.add_parser(
        "demo", help="open the console on an embedded demo cluster (no cluster needed)"
    )
    parser.add_argument("--nodes", dest="demo_nodes", type=int, choices=(2, 3), default=2,
                        help="how many demo nodes (default 2)")
    parser.add_argument("--clusters", dest="demo_clusters", type=int, metavar="N",
                        help="run N demo clusters (1 to 20) and open the fleet overview")
    parser.add_argument("--scenario", dest="demo_scenario", choices=list(SCENARIOS),
                        help="start in a scripted state (split-brain, power-loss, ...)")
    # Also accepted after `demo`; SUPPRESS keeps `hacon --theme X demo` from being overwritten.
    parser.add_argument("--theme", dest="tui_theme", metavar="NAME", default=argparse.SUPPRESS,
                        help="colour theme (console-dark, console-light, high-contrast, ...)")
    parser.add_argument("--read-only", dest="tui_read_only", action="store_true",
                        default=argparse.SUPPRESS, help="offer no action that changes the cluster")
    parser.add_argument("--probe-clients", dest="tui_probe_clients", action="store_true",
                        default=argparse.SUPPRESS,
                        help="probe the VIP as clients do (ARP, SIP OPTIONS), from the demo nodes")
    parser.add_argument("--json", action="store_true",
                        help="print the sample cluster's status as JSON instead")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Open the demo console, or print the sample status without a terminal."""
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if getattr(args, "json", False) or not interactive:
        print_status(snapshot_of(sample_cib()), as_json=bool(getattr(args, "json", False)))
        return EXIT_OK
    import asyncio  # only when the demo really starts: `hacon status` never pays for it

    clusters = getattr(args, "demo_clusters", None)
    if clusters is not None:
        return _run_fleet_demo(args, clusters)
    from console.demo.serve import run_demo_console

    asyncio.run(run_demo_console(
        getattr(args, "demo_nodes", 2), getattr(args, "demo_scenario", None),
        read_only=bool(getattr(args, "tui_read_only", False)),
        theme=getattr(args, "tui_theme", None),
        probe_clients=bool(getattr(args, "tui_probe_clients", False))))
    return EXIT_OK


def _run_fleet_demo(args: argparse.Namespace, count: int) -> int:
    import asyncio

    from console.demo.fleet import run_demo_fleet_console

    if not 1 <= count <= 20:
        raise CommandError("--clusters takes 1 to 20")
    asyncio.run(run_demo_fleet_console(
        count, read_only=bool(getattr(args, "tui_read_only", False)),
        theme=getattr(args, "tui_theme", None)))
    return EXIT_OK
