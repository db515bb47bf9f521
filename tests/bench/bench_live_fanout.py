"""Benchmark: time to the first full LiveSnapshot, 32 fake nodes against 1 (target <= 1.5x).

    python tests/bench/bench_live_fanout.py [--nodes 32] [--runs 7]

The fake nodes are console.transport.local_server (real SSH on loopback, one port and host key
per node), served from a CHILD process so that the server's CPU does not share hacon's event
loop. They answer every probe with canned output recorded from a lab node: the <cib/> root, the
whole CIB (the packaged sample, ~10 KB), `corosync-quorumtool -s`, `ip -o addr show`. Each run
builds a fresh SshCluster + ClusterPoller at default settings and times `next_snapshot()`:
connecting (key exchange, auth, known_hosts) to every node, one round each, the parse and the
verdict. The medians of both sizes and their ratio are printed, then the same for the whole
`hacon status --nodes ... --json` process (Python start-up and imports included), which is what
an operator or a monitoring script pays.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

SAMPLE = (REPO / "console" / "data" / "sample-cib.xml").read_bytes()
ROOT = SAMPLE.split(b">", 1)[0] + b"/>\n"
QUORUM = (b"Quorum information\n------------------\nQuorate:          Yes\n\n"
          b"Membership information\n----------------------\n    Nodeid      Votes Name\n"
          b"         1          1 node-a (local)\n         2          1 node-b\n")
ADDR = (b"1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n"
        b"2: eth0    inet 192.0.2.11/24 scope global eth0\\       valid_lft forever\n")


class CannedNode:
    """Answers hacon's probes like an idle lab node, instantly."""

    async def handle(self, node: str, argv: list[str], stdin: bytes) -> tuple[int, bytes, bytes]:
        if argv[:2] == ["sh", "-c"] and argv[3:4] == ["hacon-version"]:
            known = argv[4:7]
            same = known == ["0", "11", "13"]  # the sample's version
            return 0, ROOT + (b"" if same else SAMPLE), b""
        if argv[:1] == ["corosync-quorumtool"]:
            return 0, QUORUM, b""
        if argv[:1] == ["ip"]:
            return 0, ADDR, b""
        return 127, b"", f"{argv[0]}: not found\n".encode()


async def serve(count: int, directory: Path) -> None:
    """Child process: serve `count` fake nodes until stdin closes."""
    from console.transport.local_server import LocalSshServer

    names = [f"n{index:02d}" for index in range(count)]
    server = LocalSshServer(CannedNode(), names)
    await server.start()
    server.write_client_files(directory)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.stop()


async def first_snapshot(config: Path, names: list[str]) -> tuple[float, float]:
    from console.transport.poller import ClusterPoller, PollSettings
    from console.transport.ssh import SshCluster
    from console.transport.ssh_config import SshSettings

    settings = SshSettings(config_files=(str(config),), use_agent=False)
    started, cpu = time.perf_counter(), time.process_time()
    async with (SshCluster(names, settings) as cluster,
                ClusterPoller(cluster, names, PollSettings(push=False)) as poller):
        snapshot = await poller.next_snapshot()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert snapshot.reached == tuple(sorted(names)), snapshot.unreachable
    return elapsed, cpu


def whole_process(config: Path, names: list[str]) -> tuple[float, float]:
    """`hacon status --nodes ... --json` as an operator runs it: start-up included."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "console", "status", "--nodes",
                             ",".join(names), "--ssh-config", str(config), "--json"],
                            capture_output=True, text=True, cwd=REPO, check=False)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    return elapsed, 0.0


def measure(count: int, runs: int, process: bool = False) -> list[tuple[float, float]]:
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        child = subprocess.Popen([sys.executable, __file__, "--serve", str(count), scratch],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
            names = [f"n{index:02d}" for index in range(count)]
            if process:
                return [whole_process(directory / "config", names) for _ in range(runs)]
            return [asyncio.run(first_snapshot(directory / "config", names))
                    for _ in range(runs)]
        finally:
            assert child.stdin is not None
            child.stdin.close()
            child.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=32)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--serve", nargs=2, metavar=("COUNT", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(int(args.serve[0]), Path(args.serve[1])))
        return
    medians = {}
    for count in (1, args.nodes):
        runs = measure(count, args.runs)
        wall = statistics.median(t for t, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[count] = wall
        print(f"{count:2d} node(s): median {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms of "
              f"hacon CPU ({cpu / count * 1000:.1f} ms per node); runs: "
              f"{', '.join(f'{t * 1000:.0f}' for t, _ in runs)}")
    print(f"ratio {medians[args.nodes] / medians[1]:.2f}x  (target <= 1.5x)")
    whole = {count: statistics.median(t for t, _ in measure(count, args.runs, process=True))
             for count in (1, args.nodes)}
    print(f"whole process `hacon status --nodes ... --json`: 1 node {whole[1] * 1000:.0f} ms, "
          f"{args.nodes} nodes {whole[args.nodes] * 1000:.0f} ms, "
          f"ratio {whole[args.nodes] / whole[1]:.2f}x")


if __name__ == "__main__":
    main()
