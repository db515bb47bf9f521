"""ResourcesPane: groups and clones as a tree, with role, nodes, problems and failcounts."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from console.ui.action_requests import ActionRequest, resource_cleanup_request
from console.ui.actions_flow import guarded_state, start_action
from console.ui.widgets.greyed_keys import GuardedKeys
from console.ui.widgets.keyed_table import KeyedTable


class ResourcesPane(GuardedKeys, KeyedTable):
    """Every configured resource; the VIP and the services colocated with it are marked.

    | Key(s) | Description |
    | :- | :- |
    | c | Clean up the resource's failures on every node (previewed, confirmed). |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "cleanup_resource", "Cleanup", id="console.cleanup-resource",
                tooltip="Forget the selected resource's failcount and failures (asks first)"),
    ]
    COLUMNS = (("resource", "Resource"), ("role", "Role"), ("nodes", "Node"),
               ("status", "Status"), ("fails", "Fails"), ("vip", "VIP"), ("type", "Type"))
    PANE_TITLE = "Resources"

    def guarded_request(self, action: str, parameters: tuple[object, ...]) -> ActionRequest | None:
        """Cleanup of the given resource or the selected one."""
        if action != "cleanup_resource":
            return None
        return resource_cleanup_request(str(parameters[0]) if parameters else self.cursor_key)

    def selected_requests(self) -> tuple[ActionRequest, ...]:
        """Cleanup of the selected resource: the status bar's hint."""
        return (resource_cleanup_request(self.cursor_key),)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return guarded_state(self, self.guarded_request(action, parameters))

    def action_cleanup_resource(self, resource: str | None = None) -> None:
        """Forget the resource's failures."""
        start_action(self, resource_cleanup_request(resource or self.cursor_key))
