"""ResourcesPane: groups and clones as a tree, with role, nodes, problems and failcounts."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from console.actions.plans import ActionKind
from console.ui.action_requests import (
    ActionRequest,
    resource_ban_request,
    resource_cleanup_request,
    resource_disable_request,
    resource_refresh_request,
    resource_restart_request,
    resource_maintenance_request,
    resource_move_request,
)
from console.ui.actions_flow import guarded_state, shown_snapshot, start_action
from console.ui.widgets.greyed_keys import GuardedKeys
from console.ui.widgets.keyed_table import KeyedTable


class ResourcesPane(GuardedKeys, KeyedTable):
    """Every configured resource; the VIP and the services colocated with it are marked.

    | Key(s) | Description |
    | :- | :- |
    | c | Clean up the resource's failures on every node (previewed, confirmed). |
    | m | Switch the resource's own maintenance (is-managed) on or off (previewed, confirmed). |
    | M | Move the resource to another node: a cli-prefer constraint (previewed, confirmed). |
    | b | Ban the resource from the node it runs on: a cli-ban (previewed, confirmed). |
    | D | Disable the resource (target-role=Stopped), or enable it again (previewed, confirmed). |
    | p | Refresh: re-probe the resource with crm_resource --refresh (previewed, confirmed). |
    | R | Restart on its node: stop, then start, each verified (previewed, confirmed). |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "cleanup_resource", "Cleanup", id="console.cleanup-resource",
                tooltip="Forget the selected resource's failcount and failures (asks first)"),
        Binding("m", "maintenance_resource", "Maintenance", show=False,
                id="console.maintenance-resource",
                tooltip="Stop (or resume) managing the selected resource: is-managed (asks first)"),
        Binding("M", "move_resource", "Move", show=False, id="console.move-resource",
                tooltip="Move the selected resource to another node (asks first)"),
        Binding("b", "ban_resource", "Ban", show=False, id="console.ban-resource",
                tooltip="Keep the selected resource off the node it runs on (asks first)"),
        Binding("D", "disable_resource", "Disable", show=False, id="console.disable-resource",
                tooltip="Stop the selected resource and keep it stopped, or let a disabled one "
                        "run again (asks first)"),
        Binding("p", "refresh_resource", "Refresh", show=False, id="console.refresh-resource",
                tooltip="Forget the selected resource's history and re-probe it (asks first)"),
        Binding("R", "restart_resource", "Restart", show=False, id="console.restart-resource",
                tooltip="Stop the selected resource and start it again on its node (asks first)"),
    ]
    COLUMNS = (("resource", "Resource"), ("role", "Role"), ("nodes", "Node"),
               ("status", "Status"), ("fails", "Fails"), ("vip", "VIP"), ("type", "Type"))
    PANE_TITLE = "Resources"

    def guarded_request(self, action: str, parameters: tuple[object, ...]) -> ActionRequest | None:
        """The action on the given resource (and node) or the selected one."""
        resource = str(parameters[0]) if parameters else self.cursor_key
        snapshot = shown_snapshot(self)
        if action == "cleanup_resource":
            return resource_cleanup_request(resource)
        if action == "maintenance_resource":
            return resource_maintenance_request(snapshot, resource)
        if action in ("move_resource", "ban_resource") and len(parameters) > 1:
            kind = ActionKind.MOVE if action == "move_resource" else ActionKind.BAN
            return ActionRequest(kind, resource=resource, node=str(parameters[1]))
        if action == "move_resource":
            return resource_move_request(snapshot, resource)
        if action == "ban_resource":
            return resource_ban_request(snapshot, resource)
        if action == "disable_resource":
            return resource_disable_request(snapshot, resource)
        if action == "refresh_resource":
            return resource_refresh_request(resource)
        if action == "restart_resource":
            return resource_restart_request(resource)
        return None

    def selected_requests(self) -> tuple[ActionRequest, ...]:
        """Cleanup of the selected resource: the status bar's hint."""
        return (resource_cleanup_request(self.cursor_key),)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return guarded_state(self, self.guarded_request(action, parameters))

    def action_cleanup_resource(self, resource: str | None = None) -> None:
        """Forget the resource's failures."""
        start_action(self, resource_cleanup_request(resource or self.cursor_key))

    def action_maintenance_resource(self, resource: str | None = None) -> None:
        """Stop or resume managing the resource."""
        self._start("maintenance_resource", resource)

    def action_move_resource(self, resource: str | None = None, node: str | None = None) -> None:
        """Move the resource (to `node`, else to the first other node that could take it)."""
        self._start("move_resource", resource, node)

    def action_ban_resource(self, resource: str | None = None, node: str | None = None) -> None:
        """Keep the resource off `node` (else off the node it runs on)."""
        self._start("ban_resource", resource, node)

    def action_disable_resource(self, resource: str | None = None) -> None:
        """Disable the resource, or enable it when it is disabled."""
        self._start("disable_resource", resource)

    def action_restart_resource(self, resource: str | None = None) -> None:
        """Stop the resource and start it again on its node."""
        self._start("restart_resource", resource)

    def action_refresh_resource(self, resource: str | None = None) -> None:
        """Re-probe the resource."""
        self._start("refresh_resource", resource)

    def _start(self, action: str, *parameters: str | None) -> None:
        given = tuple(value for value in parameters if value is not None)
        request = self.guarded_request(action, given)
        if request is not None:
            start_action(self, request)
