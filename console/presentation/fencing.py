"""Pure presentation of fencing for the console: the devices, then the merged history.

The same facts as the status text's "Fencing" section, as table rows: a failed fencing that no
later success replaced is in the failed tone (the node may still run what it ran); a superseded
one is dimmed and says so, because a failure left looking live confuses operators.
"""

from __future__ import annotations

from console.model.live.fencing import FenceDevice, FenceEvent, event_text
from console.model.live.snapshot import LiveSnapshot
from console.presentation.rows import Cell, Row, date_time_text


def fencing_summary(live: LiveSnapshot | None) -> str:
    """One line above the tables: enabled or not, and whose fencer history was read."""
    if live is None:
        return "Fencing: no data yet"
    fencing = live.fencing
    if fencing.enabled is None and not fencing.history:
        return "Fencing: not known (no CIB read yet)"
    state = "enabled" if fencing.enabled else "OFF (stonith-enabled=false)"
    source = (f"history from {', '.join(fencing.history_from)}" if fencing.history_from
              else "no fencer history read (only a live cluster has one)")
    failed = sum(1 for event in fencing.history if event.failed and not event.superseded)
    alarm = f" · {failed} FAILED, not replaced by a later success" if failed else ""
    return f"Fencing {state} · {len(fencing.devices)} device(s) · {source}{alarm}"


def device_rows(live: LiveSnapshot | None) -> list[Row]:
    """One row per stonith resource; a fencing-enabled cluster without one says so."""
    if live is None:
        return []
    rows = [(device.id, _device_cells(device)) for device in live.fencing.devices]
    if live.fencing.enabled and not rows:
        rows.append(("-", (Cell("NO fence device configured", "status-failed", bold=True),
                           Cell(""), Cell("nothing can fence a node"))))
    return rows


def _device_cells(device: FenceDevice) -> tuple[Cell, ...]:
    where = ", ".join(device.active_on)
    if not device.active_on:
        return (Cell(device.id, bold=True), Cell(device.agent),
                Cell(f"{device.role}: fences nothing", "status-failed", bold=True))
    return (Cell(device.id, bold=True), Cell(device.agent),
            Cell(f"{device.role} on {where}", "node-online"))


def history_rows(live: LiveSnapshot | None) -> list[Row]:
    """The merged fencer history, newest first (what happened last is what matters now)."""
    if live is None:
        return []
    return [(_event_key(event), _event_cells(event)) for event in reversed(live.fencing.history)]


def _event_key(event: FenceEvent) -> str:
    # Stable across polls, so the row is updated in place (superseded later) and keeps its cursor.
    return "|".join((event.target, event.action, event.delegate or event.origin or "?",
                     event.completed or "pending", event.status))


def _event_cells(event: FenceEvent) -> tuple[Cell, ...]:
    when = date_time_text(event.completed_at) if event.completed_at is not None else (
        event.completed or "pending")
    by = event.delegate or event.origin or "?"
    asked = event.origin or "?"
    return (Cell(when), Cell(event.target, bold=True), Cell(event.action), _result_cell(event),
            Cell(by), Cell(asked))


def _result_cell(event: FenceEvent) -> Cell:
    # Short, so the row fits 80 columns; the reason is in the detail line under the table.
    if event.superseded:
        return Cell("failed·superseded", "data-stale")
    if event.failed:
        return Cell("FAILED", "status-failed", bold=True)
    if event.status == "success":
        return Cell("success", "node-online")
    return Cell(event.status, "node-standby")


def history_detail(live: LiveSnapshot | None, key: str | None) -> str:
    """The whole story of one history row, the fencer's reason included (never cut)."""
    events = live.fencing.history if live is not None else ()
    event = next((event for event in events if _event_key(event) == key), None)
    if event is None:
        return ""
    if event.superseded:
        return f"{event_text(event)}: it no longer says anything about {event.target}"
    if event.failed:
        return f"{event_text(event)}: {event.target} may still run what it ran"
    return event_text(event)
