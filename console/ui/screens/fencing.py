"""FencingScreen (`F`): the fence devices and the fencing history merged from every partition.

The screen never reads the cluster itself: it is handed a way to get the snapshot on the main
screen and shows that one again whenever the main screen has a newer one, so it follows the
cluster while open. Rows are updated in place (`KeyedTable`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from console.model.live.snapshot import LiveSnapshot
from console.presentation.fencing import (
    device_rows,
    fencing_summary,
    history_detail,
    history_rows,
)
from console.ui.inert import inert
from console.ui.widgets.keyed_table import KeyedTable

FOLLOW_INTERVAL_S = 1.0
"""How often the screen looks for a newer snapshot (a poll round takes a few seconds)."""


class FenceDeviceTable(KeyedTable):
    """The stonith resources: agent, role, where each runs."""

    COLUMNS = (("device", "Device"), ("agent", "Agent"), ("state", "State"))
    PANE_TITLE = "Fence devices"


class FenceHistoryTable(KeyedTable):
    """The merged fencer history, newest first."""

    COLUMNS = (("time", "Completed"), ("target", "Target"), ("action", "Action"),
               ("result", "Result"), ("by", "Done by"), ("asked", "Asked by"))
    PANE_TITLE = "Fencing history"


class FencingScreen(Screen[None]):
    """Fence devices and the fencing history.

    | Key(s) | Description |
    | :- | :- |
    | escape | Back to the cluster. |
    """

    DEFAULT_CSS = """
    FencingScreen {
        & #fencing-summary { height: auto; padding: 0 1; background: $panel; }
        & FenceDeviceTable { height: auto; max-height: 8; border: round $primary; }
        & FenceHistoryTable { height: 1fr; border: round $primary; }
        & #fence-detail { height: auto; padding: 0 1; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="console.close-fencing",
                tooltip="Back to the cluster"),
    ]

    def __init__(self, snapshot_of: Callable[[], LiveSnapshot | None]) -> None:
        super().__init__()
        self.snapshot_of = snapshot_of
        self.shown: LiveSnapshot | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="fencing-summary", markup=False)
        yield FenceDeviceTable(id="fence-devices")
        yield FenceHistoryTable(id="fence-history")
        yield Static("", id="fence-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.snapshot_of())
        self.set_interval(FOLLOW_INTERVAL_S, self.follow)

    def follow(self) -> None:
        """Show the main screen's snapshot if it changed since the last look."""
        snapshot = self.snapshot_of()
        if snapshot is not self.shown:
            self.show(snapshot)

    def show(self, snapshot: LiveSnapshot | None) -> None:
        self.shown = snapshot
        styles = getattr(self.app, "tone_styles", {})
        self.query_one("#fencing-summary", Static).update(inert(fencing_summary(snapshot)))
        self.query_one(FenceDeviceTable).show_rows(device_rows(snapshot), styles)
        history = history_rows(snapshot)
        table = self.query_one(FenceHistoryTable)
        table.show_rows(history, styles)
        table.border_subtitle = "" if history else "no fencing recorded"
        self._show_detail(table.cursor_key)

    @on(FenceHistoryTable.RowHighlighted)
    def _row_highlighted(self, event: FenceHistoryTable.RowHighlighted) -> None:
        self._show_detail(event.row_key.value)

    def _show_detail(self, key: str | None) -> None:
        self.query_one("#fence-detail", Static).update(inert(history_detail(self.shown, key)))
