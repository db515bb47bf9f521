"""Benchmark: `hacon check` on a 2-node lab against `crm_mon -s` over ssh on one node (target:
the check within 1.5 s, costing the nodes no more than one `hacon status`).

    python tests/bench/bench_check.py [--lab DIR] [--runs 7]

Each command runs as monitoring runs it: a new process, a new SSH connection (the lab's
OpenSSH config and known_hosts). Reported per command: the median wall time, its own CPU time
(which the machine's load barely moves, unlike the wall time), and the CPU the
nodes spent on it (every process in each node's PID namespace, reaped children included, so
sshd, the shell and the Pacemaker tools are all counted), as the median over the runs.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time

from bench_live_idle import namespace_cpu_seconds
from bench_live_lab import REPO, lab_for_bench, ssh_config


def commands(config: str, nodes: list[str]) -> dict[str, list[str]]:
    hacon = [sys.executable, "-W", "ignore", "-m", "console"]
    live = ["--nodes", ",".join(nodes), "--ssh-config", config,
            "--service-process", "fake-opensips"]
    return {
        "hacon check (both nodes)": [*hacon, "check", *live],
        "hacon status --json (both nodes)": [*hacon, "status", *live, "--json"],
        "ssh node-a crm_mon -s (one node)": ["ssh", "-F", config, "-o", "BatchMode=yes",
                                             nodes[0], "crm_mon", "-s"],
    }


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(argv: list[str], pids: dict[str, int],
            runs: int) -> tuple[float, float, float, int]:
    """(median seconds, median CPU seconds of the command itself, median node CPU seconds over
    all nodes, last exit status)."""
    walls, own_cpu, node_cpu, status = [], [], [], 0
    for _ in range(runs):
        before = sum(namespace_cpu_seconds(pid) for pid in pids.values())
        started, cpu_before = time.monotonic(), children_cpu()
        result = subprocess.run(argv, capture_output=True, cwd=REPO, check=False, timeout=60)
        walls.append(time.monotonic() - started)
        own_cpu.append(children_cpu() - cpu_before)
        time.sleep(0.3)  # let the nodes' sshd reap the session before counting
        node_cpu.append(sum(namespace_cpu_seconds(pid) for pid in pids.values()) - before)
        status = result.returncode
    return (statistics.median(walls), statistics.median(own_cpu), statistics.median(node_cpu),
            status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", help="a running lab's state dir (default: $HACON_LAB or new)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with lab_for_bench(args.lab) as lab:
        pids = {node: lab.state.nodes[node].init_pid or 0 for node in lab.nodes}
        for name, argv in commands(ssh_config(lab), list(lab.nodes)).items():
            wall, own, cpu, status = measure(argv, pids, args.runs)
            print(f"{name:36s} {wall:5.2f} s wall   own CPU {own:5.2f} s   "
                  f"nodes' CPU {1000 * cpu:5.0f} ms   exit {status}")
        print("target: hacon check <= 1.5 s, nodes' CPU <= hacon status's")


if __name__ == "__main__":
    main()
