"""FleetPane: one row per cluster, worst first; enter opens the cluster's console."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message

from console.presentation.fleet import FLEET_COLUMNS
from console.ui.widgets.keyed_table import KeyedTable


class FleetPane(KeyedTable):
    """Every watched cluster, updated in place.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the selected cluster's console. |
    """

    COLUMNS = FLEET_COLUMNS
    PANE_TITLE = "Clusters"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_cluster", "Open", id="console.open-cluster",
                tooltip="Open the selected cluster's console (escape comes back here)"),
    ]

    class ClusterChosen(Message):
        """The operator asked to open a cluster."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name
            """The cluster's name in clusters.toml."""

    def action_open_cluster(self) -> None:
        """Ask the screen to open the cluster under the cursor."""
        if self.cursor_key is not None:
            self.post_message(self.ClusterChosen(self.cursor_key))
