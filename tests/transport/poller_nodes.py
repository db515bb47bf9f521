"""Fake nodes for the poller tests: real SSH (in-process server) and the REAL Pacemaker CLI.

Each fake node owns a CIB file; every command the poller sends that is not a kernel or corosync
probe is executed for real (`cibadmin`, the version script through `sh`, `crm_attribute`) with
`CIB_file` pointing at that node's file. Membership, quorum, addresses and the service are what
the test says (there is no corosync or kernel here), so two nodes can be made to disagree.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from tests.support.paths import REPO_ROOT

SAMPLE_CIB = REPO_ROOT / "console" / "data" / "sample-cib.xml"
"""A real 2-node CIB made with Pacemaker's tools: ClusterIP (192.0.2.10) + OSIPS on node-a."""
VIP = "192.0.2.10"
NODE_IDS = {"node-a": "1", "node-b": "2", "node-c": "3"}
PACEMAKER_MISSING = shutil.which("cibadmin") is None or shutil.which("crm_simulate") is None


class PacemakerNodes:
    """The command handler of `LocalSshServer`: fake nodes answering with real CIB files."""

    def __init__(self, directory: Path, nodes: Iterable[str], cib: Path = SAMPLE_CIB) -> None:
        self.nodes = list(nodes)
        self.cib_files = {node: directory / f"{node}-cib.xml" for node in self.nodes}
        for path in self.cib_files.values():
            shutil.copyfile(cib, path)
        self.members = {node: list(self.nodes) for node in self.nodes}
        self.quorate = dict.fromkeys(self.nodes, True)
        self.addresses: dict[str, list[str]] = {node: [] for node in self.nodes}
        self.service = dict.fromkeys(self.nodes, False)
        self.delay = dict.fromkeys(self.nodes, 0.0)
        self.garbage: set[str] = set()
        self.push = True
        self.version_checks: Counter[str] = Counter()
        self.membership_reads: Counter[str] = Counter()
        self.full_fetches: Counter[str] = Counter()
        self.in_round: Counter[str] = Counter()
        """Version checks (the first command of a round) under way, per node."""
        self.max_in_round: Counter[str] = Counter()
        self._feeds: dict[str, asyncio.Queue[bytes]] = {}

    # --- what tests change ----------------------------------------------------------------

    def bind_vip(self, *nodes: str) -> None:
        """Only these nodes' eth0 hold the VIP now."""
        for node in self.nodes:
            self.addresses[node] = [VIP] if node in nodes else []

    async def run_tool(self, node: str, *argv: str) -> tuple[int, bytes, bytes]:
        """Run a real Pacemaker tool against the node's CIB file (behind the poller's back)."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "LC_ALL": "C",
            "CIB_file": str(self.cib_files[node]),
        }
        process = await asyncio.create_subprocess_exec(
            *argv,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await process.communicate()
        except asyncio.CancelledError:  # the client closed the channel: end the tool too
            process.kill()
            await process.wait()
            raise
        return process.returncode or 0, out, err

    def notify(self, node: str, line: bytes = b".Cluster Summary:\n") -> None:
        """Make the node's push channel print a line, as crm_mon does on a CIB change."""
        self._feeds.setdefault(node, asyncio.Queue()).put_nowait(line)

    # --- CommandHandler / StreamingHandler -------------------------------------------------

    async def handle(self, node: str, argv: list[str], stdin: bytes) -> tuple[int, bytes, bytes]:
        if self.delay[node]:
            await asyncio.sleep(self.delay[node])
        tool = argv[0] if argv else ""
        if tool == "sh" and argv[3:4] == ["hacon-version"]:
            return await self._version(node, argv)
        if tool == "corosync-quorumtool":
            self.membership_reads[node] += 1
            return self._quorumtool(node)
        if tool == "ip":
            lines = [
                f"2: eth0    inet {address}/24 scope global secondary eth0\\ valid\n"
                for address in self.addresses[node]
            ]
            return 0, ("1: lo    inet 127.0.0.1/8 scope host lo\n" + "".join(lines)).encode(), b""
        if tool == "pgrep":
            return (0, b"4242\n", b"") if self.service[node] else (1, b"", b"")
        return await self.run_tool(node, *argv)

    def stream(self, node: str, argv: list[str]) -> AsyncIterator[bytes] | None:
        if argv[:1] != ["stdbuf"]:
            return None
        if not self.push:
            return _ends_at_once()
        return self._feed(node)

    async def _feed(self, node: str) -> AsyncIterator[bytes]:
        queue = self._feeds.setdefault(node, asyncio.Queue())
        while True:
            yield await queue.get()

    async def _version(self, node: str, argv: list[str]) -> tuple[int, bytes, bytes]:
        self.in_round[node] += 1
        self.max_in_round[node] = max(self.max_in_round[node], self.in_round[node])
        self.version_checks[node] += 1
        try:
            if node in self.garbage:
                return 0, b"\x00\xffgarbage <not-a-cib\n", b""
            status, out, err = await self.run_tool(node, *argv)
        finally:
            self.in_round[node] -= 1
        if out.count(b"<cib ") >= 2:
            self.full_fetches[node] += 1
        return status, out, err

    def _quorumtool(self, node: str) -> tuple[int, bytes, bytes]:
        rows = "".join(
            f"    {NODE_IDS[m]:>6}          1 {m}{' (local)' if m == node else ''}\n"
            for m in self.members[node]
        )
        quorate = self.quorate[node]
        text = (
            f"Quorum information\n------------------\nQuorate:          "
            f"{'Yes' if quorate else 'No'}\n\nMembership information\n"
            f"----------------------\n    Nodeid      Votes Name\n{rows}"
        )
        return (0 if quorate else 2), text.encode(), b""


async def _ends_at_once() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover - makes this an async generator
