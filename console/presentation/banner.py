"""Pure presentation of the banner and the status bar: where each VIP is, what is alarming,
and where the data comes from. Text cells with semantic tones, as in `console.presentation.rows`.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.model.cluster import ClusterSnapshot
from console.model.live.doubt import doubt_lines
from console.model.live.fencing import event_text
from console.model.live.snapshot import KernelTruth, LiveSnapshot, Verdict
from console.model.upkeep import maintenance_of
from console.presentation.rows import (
    Cell,
    age_text,
    data_age_text,
    date_time_text,
    is_file_snapshot,
)


@dataclass(frozen=True, slots=True)
class BannerLine:
    """One line of the VIP banner; `alert` lines are shown on the alert background."""

    text: tuple[Cell, ...]
    alert: bool
    wraps: bool = False
    """A sentence that must be read whole (the doubt): wrapped, never cut at the edge."""


def vip_lines(live: LiveSnapshot) -> list[BannerLine]:
    """One line per VIP: its address, the holder(s) by Pacemaker, and the kernel's truth."""
    cluster = live.cluster
    if cluster is None:
        return [BannerLine((Cell("no CIB could be read", "status-failed", bold=True),), True)]
    if not cluster.vips:
        return [BannerLine((Cell("no VIP (ocf:heartbeat:IPaddr2) configured"),), False)]
    return [_vip_line(live, vip_id) for vip_id in cluster.vips]


def _vip_line(live: LiveSnapshot, vip_id: str) -> BannerLine:
    assert live.cluster is not None
    vip = live.cluster.vips[vip_id]
    address = f"{vip.ip}/{vip.cidr_netmask}" if vip.ip and vip.cidr_netmask else vip.ip or "?"
    nodes = holders_across_partitions(live, vip_id)
    holders = ", ".join(nodes) if nodes else "NO NODE (stopped)"
    truth = live.vip_truth.get(vip_id)
    cells = [Cell("VIP "), Cell(address, "vip-holder", bold=True), Cell(f" {vip_id} on "),
             Cell(holders, "vip-holder" if len(nodes) == 1 else "status-failed", bold=True)]
    alert = len(nodes) != 1
    maybe = live.vip_may_be_on.get(vip_id, ())
    if maybe:
        cells.append(Cell(f" · MAY ALSO BE ON {', '.join(maybe)} (unreachable)",
                          "status-failed", bold=True))
        alert = True
    if truth is not None:
        cells.append(Cell(" · kernel: "))
        cells.append(_truth_cell(truth.truth, truth.bound_on))
        alert = alert or truth.truth is not KernelTruth.ON_HOLDER
    elif not is_file_snapshot(live):
        cells.append(Cell(" · kernel: not probed", "data-stale"))
    client = _client_cells(live, vip_id)
    cells.extend(client)
    return BannerLine(tuple(cells), alert or any(cell.tone == "status-failed" for cell in client))


def _client_cells(live: LiveSnapshot, vip_id: str) -> list[Cell]:
    """" · LAN: ARP node-b · SIP 3/3": who answers ARP, how many SIP probes were answered."""
    view = live.client_view.get(vip_id)
    if view is None:
        return []
    owners = ", ".join(view.arp_nodes) or "nobody"
    arp = Cell(f"ARP {owners}", "status-failed" if len(view.macs) != 1 else "node-online",
               bold=len(view.macs) != 1)
    answered = sum(answer.answered for answer in view.service.values())
    sip = Cell(f"SIP {answered}/{len(view.service)}",
               "node-online" if answered == len(view.service) else "status-failed",
               bold=answered != len(view.service))
    return [Cell(" · LAN: "), arp, *([Cell(" · "), sip] if view.service else [])]


