"""The parts of live `hacon status` that only comparing nodes gives: each partition side by
side, the doubt an unreachable once-holder leaves, and fencing (devices, merged history).

Names from the CIB or the nodes pass through `printable`, as everywhere in the status text.
"""

from __future__ import annotations

from console.commands.text import printable
from console.model.live.doubt import clock, doubt_lines
from console.model.live.fencing import FenceEvent, event_text
from console.model.live.snapshot import LiveSnapshot
from console.model.live.partitions import PartitionView


def partition_lines(live: LiveSnapshot) -> list[str]:
    """"Partitions" and one line per side, when the nodes see more than one (else nothing)."""
    if len(live.partition_views) < 2:
        return []
    return ["Partitions (each as its own members see it)",
            *(f"  {_side_text(side)}" for side in live.partition_views)]


def _side_text(side: PartitionView) -> str:
    quorum = "quorate" if side.quorate else "NO QUORUM" if side.quorate is False else "quorum ?"
    parts = ["{" + ", ".join(map(printable, side.members)) + "}",
             f"DC {printable(side.dc) if side.dc else '-'}", quorum]
    running = [f"{printable(rid)} on {', '.join(map(printable, nodes))}"
               for rid, nodes in side.running.items()]
    parts.append("runs " + "; ".join(running) if running else "runs NOTHING")
    for vip_id in sorted(set(side.vip_holders) | set(side.vip_bound)):
        bound = side.vip_bound.get(vip_id, ())
        parts.append(f"{printable(vip_id)} bound on "
                     f"{', '.join(map(printable, bound)) if bound else 'no member'}")
    return "  ".join(parts)


def doubt_text_lines(live: LiveSnapshot) -> list[str]:
    """"DOUBT: node-a unreachable since 12:01:03; it held ..." (or "RESOLVED: ..." once fenced)."""
    return [("DOUBT: " if line.open else "RESOLVED: ") + printable(line.text)
            for line in doubt_lines(live)]


def fencing_lines(live: LiveSnapshot) -> list[str]:
    """"Fencing": enabled, each device with its state, then the merged history, newest last."""
    fencing = live.fencing
    if fencing.enabled is None and not fencing.history:
        return []
    state = "enabled" if fencing.enabled else "OFF (stonith-enabled=false)"
    lines = [f"Fencing {state}"]
    for device in fencing.devices:
        where = f" on {', '.join(map(printable, device.active_on))}" if device.active_on else ""
        lines.append(f"  device {printable(device.id)} ({printable(device.agent)}) "
                     f"{printable(device.role)}{where}")
    if fencing.enabled and not fencing.devices:
        lines.append("  NO fence device configured")
    lines += [f"  {_event_line(event)}" for event in fencing.history]
    if fencing.history_from and not fencing.history:
        lines.append(f"  no fencing in the history of {', '.join(fencing.history_from)}")
    return lines


def _event_line(event: FenceEvent) -> str:
    text = printable(event_text(event))
    return f"FAILED {text}" if event.failed and not event.superseded else text


def client_lines(live: LiveSnapshot) -> list[str]:
    """"Clients": per VIP, the MACs answering ARP (and whose), and who answered SIP."""
    lines = []
    for vip_id, view in sorted(live.client_view.items()):
        macs = view.macs
        owners = ", ".join(map(printable, view.arp_nodes)) or "nobody"
        if len(macs) >= 2:
            lines.append(f"  {printable(vip_id)} ARP: {len(macs)} MACs answer ({owners}): "
                         "SPLIT BRAIN on the LAN")
        elif view.arp:
            lines.append(f"  {printable(vip_id)} ARP: answered by {owners}"
                         + (f" ({macs[0]})" if macs else ""))
        for origin, answer in view.service.items():
            lines.append(f"  {printable(vip_id)} SIP from {printable(origin)}: "
                         + _sip_text(answer.answered, answer.status, answer.server,
                                     answer.rtt_ms, answer.error))
    notes = sorted({note for view in live.client_view.values() for note in view.not_probed})
    lines += [f"  {printable(note)}" for note in notes]
    return ["Clients (ARP and SIP as the LAN sees the VIP)", *lines] if lines else []


def _sip_text(answered: bool, status: str | None, server: str | None, rtt: float | None,
              error: str | None) -> str:
    if not answered:
        return f"NO ANSWER ({printable(error or status or 'timeout')})"
    where = f", {printable(server)}" if server else ""
    took = f", {rtt:.1f} ms" if rtt is not None else ""
    return f"{printable(status or '?')}{where}{took}"


def fenced_by_text(live: LiveSnapshot, node: str) -> str | None:
    """"fenced by node-a at 08:09:34" for the node's newest successful fencing, else None."""
    event = live.fencing.last_fencing_of(node)
    if event is None:
        return None
    by = event.delegate or event.origin or "?"
    return f"fenced by {printable(by)} at {clock(event.completed_at)}"
