"""LiveSnapshots built from the real lab's captured CIBs and `ip -o addr` (tests/fixtures/lab).

Each captured node becomes a reachable view saying what its own CIB says (DC, quorum, who is
online) with the addresses its kernel had; the verdict is then hacon's own.
"""

from __future__ import annotations

from pathlib import Path

from console.model import parse_cib
from console.model.live.snapshot import LiveSnapshot, NodeView
from console.model.live.verdict import build_live_snapshot
from console.model.live.node_view import parse_ip_addresses

LAB = Path(__file__).resolve().parents[1] / "fixtures" / "lab"
NOW = 1_800_000_000.0


def lab_live(scenario: str, *, fetched_at: float = NOW - 1.0, now: float = NOW,
             unreachable: tuple[str, ...] = ()) -> LiveSnapshot:
    """The live snapshot of a captured lab state; `unreachable` nodes did not answer."""
    folder = LAB / scenario
    views: dict[str, NodeView] = {}
    cibs = {}
    for cib_file in sorted(folder.glob("*.cib.xml")):
        node = cib_file.name.removesuffix(".cib.xml")
        if node in unreachable:
            views[node] = NodeView(node=node, reachable=False, reason="connection refused")
            continue
        cib = parse_cib(cib_file.read_bytes())
        cibs[node] = cib
        addresses = parse_ip_addresses((folder / f"{node}.ip-addr.txt").read_text())
        views[node] = NodeView(
            node=node, reachable=True, cib_version=cib.version, dc=cib.info.dc,
            quorate=cib.info.have_quorum,
            online=tuple(sorted(name for name, n in cib.nodes.items() if n.online)),
            fetched_at=fetched_at, addresses=addresses, service_running=None)
    return build_live_snapshot(views, cibs, now)
