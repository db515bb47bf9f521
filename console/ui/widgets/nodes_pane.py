"""NodesPane: one row per node with its state in words, DC, quorum, reachability and data age."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.widgets import DataTable

from console.ui.widgets.keyed_table import KeyedTable


class NodesPane(KeyedTable):
    """The cluster's nodes. Node actions (standby / online, issue 5) bind here.

    | Key(s) | Description |
    | :- | :- |
    | (none yet) | Guarded node actions add `Binding("s", "standby_node", ...)` here and answer
      `check_action` with the pure guard (False in read-only mode, None with a reason). |
    """

    BINDINGS: ClassVar[list[BindingType]] = []
    COLUMNS = (("node", "Node"), ("state", "State"), ("dc", "DC"), ("quorum", "Quorum"),
               ("reach", "Reachable"), ("age", "Data age"), ("running", "Running"))
    PANE_TITLE = "Nodes"

    class NodeSelected(Message):
        """The cursor moved to another node (actions re-check their guards on it)."""

        def __init__(self, node: str | None) -> None:
            super().__init__()
            self.node = node
            """The selected node's name, None when the table is empty."""

    @property
    def selected_node(self) -> str | None:
        """The node under the cursor."""
        return self.cursor_key

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.NodeSelected(self.selected_node))