def holders_across_partitions(live: LiveSnapshot, vip_id: str) -> tuple[str, ...]:
    """Where Pacemaker runs the VIP: every partition's own word when the nodes see several
    partitions (the chosen CIB speaks for its side only), else the chosen CIB's."""
    assert live.cluster is not None
    if len(live.partition_views) < 2:
        return live.cluster.vips[vip_id].holder_nodes
    return tuple(sorted({node for side in live.partition_views
                         for node in side.vip_holders.get(vip_id, ())}))


def _truth_cell(truth: KernelTruth, bound_on: tuple[str, ...]) -> Cell:
    where = ", ".join(bound_on)
    if truth is KernelTruth.ON_HOLDER:
        return Cell(f"bound on {where}", "node-online")
    if truth is KernelTruth.NOWHERE:
        return Cell("BOUND NOWHERE", "status-failed", bold=True)
    if truth is KernelTruth.UNKNOWN:
        return Cell("unknown", "data-stale")
    return Cell(f"{truth.value.upper()}: {where}", "status-failed", bold=True)


def alert_lines(live: LiveSnapshot, now: float, stale_after: float) -> list[BannerLine]:
    """Red lines above the VIPs: split brain, uncertain, partition, unreachable nodes, the doubt
    an unreachable once-holder leaves (in words), stale data; a resolved doubt is not red."""
    alerts: list[str] = []
    if live.split_brain or live.verdict is Verdict.SPLIT_BRAIN:
        alerts.append("SPLIT BRAIN: " + _partitions_text(live))
    elif live.verdict is Verdict.UNCERTAIN:
        alerts.append("UNCERTAIN: a node hacon cannot reach may still hold a VIP")
    elif live.verdict is Verdict.PARTITIONED:
        alerts.append("PARTITION: " + _partitions_text(live))
    for name, reason in sorted(live.unreachable.items()):
        alerts.append(f"{name} UNREACHABLE: {reason}")
    if live.cluster is not None:
        alerts += [line for line in (maintenance_text(live.cluster, now),) if line]
    doubts = doubt_lines(live)
    alerts += [f"DOUBT: {line.text}" for line in doubts if line.open]
    alerts += [f"FENCING FAILED: {event_text(event)}" for event in live.fencing.history
               if event.failed and not event.superseded]
    age = now - live.fetched_at if live.fetched_at is not None else None
    if not is_file_snapshot(live) and (age is None or age > stale_after):
        seen = f"data is {age_text(age)} old" if age is not None else "no data yet"
        alerts.append(f"STALE: {seen}, the cluster may have changed since")
    lines = [BannerLine((Cell(text, bold=True),), True, text.startswith("DOUBT: "))
             for text in alerts]
    return lines + [BannerLine((Cell(f"RESOLVED: {line.text}", "node-online"),), False, True)
                    for line in doubts if not line.open]


def maintenance_text(cluster: ClusterSnapshot, now: float) -> str | None:
    """"MAINTENANCE: the cluster for 12 min · node node-b for 2 h 5 min", or None."""
    parts = []
    for item in maintenance_of(cluster):
        age = item.age_s(now)
        subject = "the cluster" if item.scope == "cluster" else f"{item.scope} {item.subject}"
        parts.append(f"{subject} for {age_text(age)}" if age is not None
                     else f"{subject} (since: unknown, not switched on by hacon)")
    return "MAINTENANCE: " + " · ".join(parts) if parts else None


def _partitions_text(live: LiveSnapshot) -> str:
    if live.partitions:
        return " | ".join("{" + ", ".join(group) + "}" for group in live.partitions)
    return "nodes disagree on membership"


def source_text(live: LiveSnapshot | None, label: str | None, now: float) -> str:
    """Where the data comes from, for the status bar: file, live age, or waiting."""
    if live is None:
        return f"{label or 'connecting'}: waiting for the first answer"
    if is_file_snapshot(live):
        captured = date_time_text(live.fetched_at) if live.fetched_at else "unknown time"
        return f"{label or 'file'}, read-only, captured {captured}"
    age = data_age_text(now - live.fetched_at) if live.fetched_at is not None else "?"
    return f"{label or 'live'} · data age {age}"
