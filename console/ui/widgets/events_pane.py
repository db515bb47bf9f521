"""EventsPane: a log of what changed and when, newest at the bottom."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message

from console.model.live.events import ClusterEvent, summarise
from console.presentation.rows import Row
from console.presentation.snapshot_view import event_row
from console.ui.widgets.keyed_table import KeyedTable

EVENT_LIMIT = 500
"""Older events are dropped; the log is for the current session, not an archive."""
TRIM_BATCH = 100
"""Old rows are dropped a hundred at a time: removing a DataTable row re-indexes every row, so
one trim per hundred events is far cheaper than one removal per event."""
EVENTS_PER_ROUND = 12
"""More events than this from one snapshot are folded (`console.model.live.events.summarise`)."""


class EventsPane(KeyedTable):
    """The event log; the cursor follows new events while it sits on the last one.

    | Key(s) | Description |
    | :- | :- |
    | h | The transition behind the selected event (History screen). |
    """

    COLUMNS = (("time", "Time"), ("text", "Event"))
    PANE_TITLE = "Events"
    WRAP_COLUMNS = ("text",)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "event_history", "Why?", show=False, id="console.event-history",
                tooltip="Open the History at the transition behind the selected event"),
    ]

    @dataclass
    class HistoryRequested(Message):
        """The operator asked why an event happened; `at` is the event's time."""

        at: float

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._event_rows: list[Row] = []
        self._event_times: dict[str, float] = {}
        self._sequence = 0

    def action_event_history(self) -> None:
        """Ask for the History screen at the selected event's time."""
        at = self._event_times.get(self.cursor_key or "")
        if at is not None:
            self.post_message(self.HistoryRequested(at))

    def add_events(self, events: tuple[ClusterEvent, ...]) -> None:
        """Append `events` to the log (shown at the next `show_rows`)."""
        for event in summarise(events, EVENTS_PER_ROUND):
            self._sequence += 1
            row = event_row(event, self._sequence)
            self._event_rows.append(row)
            self._event_times[row[0]] = event.at
        if len(self._event_rows) > EVENT_LIMIT + TRIM_BATCH:
            del self._event_rows[:-EVENT_LIMIT]
            kept = {key for key, _cells in self._event_rows}
            self._event_times = {k: at for k, at in self._event_times.items() if k in kept}

    @property
    def rows_to_show(self) -> list[Row]:
        """Every logged event as a row, oldest first."""
        return self._event_rows

    @property
    def following(self) -> bool:
        """True while the cursor is on the newest event (or the log is empty)."""
        return self.row_count == 0 or self.cursor_row >= self.row_count - 1

    def follow(self) -> None:
        """Keep the newest event in view."""
        self.move_cursor(row=max(0, self.row_count - 1))
