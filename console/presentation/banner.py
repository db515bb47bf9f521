"""Pure presentation of the banner and the status bar: where each VIP is, what is alarming,
and where the data comes from. Text cells with semantic tones, as in `console.presentation.rows`.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.model.cluster import ClusterSnapshot
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
    holders = ", ".join(vip.holder_nodes) if vip.holder_nodes else "NO NODE (stopped)"
    truth = live.vip_truth.get(vip_id)
    cells = [Cell("VIP "), Cell(address, "vip-holder", bold=True), Cell(f" {vip_id} on "),
             Cell(holders, "vip-holder" if len(vip.holder_nodes) == 1 else "status-failed",
                  bold=True)]
    alert = len(vip.holder_nodes) != 1
    if truth is not None:
        cells.append(Cell(" · kernel: "))
        cells.append(_truth_cell(truth.truth, truth.bound_on))
        alert = alert or truth.truth is not KernelTruth.ON_HOLDER
    elif not is_file_snapshot(live):
        cells.append(Cell(" · kernel: not probed", "data-stale"))
    return BannerLine(tuple(cells), alert)


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
    """Red lines above the VIPs: split brain, partition, unreachable nodes, stale data."""
    alerts: list[str] = []
    if live.split_brain or live.verdict is Verdict.SPLIT_BRAIN:
        alerts.append("SPLIT BRAIN: " + _partitions_text(live))
    elif live.verdict is Verdict.PARTITIONED:
        alerts.append("PARTITION: " + _partitions_text(live))
    for name, reason in sorted(live.unreachable.items()):
        alerts.append(f"{name} UNREACHABLE: {reason}")
    if live.cluster is not None:
        alerts += [line for line in (maintenance_text(live.cluster, now),) if line]
    age = now - live.fetched_at if live.fetched_at is not None else None
    if not is_file_snapshot(live) and (age is None or age > stale_after):
        seen = f"data is {age_text(age)} old" if age is not None else "no data yet"
        alerts.append(f"STALE: {seen}, the cluster may have changed since")
    return [BannerLine((Cell(text, bold=True),), True) for text in alerts]


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
