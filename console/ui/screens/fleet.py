"""FleetScreen: every cluster of clusters.toml at once, worst first, filterable.

Rows come from the fleet watch's updates (`ClusterUpdated`, posted by the app's worker); the
pure model computes them (console.model.fleet), the table updates them in place. A one-second
tick refreshes the ages only.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from console.model.fleet.check import CheckState
from console.presentation.fleet import fleet_table_rows
from console.model.fleet.rows import ClusterRow, RowCache
from console.model.live.snapshot import LiveSnapshot
from console.ui.widgets.fleet_pane import FleetPane

if TYPE_CHECKING:
    from console.ui.app import ConsoleApp


class ClusterUpdated(Message):
    """A cluster of the fleet has a new snapshot."""

    def __init__(self, name: str, snapshot: LiveSnapshot) -> None:
        super().__init__()
        self.name = name
        self.snapshot = snapshot

    def can_replace(self, message: Message) -> bool:
        """A newer snapshot of the same cluster supersedes one still queued."""
        return isinstance(message, ClusterUpdated) and message.name == self.name


class FleetScreen(Screen[None]):
    """The fleet overview.

    | Key(s) | Description |
    | :- | :- |
    | / | Filter the clusters. |
    | escape | Clear the filter. |
    """

    DEFAULT_CSS = """
    FleetScreen {
        layout: vertical;
        #fleet-summary { height: 1; padding: 0 1; background: $panel; }
        #fleet-pane { height: 1fr; }
        #fleet-filter { height: 1; border: none; padding: 0 1; background: $accent 30%; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter_clusters", "Filter", id="console.filter-clusters",
                tooltip="Show only the clusters whose row contains the text"),
        Binding("escape", "clear_filter", "Clear filter", show=False,
                id="console.clear-cluster-filter", tooltip="Show every cluster again"),
    ]

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__()
        self.snapshots: dict[str, LiveSnapshot | None] = dict.fromkeys(names)
        """Cluster name -> its newest snapshot (None: no answer yet)."""
        self.rows: list[ClusterRow] = []
        self._row_cache = RowCache()
        """The rows on screen, worst first (before the filter)."""
        self._summary_shown = ""
        self.updates_shown = 0
        """How many cluster updates this screen has drawn (tests and benchmarks wait on it)."""

    @property
    def console(self) -> ConsoleApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="fleet-summary", markup=False)
        yield FleetPane(id="fleet-pane")
        yield Input(id="fleet-filter", placeholder="filter clusters: type text, enter keeps "
                    "it, escape clears")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#fleet-filter", Input).display = False
        self.set_interval(1.0, self.show_rows)
        self.query_one(FleetPane).focus()
        self.show_rows()

    @on(ClusterUpdated)
    def _cluster_updated(self, message: ClusterUpdated) -> None:
        first_full = None not in self.snapshots.values()
        self.snapshots[message.name] = message.snapshot
        self.updates_shown += 1
        if self._row_changed(message.name):
            # Most rounds change nothing but the data's age, which the one-second tick shows:
            # only a real change is drawn now.
            self.show_rows()
        if not first_full and None not in self.snapshots.values():
            # Rows arrived one by one and the cursor followed the first; the first full
            # overview starts on the worst cluster.
            self.query_one(FleetPane).move_cursor(row=0)

    def show_rows(self) -> None:
        """Bring every row up to date (a cluster is judged again only when its snapshot
        changed) and let the table change only the cells that differ."""
        self.rows = self._row_cache.rows(self.snapshots, self.console.clock())
        self.query_one(FleetPane).show_rows(
            fleet_table_rows(self.rows, self.console.stale_after), self.console.tone_styles)
        summary = self._summary()
        if summary != self._summary_shown:  # an update repaints even when the text is equal
            self._summary_shown = summary
            self.query_one("#fleet-summary", Static).update(summary)

    def _row_changed(self, name: str) -> bool:
        """Whether the cluster's row now differs from the one drawn in more than its data's
        age. Only this cluster's row can have changed (its place follows from its own state),
        so the other rows are not judged again for each cluster's rounds."""
        drawn = next((row for row in self.rows if row.name == name), None)
        current = self._row_cache.row(name, self.snapshots[name], self.console.clock())
        return drawn is None or _ageless(drawn) != _ageless(current)

    def _summary(self) -> str:
        counts = {state: sum(1 for row in self.rows if row.state is state)
                  for state in CheckState}
        parts = [f"{count} {state.name}" for state, count in
                 sorted(counts.items(), key=lambda item: -item[0]) if count]
        waiting = sum(1 for live in self.snapshots.values() if live is None)
        return (f"{len(self.rows)} clusters · " + " · ".join(parts)
                + (f" · {waiting} still connecting" if waiting else "")
                + " · enter opens a cluster, escape comes back")

    @on(FleetPane.ClusterChosen)
    def _cluster_chosen(self, message: FleetPane.ClusterChosen) -> None:
        opener = getattr(self.app, "open_cluster", None)
        if opener is not None:
            opener(message.name)

    def action_filter_clusters(self) -> None:
        """Open the filter line."""
        line = self.query_one("#fleet-filter", Input)
        line.display = True
        line.value = self.query_one(FleetPane).filter_text
        self.set_focus(line)

    def action_clear_filter(self) -> None:
        """Close the filter line and show every cluster."""
        self.query_one("#fleet-filter", Input).display = False
        pane = self.query_one(FleetPane)
        pane.set_filter("")
        pane.focus()

    @on(Input.Changed, "#fleet-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_one(FleetPane).set_filter(event.value)

    @on(Input.Submitted, "#fleet-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.input.display = False
        self.query_one(FleetPane).focus()


def _ageless(row: ClusterRow) -> ClusterRow:
    return replace(row, data_age=None, fetched_at=None)
