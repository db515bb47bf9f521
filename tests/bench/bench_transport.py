"""Transport figures on the in-process SSH server (run on demand, not collected by pytest).

    /tmp/venv/bin/python tests/bench/bench_transport.py [--nodes 32] [--runs 200]

Prints medians: connect+auth to one node, one command per session, a 4-command batch, 20
concurrent runs on one connection (session cap 8), and connecting to N nodes at once compared
with connecting to one (the target: 32 fake nodes <= 1.5x one).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from console.transport import argv as argvs
from console.transport.batch import run_batch
from console.transport.local_server import LocalSshServer
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings


class Echo:
    async def handle(self, node: str, argv: list[str], stdin: bytes) -> tuple[int, bytes, bytes]:
        return 0, b'<cib admin_epoch="0" epoch="5" num_updates="12"/>\n', b""


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.2f} ms (n={len(values)})"


async def timed_connect(names: list[str], settings: SshSettings) -> float:
    started = time.perf_counter()
    async with SshCluster(names, settings) as cluster:
        states = await cluster.connect_all()
        elapsed = time.perf_counter() - started
    assert all(state.label == "connected" for state in states.values()), states
    return elapsed


def serve_in_child(names: list[str], directory: Path, ready: Any, stop: Any) -> None:
    """The fake nodes in their own process, so their crypto does not count as hacon's."""

    async def serve() -> None:
        async with LocalSshServer(Echo(), names) as server:
            server.write_client_files(directory)
            ready.set()
            await asyncio.get_running_loop().run_in_executor(None, stop.wait)

    asyncio.run(serve())


async def main(node_count: int, runs: int, separate: bool) -> None:
    names = [f"node-{i:02d}" for i in range(node_count)]
    directory = Path(tempfile.mkdtemp()) / "ssh"
    if separate:
        ready, stop = multiprocessing.Event(), multiprocessing.Event()
        child = multiprocessing.Process(target=serve_in_child, args=(names, directory, ready, stop))
        child.start()
        ready.wait(30)
        try:
            await measure(names, directory / "config", runs)
        finally:
            stop.set()
            child.join(10)
        return
    async with LocalSshServer(Echo(), names) as server:
        server.write_client_files(directory)
        await measure(names, directory / "config", runs)


async def measure(names: list[str], config: Path, runs: int) -> None:
    settings = SshSettings(config_files=(str(config),), use_agent=False)
    one = [await timed_connect(names[:1], settings) for _ in range(15)]
    cpu_started = time.process_time()
    many = [await timed_connect(names, settings) for _ in range(5)]
    cpu_per_connection = (time.process_time() - cpu_started) / (5 * len(names))
    async with SshCluster(names[:1], settings) as cluster:
        await cluster.connect_all()
        single, batch = await per_run_costs(cluster, names[0], runs)
        burst = []
        for _ in range(10):
            started = time.perf_counter()
            await asyncio.gather(*(cluster.run(names[0], ["true"], timeout=5) for _ in range(20)))
            burst.append(time.perf_counter() - started)
    ratio = statistics.median(many) / statistics.median(one)
    print(f"connect+auth, 1 node:              {ms(one)}")
    print(f"connect+auth, {len(names)} nodes at once:     {ms(many)}  ratio {ratio:.1f}x")
    print(f"hacon CPU per connection:          {cpu_per_connection * 1000:7.2f} ms")
    print(f"one command, one session:          {ms(single)}")
    print(f"4-command batch, one session:      {ms(batch)}")
    print(f"20 concurrent runs, 1 connection:  {ms(burst)}")


async def per_run_costs(cluster: SshCluster, node: str, runs: int) -> tuple[list[float], ...]:
    probe = [
        argvs.cib_version(),
        argvs.crm_node_quorum(),
        argvs.ip_addresses(),
        argvs.process_running("opensips"),
    ]
    single, batch = [], []
    for _ in range(runs):
        started = time.perf_counter()
        await cluster.run(node, argvs.cib_version(), timeout=5)
        single.append(time.perf_counter() - started)
        started = time.perf_counter()
        await run_batch(cluster, node, probe, timeout=5)
        batch.append(time.perf_counter() - started)
    return single, batch


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=32)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--server-process", action="store_true", help="serve the fake nodes from a child process"
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.nodes, arguments.runs, arguments.server_process))
