"""Benchmark: cluster change -> new LiveSnapshot, on the real lab, over N standby flips.

    python tests/bench/bench_live_latency.py [--lab DIR] [--flips 24]

The poller runs at its DEFAULT settings (push channel on, idle interval 5 s) against a 2-node
lab. Each flip sets `standby` of one node on or off with `crm_attribute`, run on that node over
an SSH connection opened beforehand (the operator's own tool, behind hacon's back). The clock
starts just before that command is sent, so the figure includes sending it, crm_attribute's
own start-up and the CIB write: it is an upper bound of change-to-snapshot. It stops at the
first snapshot whose cluster shows the new standby value. Flips are 3 s apart (resources move on
the first ones). Target: p50 <= 0.3 s, p95 <= 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from bench_live_lab import lab_for_bench, ssh_config

from console.model.live.snapshot import LiveSnapshot
from console.transport.poller import ClusterPoller
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def flips(config: str, nodes: list[str], count: int) -> tuple[list[float], list[float]]:
    settings = SshSettings(config_files=(config,), use_agent=False)
    latencies: list[float] = []
    commands: list[float] = []
    async with (SshCluster(nodes, settings) as cluster,
                SshCluster(nodes, settings) as operator,
                ClusterPoller(cluster, nodes) as poller):
        snapshots = poller.snapshots()
        await snapshots.__anext__()
        await operator.connect_all()
        target = nodes[0]
        for index in range(count):
            value = index % 2 == 0
            await asyncio.sleep(3.0)
            started = time.perf_counter()
            result = await operator.run(target, ["crm_attribute", "--node", target, "--name",
                                                 "standby", "--update", "on" if value else "off"],
                                        timeout=10)
            assert result.ok, result.stderr
            commands.append(time.perf_counter() - started)
            while True:
                snapshot: LiveSnapshot = await snapshots.__anext__()
                if snapshot.cluster is not None and \
                        snapshot.cluster.nodes[target].standby is value:
                    break
            latencies.append(time.perf_counter() - started)
            print(f"flip {index + 1:2d} standby={'on ' if value else 'off'} "
                  f"{latencies[-1] * 1000:6.0f} ms (crm_attribute over SSH took "
                  f"{commands[-1] * 1000:4.0f} ms of it)", flush=True)
        await operator.run(target, ["crm_attribute", "--node", target, "--name", "standby",
                                    "--update", "off"], timeout=10)
    return latencies, commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", help="state dir of a running lab (default: $HACON_LAB or new)")
    parser.add_argument("--flips", type=int, default=24)
    args = parser.parse_args()
    with lab_for_bench(args.lab) as lab:
        latencies, commands = asyncio.run(flips(ssh_config(lab), lab.nodes, args.flips))
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(f"\n{len(latencies)} flips: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms  (targets: p50 <= 300 ms, p95 <= 1000 ms)")
    after = [total - command for total, command in zip(latencies, commands)]
    print(f"after crm_attribute returned: p50 {statistics.median(after) * 1000:.0f} ms, "
          f"p95 {percentile(after, 0.95) * 1000:.0f} ms; crm_attribute over SSH itself: "
          f"p50 {statistics.median(commands) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
