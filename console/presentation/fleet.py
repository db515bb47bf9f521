"""The fleet overview's table rows: one keyed row of toned cells per cluster, worst first."""

from __future__ import annotations

from console.model.fleet.check import CheckState
from console.model.fleet.rows import ClusterRow, VipRow, vip_text
from console.presentation.rows import Cell, Row, data_age_text

FLEET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("state", "State"), ("cluster", "Cluster"), ("verdict", "Verdict"), ("vips", "VIP · holder"),
    ("nodes", "Nodes"), ("failures", "Failures"), ("age", "Age"), ("leftovers", "Leftovers"),
)
"""(column key, header) of the overview, in display order."""

STATE_TONES = {CheckState.CRITICAL: "severity-critical", CheckState.WARNING: "severity-warning",
               CheckState.UNKNOWN: "node-offline", CheckState.OK: "status-started"}
VERDICT_TONES = {"split_brain": "severity-critical", "partitioned": "severity-warning",
                 "uncertain": "severity-warning", "unreachable": "node-offline",
                 "consistent": "status-started", "connecting": "data-stale"}
"""A verdict this version does not know is shown untoned, in words."""


def fleet_table_rows(rows: list[ClusterRow], stale_after: float) -> list[Row]:
    """Keyed rows for the overview table, in the order given (worst first)."""
    return [(row.name, _cells(row, stale_after)) for row in rows]


def _cells(row: ClusterRow, stale_after: float) -> tuple[Cell, ...]:
    stale = row.data_age is None or row.data_age > stale_after
    age = _age_text(row.data_age, stale_after)
    return (
        Cell(row.state.name, STATE_TONES[row.state], bold=row.state is not CheckState.OK),
        Cell(row.name, bold=True),
        Cell(row.verdict.replace("_", " "), VERDICT_TONES.get(row.verdict)),
        _vips_cell(row.vips),
        Cell(f"{row.nodes_up}/{row.nodes_total}",
             "node-online" if row.nodes_total and row.nodes_up == row.nodes_total
             else "node-standby"),
        Cell(str(row.failures), "status-failed" if row.failures else None),
        Cell(age, "data-stale" if stale else None),
        Cell(", ".join(row.leftovers) or "–", "constraint-leftover" if row.leftovers else None),
    )


def _age_text(age: float | None, stale_after: float) -> str:
    # Fresh is anything below the stale limit: the overview's idle rounds are 10 s apart, and
    # an age crossing the console's 10 s mark every round would redraw the whole table.
    if age is None:
        return "–"
    return f"< {stale_after:g} s" if age < stale_after else data_age_text(age)


def _vips_cell(vips: tuple[VipRow, ...]) -> Cell:
    if not vips:
        return Cell("–")
    agree = all(vip.truth == "bound on holder" for vip in vips)
    return Cell("; ".join(vip_text(vip) for vip in vips),
                "vip-holder" if agree else "severity-critical", bold=not agree)
