"""Benchmark: what an idle cluster costs while hacon watches it (lab, default poller settings).

    python tests/bench/bench_live_idle.py [--lab DIR] [--minutes 5] [--baseline 60]

First `--baseline` seconds with nothing watching, then `--minutes` with hacon's poller at its
DEFAULT settings (push channel on, idle rounds every 5 s) running in this process, after a 10 s
warm-up. Per node it reports the CPU of every process in the node's PID namespace (utime + stime
+ reaped children's times, from /proc, so short-lived commands are counted), as % of one core,
for both windows, and the processes the node spawned per minute (its namespace's
`ns_last_pid`). For hacon it reports this process's own CPU (getrusage) over the window.
Targets: each node <= 1% of one core, hacon < 1% CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import time
from pathlib import Path

from bench_live_lab import lab_for_bench, ssh_config

from console.transport.poller import ClusterPoller
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings

TICK = os.sysconf("SC_CLK_TCK")


def namespace_cpu_seconds(init_pid: int) -> float:
    """CPU seconds of every live process in `init_pid`'s PID namespace, with reaped children."""
    target = os.readlink(f"/proc/{init_pid}/ns/pid")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.readlink(entry / "ns" / "pid") != target:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / TICK


def last_pid(init_pid: int) -> int:
    """The namespace's last allocated PID (the read itself spawns one process there)."""
    result = subprocess.run(["nsenter", "-t", str(init_pid), "-p", "-m", "cat",
                             "/proc/sys/kernel/ns_last_pid"], capture_output=True, text=True,
                            check=True)
    return int(result.stdout)


def sample(pids: dict[str, int]) -> dict[str, tuple[float, int]]:
    return {node: (namespace_cpu_seconds(pid), last_pid(pid)) for node, pid in pids.items()}


def report(title: str, start: dict[str, tuple[float, int]], end: dict[str, tuple[float, int]],
           seconds: float) -> None:
    print(f"{title} ({seconds:.0f} s):")
    for node in start:
        cpu = end[node][0] - start[node][0]
        spawned = end[node][1] - start[node][1] - 1  # minus the `cat` of the second read
        print(f"  {node}: {100 * cpu / seconds:.2f}% of one core, "
              f"{60 * spawned / seconds:.0f} processes/min")


async def watch_idle(config: str, nodes: list[str], pids: dict[str, int], minutes: float) -> None:
    settings = SshSettings(config_files=(config,), use_agent=False)
    async with (SshCluster(nodes, settings) as cluster,
                ClusterPoller(cluster, nodes) as poller):
        await poller.next_snapshot()
        await asyncio.sleep(10)  # warm-up: connections, push channels, first whole CIB
        start, usage, wall = sample(pids), resource.getrusage(resource.RUSAGE_SELF), \
            time.monotonic()
        rounds, events = dict(poller.rounds), dict(poller.events)
        await asyncio.sleep(minutes * 60)
        end, used, seconds = sample(pids), resource.getrusage(resource.RUSAGE_SELF), \
            time.monotonic() - wall
        report("with hacon watching", start, end, seconds)
        cpu = (used.ru_utime - usage.ru_utime) + (used.ru_stime - usage.ru_stime)
        print(f"  hacon (this process): {100 * cpu / seconds:.2f}% CPU")
        print(f"  rounds per node: {[poller.rounds[n] - rounds[n] for n in nodes]}, "
              f"push events: {[poller.events[n] - events[n] for n in nodes]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", help="state dir of a running lab (default: $HACON_LAB or new)")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--baseline", type=float, default=60.0, help="seconds, unwatched")
    args = parser.parse_args()
    with lab_for_bench(args.lab) as lab:
        pids = {node: lab.state.nodes[node].init_pid or 0 for node in lab.powered()}
        start, wall = sample(pids), time.monotonic()
        time.sleep(args.baseline)
        report("baseline, nothing watching", start, sample(pids), time.monotonic() - wall)
        asyncio.run(watch_idle(ssh_config(lab), lab.nodes, pids, args.minutes))


if __name__ == "__main__":
    main()
