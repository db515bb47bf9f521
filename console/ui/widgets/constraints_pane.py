"""ConstraintsPane: location, colocation and order constraints; leftovers of move/ban stand out."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets.data_table import ColumnKey

from console.actions.plans import ActionKind
from console.presentation.rows import Cell, Row
from console.ui.action_requests import ActionRequest, constraint_clear_request
from console.ui.actions_flow import guarded_state, shown_snapshot, start_action
from console.ui.widgets.greyed_keys import GuardedKeys
from console.ui.widgets.keyed_table import KeyedTable


ID_INDENT = "  id "


def two_lines(first: Cell, second: Cell) -> Cell:
    """One cell showing `first` over `second`. Both texts are already inert (every Cell is
    made so when built); the line break joining them is ours, so it is set after that check,
    which would otherwise show it as a literal "\\x0a"."""
    cell = Cell(first.text, first.tone, first.bold)
    object.__setattr__(cell, "text", f"{first.text}\n{ID_INDENT}{second.text}")
    return cell


def stack_ids(rows: list[Row]) -> list[Row]:
    """Rows with each constraint's id under its meaning and the Id column empty."""
    return [(key, (two_lines(what, ident), score, Cell("")))
            for key, (what, score, ident) in rows]


def one_line_width(rows: list[Row]) -> int:
    """The pane width in which every constraint fits on one line with its score and id."""
    widths = [max([len(label), *(len(cells[index].text) for _key, cells in rows)])
              for index, label in enumerate(("Constraint", "Score", "Id"))]
    return sum(widths) + 2 * len(widths) + 3  # cell padding, borders, scrollbar


class ConstraintsPane(GuardedKeys, KeyedTable):
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
    WRAP_COLUMNS = ("what",)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stacked = False
        """True when the pane is too narrow for the Id column: each id goes on a second line
        under its constraint (nothing is cut, no id wraps letter by letter)."""
        self._given: list[Row] = []

    def show_rows(self, rows: list[Row], styles: dict[str, Style], *,
                  restyle: bool = False) -> None:
        """Show the constraints, stacked (id under the meaning) when the pane is narrow."""
        self._given = rows
        super().show_rows(stack_ids(rows) if self.stacked else rows, styles, restyle=restyle)

    def on_resize(self, event: events.Resize) -> None:
        stacked = self.size.width < one_line_width(self._given)
        if stacked != self.stacked:
            self.stacked = stacked
            id_column = self.columns.get(ColumnKey("id"))
            if id_column is not None:
                id_column.label = Text("" if stacked else "Id")
            self.show_rows(self._given, self._styles, restyle=True)

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
