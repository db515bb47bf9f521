"""ConstraintsPane: location, colocation and order constraints; leftovers of move/ban stand out."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from console.actions.plans import ActionKind
from console.ui.action_requests import ActionRequest, constraint_clear_request
from console.ui.actions_flow import guarded_state, shown_snapshot, start_action
from console.ui.widgets.keyed_table import KeyedTable


class ConstraintsPane(KeyedTable):
    """Constraints with their scores; `cli-prefer-*` / `cli-ban-*` are named as leftovers.

    | Key(s) | Description |
    | :- | :- |
    | x | Clear the selected leftover cli-prefer / cli-ban (previewed, confirmed). |
    | X | Clear every move/ban constraint whose lifetime has ended (previewed, confirmed). |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "clear_constraint", "Clear", id="console.clear-constraint",
                tooltip="Remove the leftover cli-prefer / cli-ban constraints of the selected "
                        "one's resource (asks first)"),
        Binding("X", "clear_expired", "Clear expired", show=False, id="console.clear-expired",
                tooltip="Remove every move/ban constraint whose lifetime has ended (asks first)"),
    ]
    COLUMNS = (("what", "Constraint"), ("score", "Score"), ("id", "Id"))
    PANE_TITLE = "Constraints"

    def guarded_request(self, action: str, parameters: tuple[object, ...]) -> ActionRequest | None:
        """Clear of the given resource's leftovers, or of the selected leftover's resource."""
        if action == "clear_expired":
            return ActionRequest(ActionKind.CLEAR_EXPIRED)
        if action != "clear_constraint":
            return None
        if parameters:
            return ActionRequest(ActionKind.CLEAR, resource=str(parameters[0]))
        return constraint_clear_request(shown_snapshot(self), self.cursor_key)

    def selected_requests(self) -> tuple[ActionRequest, ...]:
        """Clear of the selected constraint: the status bar's hint."""
        return (constraint_clear_request(shown_snapshot(self), self.cursor_key),)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return guarded_state(self, self.guarded_request(action, parameters))

    def action_clear_expired(self) -> None:
        """Remove the move/ban constraints whose lifetime has ended."""
        start_action(self, ActionRequest(ActionKind.CLEAR_EXPIRED))

    def action_clear_constraint(self, resource: str | None = None) -> None:
        """Remove leftover cli-prefer / cli-ban constraints."""
        request = self.guarded_request("clear_constraint", (resource,) if resource else ())
        if request is not None:
            start_action(self, request)
