"""Benchmark: the fleet overview on 20 clusters of 2 fake nodes (targets: first full overview
within 3 s, idle < 2% of one core).

    python tests/bench/bench_fleet.py [--clusters 20] [--idle 30] [--runs 3]

Load on a shared machine moves the wall-clock figure: each run also prints the console's own
CPU seconds to the first full overview, which it barely moves.
The clusters are hacon's demo clusters (console.demo: the state machine answering every probe
behind real SSH on loopback, one port and host key per node), served from a CHILD process so
their CPU does not share the console's event loop. Each run builds what `hacon --all` builds
(one SshCluster and one ClusterPoller per cluster at default settings, a FleetWatch, FleetApp
headless at 130x40) and times from the app's start to the overview holding every cluster's
first snapshot: connecting to 40 nodes, one round each, 20 verdicts and the table. The last run
then stays idle for `--idle` seconds (poll rounds every 5 s, push channels open, the overview's
one-second age tick) and reports this process's CPU (getrusage) as % of one core.
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
    from console.commands.fleet_console import FLEET_POLL_INTERVAL
    from console.transport.fleet import FleetWatch
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
    watch = FleetWatch({name: member.source for name, member in members.items()})
    return FleetApp(watch, members, theme="console-dark", remember_theme=False), closers


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def one_run(clusters: dict[str, dict[str, object]],
                  idle: float) -> tuple[float, float, float]:
    """(seconds to the first full overview, CPU seconds it took, idle CPU % of one core; 0 when
    idle is 0). The CPU figure does not depend on the machine's load; the wall time does."""
    app, closers = fleet_app(clusters)
    started, cpu_start = time.monotonic(), cpu_seconds()
    cpu_share = 0.0
    async with app.run_test(size=(130, 40)) as pilot:
        while app.fleet_screen is None or None in app.fleet_screen.snapshots.values():
            await pilot.pause(0.005)
        await pilot.pause()
        first, first_cpu = time.monotonic() - started, cpu_seconds() - cpu_start
        if idle:
            await asyncio.sleep(10)  # warm-up: push channels open, first whole CIBs parsed
            usage, wall = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
            await asyncio.sleep(idle)
            end = resource.getrusage(resource.RUSAGE_SELF)
            cpu = (end.ru_utime - usage.ru_utime) + (end.ru_stime - usage.ru_stime)
            cpu_share = 100 * cpu / (time.monotonic() - wall)
    await app.fleet.close()
    for close in closers:
        await close()
    return first, first_cpu, cpu_share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=30.0)
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
        firsts = []
        for run in range(args.runs):
            idle = args.idle if run == args.runs - 1 else 0.0
            first, first_cpu, cpu = asyncio.run(one_run(clusters, idle))
            firsts.append(first)
            print(f"run {run + 1}: first full overview of {len(clusters)} clusters "
                  f"({2 * len(clusters)} nodes) in {first:.2f} s ({first_cpu:.2f} s of CPU)")
        print(f"first full overview: median {statistics.median(firsts):.2f} s "
              f"(min {min(firsts):.2f}, max {max(firsts):.2f}); target 3 s")
        if args.idle:
            print(f"idle console watching {len(clusters)} clusters: {cpu:.2f}% of one core "
                  f"over {args.idle:.0f} s; target < 2%")
    finally:
        if child.stdin is not None:
            child.stdin.close()
        child.wait(timeout=30)


if __name__ == "__main__":
    main()
