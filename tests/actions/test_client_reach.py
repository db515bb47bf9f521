"""After a failover the verification says when clients first reached the new holder."""

from __future__ import annotations

import time
from collections.abc import Sequence

from console.actions.client_reach import clients_reached
from console.transport.base import CommandResult
from tests.support.paths import REPO_ROOT

CIB = (REPO_ROOT / "console" / "data" / "sample-cib.xml").read_bytes()
MAC_B = "02:00:00:00:00:0b"


def _result(node: str, argv: Sequence[str], status: int, out: bytes, err: bytes,
            elapsed: float) -> CommandResult:
    return CommandResult(node, tuple(argv), status, out, err, elapsed)


class Lan:
    """node-a probes; node-b's MAC answers ARP from the third probe on, and SIP with it."""

    def __init__(self, *, arping: bool = True) -> None:
        self.arp_probes = 0
        self.arping = arping

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        if argv[0] == "cibadmin":
            return _result(node, argv, 0, CIB, b"", 0.0)
        if argv[:3] == ("ip", "-o", "link"):
            return _result(node, argv, 0, f"2: eth0: <UP> mtu 1500\\    link/ether {MAC_B}\n".encode(),
                                 b"", 0.0)
        if argv[0] == "sh":
            if not self.arping:
                return _result(node, argv, 127, b"", b"arping missing", 0.0)
            self.arp_probes += 1
            reply = (f"Unicast reply from 192.0.2.10 [{MAC_B.upper()}]  0.5ms\n"
                     if self.arp_probes >= 3 else "Received 0 response(s)\n")
            return _result(node, argv, 0, reply.encode(), b"", 0.0)
        answered = "true" if self.arp_probes >= 3 else "false"
        return _result(node, argv, 0, f'{{"answered": {answered}}}\n'.encode(), b"", 0.0)


async def test_clients_reached_the_new_holder_once_its_mac_and_the_service_answer() -> None:
    lan = Lan()
    said = await clients_reached(lan, "node-a", ["node-a", "node-b"], "node-b", "ClusterIP",
                                 time.monotonic(), 10.0)
    assert said.startswith("clients reached node-b after ") and lan.arp_probes == 3


async def test_a_missing_arping_is_said() -> None:
    said = await clients_reached(Lan(arping=False), "node-a", ["node-a", "node-b"], "node-b",
                                 "ClusterIP", time.monotonic(), 10.0)
    assert said == "clients: not probed (arping missing on node-a)"
