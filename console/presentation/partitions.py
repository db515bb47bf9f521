"""Pure presentation of every partition side by side: one column of lines per partition.

Shown only while the nodes see more than one partition. What a side runs is in the vip-holder
tone; a side that runs nothing, or has no quorum, says so in the failed tone, so the side that
serves calls and the side that does not can be told apart at a glance (and in words).
"""

from __future__ import annotations

from console.model.live.snapshot import LiveSnapshot
from console.model.live.partitions import PartitionView
from console.presentation.rows import Cell

PartitionColumn = tuple[tuple[Cell, ...], ...]
"""One partition: its lines, each a tuple of cells."""


def partition_columns(live: LiveSnapshot | None) -> list[PartitionColumn]:
    """One column per partition when there are two or more, else none (nothing to compare)."""
    if live is None or len(live.partition_views) < 2:
        return []
    return [_column(side) for side in live.partition_views]


def _column(side: PartitionView) -> PartitionColumn:
    return (_head(side), _runs(side), *(_vip(side, vip_id) for vip_id in _vip_ids(side)))


def _head(side: PartitionView) -> tuple[Cell, ...]:
    members = Cell("{" + ", ".join(side.members) + "}", bold=True)
    dc = Cell(f" DC {side.dc or '-'} · ")
    if side.quorate is False:
        return (members, dc, Cell("NO QUORUM", "status-failed", bold=True))
    return (members, dc, Cell("quorate" if side.quorate else "quorum ?"))


def _runs(side: PartitionView) -> tuple[Cell, ...]:
    if not side.running:
        return (Cell("runs NOTHING", "status-failed", bold=True),)
    by_nodes: dict[tuple[str, ...], list[str]] = {}
    for resource_id, nodes in side.running.items():
        by_nodes.setdefault(nodes, []).append(resource_id)
    text = "; ".join(f"{', '.join(ids)} on {', '.join(nodes)}" for nodes, ids in by_nodes.items())
    return (Cell("runs "), Cell(text, "vip-holder"))


def _vip_ids(side: PartitionView) -> list[str]:
    return sorted(set(side.vip_holders) | set(side.vip_bound))


def _vip(side: PartitionView, vip_id: str) -> tuple[Cell, ...]:
    bound = side.vip_bound.get(vip_id, ())
    if bound:
        return (Cell(f"{vip_id}: kernel "), Cell(f"bound on {', '.join(bound)}", "node-online"))
    if side.vip_holders.get(vip_id):
        return (Cell(f"{vip_id}: kernel "), Cell("bound on no member", "status-failed", bold=True))
    return (Cell(f"{vip_id}: not here", "data-stale"),)
