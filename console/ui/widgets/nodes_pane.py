"""NodesPane: one row per node with its state in words, DC, quorum, reachability and data age."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from console.actions.plans import ActionKind
from console.ui.action_requests import (
    ActionRequest,
    cluster_maintenance_request,
    node_maintenance_request,
    node_primary_request,
    node_request,
)
from console.ui.actions_flow import guarded_state, shown_snapshot, start_action
from console.ui.widgets.greyed_keys import GuardedKeys
from console.ui.widgets.keyed_table import KeyedTable


class NodesPane(GuardedKeys, KeyedTable):
    """The cluster's nodes, and the guarded node actions on the node under the cursor.

    Each key asks the action's guard (`check_action`): hidden in read-only mode, greyed with
    its reason in the status bar when the guard says no.

    | Key(s) | Description |
    | :- | :- |
    | s | Put the node in standby (previewed, confirmed). |
    | o | Bring the node out of standby (previewed, confirmed). |
    | f | Fail the VIP back to its preferred node (previewed, confirmed). |
    | m | Switch the node's maintenance on or off (previewed, confirmed). |
    | M | Switch the whole cluster's maintenance mode on or off (previewed, confirmed). |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "standby_node", "Standby", id="console.standby-node",
                tooltip="Put the selected node in standby: its resources move away (asks first)"),
        Binding("o", "online_node", "Online", id="console.online-node",
                tooltip="Bring the selected node out of standby (asks first)"),
        Binding("f", "failback_vip", "Failback", id="console.failback-vip",
                tooltip="Move the VIP and its service back to the preferred node (asks first)"),
        Binding("m", "maintenance_node", "Maintenance", show=False,
                id="console.maintenance-node",
                tooltip="Switch the selected node's maintenance on or off: its resources stop "
                        "being managed (asks first)"),
        Binding("M", "maintenance_cluster", "Cluster maintenance", show=False,
                id="console.maintenance-cluster",
                tooltip="Switch the cluster's maintenance mode on or off (asks first)"),
    ]
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

    # --- guarded actions ------------------------------------------------------------------

    def guarded_request(self, action: str, parameters: tuple[object, ...]) -> ActionRequest | None:
        """The guarded action `action` names, on the given node or the selected one."""
        node = str(parameters[0]) if parameters else self.selected_node
        if action == "standby_node":
            return node_request(ActionKind.STANDBY, node)
        if action == "online_node":
            return node_request(ActionKind.ONLINE, node)
        if action == "failback_vip":
            return ActionRequest(ActionKind.FAILBACK)
        if action == "maintenance_node":
            return node_maintenance_request(shown_snapshot(self), node)
        if action == "maintenance_cluster":
            return cluster_maintenance_request(shown_snapshot(self))
        return None

    def selected_requests(self) -> tuple[ActionRequest, ...]:
        """Standby (online for a node in standby) of the selected node: the status bar's hint."""
        return (node_primary_request(shown_snapshot(self), self.selected_node),)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return guarded_state(self, self.guarded_request(action, parameters))

    def action_standby_node(self, node: str | None = None) -> None:
        """Put the node in standby."""
        start_action(self, node_request(ActionKind.STANDBY, node or self.selected_node))

    def action_online_node(self, node: str | None = None) -> None:
        """Bring the node out of standby."""
        start_action(self, node_request(ActionKind.ONLINE, node or self.selected_node))

    def action_failback_vip(self) -> None:
        """Move the VIP back to its preferred node."""
        start_action(self, ActionRequest(ActionKind.FAILBACK))

    def action_maintenance_node(self, node: str | None = None) -> None:
        """Switch the node's maintenance on or off."""
        start_action(self, node_maintenance_request(shown_snapshot(self),
                                                    node or self.selected_node))

    def action_maintenance_cluster(self) -> None:
        """Switch the cluster's maintenance mode on or off."""
        start_action(self, cluster_maintenance_request(shown_snapshot(self)))
