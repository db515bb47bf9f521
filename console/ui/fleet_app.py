"""FleetApp: the console over every cluster of clusters.toml, opening on the fleet overview.

Every cluster's poller runs for the app's whole life (console.transport.fleet.FleetWatch), so
opening a cluster (enter) shows it at once and going back (escape) keeps its connections. The
opened cluster becomes the app's source, runner and label for as long as its screen is shown,
which is all the console's own screen and guarded actions need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from console.transport.base import CommandRunner
from console.transport.fleet import FleetWatch
from console.ui.app import ConsoleApp
from console.ui.messages import SnapshotReceived
from console.ui.screens.fleet import ClusterUpdated, FleetScreen
from console.ui.screens.history import HistorySource
from console.ui.screens.main import MainScreen
from console.ui.source import ClusterSource


@dataclass(frozen=True, slots=True)
class FleetMember:
    """One cluster of the fleet: what its console needs once opened."""

    source: ClusterSource
    runner: CommandRunner | None
    label: str
    read_only: bool = False
    history: HistorySource | None = None
    """The cluster's transition history (`H` in its console), if it has one."""


class ClusterScreen(MainScreen):
    """A cluster's console opened from the overview; escape (with no filter open) goes back.

    | Key(s) | Description |
    | :- | :- |
    | escape | Clear the filter, or go back to the overview. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_filter", "Overview", id="console.back-to-fleet",
                tooltip="Clear the filter, or go back to every cluster"),
    ]

    def action_clear_filter(self) -> None:
        """Clear an open filter first; otherwise return to the fleet overview."""
        if self.query_one("#filter-input").display or self.filtering:
            super().action_clear_filter()
        elif isinstance(self.app, FleetApp):
            self.app.close_cluster()


class FleetApp(ConsoleApp):
    """The console on a fleet: the overview first, any cluster's console on enter."""

    def __init__(self, fleet: FleetWatch, members: Mapping[str, FleetMember],
                 **options: Any) -> None:
        """
        Args:
            fleet: every cluster's snapshots (its pollers are started by the app).
            members: cluster name -> how its console reaches it.
            options: passed to ConsoleApp (theme, clock, stale_after, ...).
        """
        super().__init__(None, **options)
        self.fleet = fleet
        self.members = dict(members)
        self.opened: str | None = None
        """The cluster whose console is shown, None on the overview."""

    @property
    def fleet_screen(self) -> FleetScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, FleetScreen)), None)

    def open_first_screen(self) -> None:
        self.push_screen(FleetScreen(self.fleet.names))
        self.follow_fleet()

    @work(exclusive=True, group="poll", exit_on_error=False)
    async def follow_fleet(self) -> None:
        """Hand every cluster's snapshots to the overview (and to the opened console)."""
        async for name, snapshot in self.fleet.updates():
            overview = self.fleet_screen
            if overview is not None:
                overview.post_message(ClusterUpdated(name, snapshot))
            screen = self.main_screen
            if name == self.opened and screen is not None:
                screen.post_message(SnapshotReceived(snapshot))

    def open_cluster(self, name: str) -> None:
        """Show `name`'s console; its latest snapshot at once, the next ones as they come."""
        member = self.members[name]
        self.opened = name
        self.fleet.focus(name)
        self.source, self.runner = member.source, member.runner
        self.source_label, self.read_only = member.label, member.read_only
        self.history = member.history
        screen = ClusterScreen()
        self.push_screen(screen)
        latest = self.fleet.latest.get(name)
        if latest is not None:
            screen.post_message(SnapshotReceived(latest))

    def close_cluster(self) -> None:
        """Back to the overview; the cluster stays watched."""
        if isinstance(self.screen, ClusterScreen):
            self.pop_screen()
        self.opened = None
        self.fleet.focus(None)
        self.source = self.runner = self.history = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The overview has no transition history of its own: `H` is a cluster's key."""
        if action == "show_history" and self.history is None:
            return False
        return super().check_action(action, parameters)

    def on_data_table_row_highlighted(self, message: Message) -> None:
        """Only a cluster's console has action keys that follow its cursors; the overview's
        cursor (also a DataTable) has none, and may still move while the app shuts down."""
        if isinstance(self.screen_stack[-1] if self.screen_stack else None, ClusterScreen):
            super().on_data_table_row_highlighted(message)

    def action_refresh_now(self) -> None:
        """Ask the opened cluster (or, on the overview, every cluster) for a round now."""
        self.fleet.refresh_now(self.opened)
        self.notify("refreshing…", timeout=2)
