"""Benchmark: the fleet overview on 20 clusters of 2 fake nodes (targets: first full overview
within 3 s, idle < 2% of one core).

    python tests/bench/bench_fleet.py [--clusters 20] [--runs 3] [--idle 20] [--windows 3]

Load on a shared machine moves the wall-clock figure: each run also prints the console's own
CPU seconds to the first full overview, which it barely moves.
The clusters are hacon's demo clusters (console.demo: the state machine answering every probe
behind real SSH on loopback, one port and host key per node), served from a CHILD process so
their CPU does not share the console's event loop. Each run builds what `hacon --all` builds
(one SshCluster and one ClusterPoller per cluster at default settings, the FleetWatch of
`fleet_console.fleet_watch`, FleetApp headless at 130x40) and times from the app's start to
the overview holding every cluster's first snapshot: connecting to 40 nodes, one round each,
20 verdicts and the table.
The last run then stays idle (poll rounds every 10 s, push channels open, the overview's
one-second tick) and measures this process's CPU (getrusage) as % of one core, in `--windows`
pairs of `--idle`-second windows taken side by side, so the machine's load weighs on both
alike: "overview" is `hacon --all` as it is (every cluster watched loosely, keepalive 5 s x 1),
"every cluster closely" is each cluster's connections on the console's 1 s x 3 keepalive (what
the overview did before it watched loosely). Reported: median and range of each.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


async def serve(count: int) -> None:
    """Child process: serve `count` healthy demo clusters until stdin closes."""
    from console.demo.fleet import running_demo_fleet

    async with running_demo_fleet(count, varied=False) as runtimes:
        clusters = {name: {"config": str(runtime.config_dir / "config"),
                           "nodes": list(runtime.cluster.node_names)}
                    for name, runtime in runtimes.items()}
        print(json.dumps(clusters), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


def fleet_app(clusters: dict[str, dict[str, object]]):  # type: ignore[no-untyped-def]
    """What `hacon --all` builds for these clusters (its poll settings)."""
    from console.commands.fleet_console import FLEET_POLL_INTERVAL, fleet_watch
    from console.transport.poller import ClusterPoller, PollSettings
    from console.transport.probes import ServiceProbe
    from console.transport.ssh import SshCluster
    from console.transport.ssh_config import SshSettings
    from console.ui.fleet_app import FleetApp, FleetMember

    members, closers = {}, []
    for name, spec in clusters.items():
        nodes = list(spec["nodes"])  # type: ignore[call-overload]
        ssh = SshCluster(nodes, SshSettings(config_files=(str(spec["config"]),),
                                            use_agent=False))
        poller = ClusterPoller(ssh, nodes, PollSettings(
            interval=FLEET_POLL_INTERVAL, service=ServiceProbe("process", "opensips")))
        members[name] = FleetMember(poller, ssh, name)
        closers += [poller.close, ssh.close]
    watch = fleet_watch(members)
    return FleetApp(watch, members, theme="console-dark", remember_theme=False), closers


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def one_run(clusters: dict[str, dict[str, object]], idle: float,
                  windows: int) -> tuple[float, float, dict[str, list[float]]]:
    """(seconds to the first full overview, CPU seconds it took, idle CPU % of one core per
    window and way of watching; empty when idle is 0). The CPU figures do not depend on the
    machine's load; the wall time does."""
    app, closers = fleet_app(clusters)
    started, cpu_start = time.monotonic(), cpu_seconds()
    shares: dict[str, list[float]] = {}
    async with app.run_test(size=(130, 40)) as pilot:
        while app.fleet_screen is None or None in app.fleet_screen.snapshots.values():
            await pilot.pause(0.005)
        await pilot.pause()
        first, first_cpu = time.monotonic() - started, cpu_seconds() - cpu_start
        if idle:
            await asyncio.sleep(10)  # warm-up: push channels open, first whole CIBs parsed
            shares = await idle_windows(app, idle, windows)
    await app.fleet.close()
    for close in closers:
        await close()
    return first, first_cpu, shares


async def idle_windows(app: Any, idle: float, windows: int) -> dict[str, list[float]]:
    """CPU % of one core over `windows` pairs of idle windows, loosely and closely watched."""
    shares: dict[str, list[float]] = {OVERVIEW: [], CLOSELY: []}
    for _ in range(windows):
        for way in (CLOSELY, OVERVIEW):
            for member in app.members.values():
                member.runner.watch_closely(way == CLOSELY)
            await asyncio.sleep(2)  # the switch's first keepalives settle
            before, wall = cpu_seconds(), time.monotonic()
            await asyncio.sleep(idle)
            shares[way].append(100 * (cpu_seconds() - before) / (time.monotonic() - wall))
    return shares


OVERVIEW = "overview (every cluster loosely)"
CLOSELY = "every cluster closely (1 s x 3)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=20.0,
                        help="seconds per idle window (0: no idle measurement)")
    parser.add_argument("--windows", type=int, default=3,
                        help="idle windows per way of watching, taken in turn")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve))
        return
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(args.clusters)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        clusters = json.loads(child.stdout.readline())
        firsts: list[float] = []
        shares: dict[str, list[float]] = {}
        for run in range(args.runs):
            idle = args.idle if run == args.runs - 1 else 0.0
            first, first_cpu, shares = asyncio.run(one_run(clusters, idle, args.windows))
            firsts.append(first)
            print(f"run {run + 1}: first full overview of {len(clusters)} clusters "
                  f"({2 * len(clusters)} nodes) in {first:.2f} s ({first_cpu:.2f} s of CPU)")
        print(f"first full overview: median {statistics.median(firsts):.2f} s "
              f"(min {min(firsts):.2f}, max {max(firsts):.2f}); target 3 s")
        for way, figures in shares.items():
            print(f"idle, {way}: median {statistics.median(figures):.2f}% of one core "
                  f"(min {min(figures):.2f}, max {max(figures):.2f}; {len(figures)} windows "
                  f"of {args.idle:.0f} s); target < 2%")
    finally:
        if child.stdin is not None:
            child.stdin.close()
        child.wait(timeout=30)


if __name__ == "__main__":
    main()
