"""Pure presentation: a snapshot's rows for every data pane at once, with the Failures &
advisories rows and the event log's lines (the cells themselves are built in `rows`)."""

from __future__ import annotations

from dataclasses import dataclass

from console.model.cluster import ClusterSnapshot
from console.model.live.advisories import Advisory
from console.model.live.events import ClusterEvent, diff_snapshots, failure_summary
from console.model.live.live_advisories import live_advisories
from console.model.live.snapshot import LiveSnapshot
from console.presentation.advice import console_hint, failure_detail, failure_key, next_step
from console.presentation.rows import (
    SEVERITY_TONES,
    Cell,
    Row,
    clock_text,
    constraint_rows,
    resource_rows,
)


# --- problems: failures and advisories ---------------------------------------------------------


def problem_rows(cluster: ClusterSnapshot | None, advisories: tuple[Advisory, ...], *,
                 with_keys: bool = True) -> list[Row]:
    """Failed operations first, then advisories by severity; one "ok" row when there is none.
    Each row ends with its next step: the console's keys, or (`with_keys` False: read-only,
    a file) the command."""
    rows: list[Row] = []
    for failure in cluster.failures if cluster else ():
        step = failure_detail(failure).step
        hint = "c cleans it up" if with_keys else f"run {step.command}"
        rows.append((failure_key(failure), (
            Cell("FAILED", "status-failed", bold=True),
            Cell(f"{failure.resource} {failure_summary(failure)} → {hint}"))))
    for advisory in advisories:
        tone = SEVERITY_TONES[advisory.severity]
        hint = console_hint(next_step(advisory, cluster), with_keys=with_keys)
        rows.append((advisory.key, (Cell(advisory.severity.value, tone, bold=True),
                                    Cell(f"{advisory.text} → {hint}"))))
    if not rows and cluster is not None:
        rows.append(("ok", (Cell("ok", "status-started"),
                            Cell("no failed operation, no advice on the configuration"))))
    return rows


def event_row(event: ClusterEvent, sequence: int) -> Row:
    """One event log line: time and text; alarming events get the critical tone."""
    tone = "severity-critical" if event.alarming else None
    return (f"event:{sequence}", (Cell(clock_text(event.at)), Cell(event.text, tone)))


# --- everything a snapshot puts on screen, computed at once ----------------------------------


@dataclass(frozen=True, slots=True)
class SnapshotView:
    """The rows a snapshot gives every data pane, and the events since the previous one.

    Built by `build_view` away from the UI's event loop (it is pure and the snapshots are
    immutable), then applied to the panes in one go.
    """

    snapshot: LiveSnapshot
    resources: list[Row]
    constraints: list[Row]
    problems: list[Row]
    events: tuple[ClusterEvent, ...]


def build_view(
    previous: LiveSnapshot | None, snapshot: LiveSnapshot, at: float, *, two_node: bool | None,
    with_keys: bool = True,
) -> SnapshotView:
    """Rows for every data pane and the events from `previous` to `snapshot` (stamped `at`)."""
    cluster = snapshot.cluster
    advisories = live_advisories(snapshot, two_node=two_node)
    return SnapshotView(
        snapshot=snapshot,
        resources=resource_rows(cluster) if cluster else [],
        constraints=constraint_rows(cluster, at) if cluster else [],
        problems=problem_rows(cluster, advisories, with_keys=with_keys),
        events=diff_snapshots(previous, snapshot, at),
    )
