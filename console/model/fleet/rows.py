"""One overview row per cluster: what an on-call operator scans first, worst first.

The row's state is `hacon check`'s (console.model.fleet.check), so the overview, `hacon status
--all`, the Prometheus file and the monitoring check never disagree about a cluster.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from console.model.cluster import NodeState, NodeType
from console.model.fleet.check import (
    SEVERITY_RANK,
    CheckState,
    Thresholds,
    cli_leftovers,
    evaluate,
    verdict_word,
)
from console.model.live.snapshot import LiveSnapshot

VERDICT_UNREACHABLE = "unreachable"
"""The row's verdict when no node answered (the live verdict then says "unknown")."""
VERDICT_CONNECTING = "connecting"
"""The row's verdict before the cluster's first snapshot."""


@dataclass(frozen=True, slots=True)
class VipRow:
    """One VIP: where Pacemaker runs it and where the kernel has the address."""

    vip_id: str
    address: str | None
    holders: tuple[str, ...]
    bound_on: tuple[str, ...]
    truth: str
    """The kernel truth's words ("bound on holder", "bound nowhere", ...)."""


@dataclass(frozen=True, slots=True)
class ClusterRow:
    """One cluster of the fleet, as the overview and `status --all` show it."""

    name: str
    verdict: str
    state: CheckState
    summary: str
    """The check's summary: the worst reason, or the healthy one-liner."""
    vips: tuple[VipRow, ...] = ()
    nodes_up: int = 0
    nodes_total: int = 0
    nodes_reached: int = 0
    failures: int = 0
    """Failed operations Pacemaker keeps (crm_mon's "Failed Resource Actions")."""
    resources_failed: int = 0
    failcount_ratio: float = 0.0
    leftovers: tuple[str, ...] = ()
    """Nodes left in standby or maintenance, and move/ban constraints left behind."""
    data_age: float | None = None
    fetched_at: float | None = None

    @property
    def rank(self) -> tuple[int, str]:
        """Sort key: the worst state first, then the name."""
        return (SEVERITY_RANK[self.state], self.name)


def cluster_row(name: str, live: LiveSnapshot | None, now: float,
                thresholds: Thresholds | None = None) -> ClusterRow:
    """The overview row of one cluster (`live` None: no snapshot yet)."""
    if live is None:
        return ClusterRow(name, VERDICT_CONNECTING, CheckState.UNKNOWN, "waiting for the "
                          "first answer")
    result = evaluate(live, thresholds or Thresholds(), now)
    metrics = result.metrics
    cluster = live.cluster
    return ClusterRow(
        name=name,
        verdict=verdict_word(live) if live.reached else VERDICT_UNREACHABLE,
        state=result.state, summary=result.summary,
        vips=tuple(VipRow(vip_id, truth.address, truth.cib_holders, truth.bound_on,
                          truth.truth.value) for vip_id, truth in sorted(live.vip_truth.items())),
        nodes_up=metrics.nodes_online, nodes_total=metrics.nodes_total,
        nodes_reached=len(live.reached),
        failures=len(cluster.failures) if cluster is not None else 0,
        resources_failed=metrics.resources_failed, failcount_ratio=metrics.failcount_ratio,
        leftovers=_leftovers(live), data_age=metrics.data_age, fetched_at=live.fetched_at,
    )


def _leftovers(live: LiveSnapshot) -> tuple[str, ...]:
    cluster = live.cluster
    if cluster is None:
        return ()
    away = [f"{name} {node.state.value}" for name, node in sorted(cluster.nodes.items())
            if node.type is NodeType.MEMBER
            and node.state in (NodeState.STANDBY, NodeState.MAINTENANCE)]
    return (*away, *cli_leftovers(cluster))


def worst_first(rows: Iterable[ClusterRow]) -> list[ClusterRow]:
    """Rows sorted CRITICAL, UNKNOWN, WARNING, OK, then by name."""
    return sorted(rows, key=lambda row: row.rank)


def fleet_rows(snapshots: Mapping[str, LiveSnapshot | None], now: float,
               thresholds: Thresholds | None = None) -> list[ClusterRow]:
    """Every cluster's row, worst first."""
    return worst_first(cluster_row(name, live, now, thresholds)
                       for name, live in snapshots.items())


class RowCache:
    """Rows recomputed only when a cluster's snapshot changes (or its data ages past the
    check's limit); in between only the age moves. A screen ticking every second over twenty
    clusters then judges a cluster once per snapshot, not twenty times a second."""

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self._rows: dict[str, tuple[LiveSnapshot | None, bool, ClusterRow]] = {}

    def rows(self, snapshots: Mapping[str, LiveSnapshot | None],
             now: float) -> list[ClusterRow]:
        """Every cluster's row at `now`, worst first."""
        return worst_first(self.row(name, live, now) for name, live in snapshots.items())

    def row(self, name: str, live: LiveSnapshot | None, now: float) -> ClusterRow:
        """One cluster's row at `now` (judged again only when `live` is a new snapshot)."""
        fetched = live.fetched_at if live is not None else None
        limit = self.thresholds.age_warning
        old = fetched is not None and limit is not None and now - fetched > limit
        cached = self._rows.get(name)
        if cached is not None and cached[0] is live and cached[1] == old:
            row = cached[2]
            return row if fetched is None else replace(row, data_age=max(0.0, now - fetched))
        row = cluster_row(name, live, now, self.thresholds)
        self._rows[name] = (live, old, row)
        return row


def vip_text(vip: VipRow) -> str:
    """"ClusterIP node-a" when the kernel agrees, else where it has the address:
    "ClusterIP node-b (kernel: node-a,node-b)", "ClusterIP node-a (kernel: nowhere)"."""
    holders = ",".join(vip.holders) or "STOPPED"
    if vip.truth == "bound on holder":
        return f"{vip.vip_id} {holders}"
    kernel = ",".join(vip.bound_on) or ("nowhere" if vip.truth == "bound nowhere" else "?")
    return f"{vip.vip_id} {holders} (kernel: {kernel})"


def row_document(row: ClusterRow) -> dict[str, Any]:
    """The row as JSON (`hacon status --all --json`)."""
    return {
        "name": row.name, "verdict": row.verdict, "state": row.state.name,
        "summary": row.summary,
        "vips": [{"id": vip.vip_id, "address": vip.address, "holders": list(vip.holders),
                  "bound_on": list(vip.bound_on), "kernel_truth": vip.truth}
                 for vip in row.vips],
        "nodes_up": row.nodes_up, "nodes_total": row.nodes_total,
        "nodes_reached": row.nodes_reached, "failures": row.failures,
        "resources_failed": row.resources_failed, "failcount_ratio": row.failcount_ratio,
        "leftovers": list(row.leftovers), "data_age": row.data_age,
        "fetched_at": row.fetched_at,
    }
