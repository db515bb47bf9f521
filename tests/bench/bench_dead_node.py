"""Benchmark (root, lab): seconds from a node going silent to hacon showing it unreachable.

    python tests/bench/bench_dead_node.py [--runs 3] [--lab DIR]

Target: 5 s. Each run polls a 2-node lab at hacon's default settings (the console's: push
channel on, 5 s idle rounds, SSH keepalive 1 s x 3), waits until the cluster is idle, then
makes node-b silent, and times the first snapshot that shows it unreachable. Two ways to go
silent, as on hardware: power loss (`kill`: every process dies, eth0 dark) and a pulled cable
(`partition --hard`: the bridge port goes down, so the host loses it too). node-b is brought
back (and the lab converged) between runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable

from bench_live_lab import lab_for_bench, ssh_config

from console.transport.poller import ClusterPoller
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings
from tests.lab.harness import Lab


async def one_run(lab: Lab, silence: Callable[[], None]) -> float:
    nodes = lab.nodes
    settings = SshSettings(config_files=(ssh_config(lab),), use_agent=False)
    async with (SshCluster(nodes, settings) as cluster,
                ClusterPoller(cluster, nodes) as poller):
        await poller.next_snapshot()
        await asyncio.sleep(6.0)  # idle: the node's rounds are 5 s apart now
        silent_at = time.monotonic()
        silence()
        async for snapshot in poller.snapshots():
            if not snapshot.views["node-b"].reachable:
                return time.monotonic() - silent_at
    raise RuntimeError("unreachable")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lab", help="an existing lab's state directory")
    args = parser.parse_args()
    with lab_for_bench(args.lab) as lab:
        faults = {"power loss": lambda: lab.kill("node-b"),
                  "cable pull": lambda: lab.partition("node-b", hard=True)}
        for name, fault in faults.items():
            figures = []
            for _ in range(args.runs):
                figures.append(asyncio.run(one_run(lab, fault)))
                lab.restore()
            print(f"{name}: unreachable after median {statistics.median(figures):.2f} s "
                  f"(runs: {', '.join(f'{f:.2f}' for f in figures)}; target 5 s)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
