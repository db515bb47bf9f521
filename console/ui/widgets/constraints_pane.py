"""ConstraintsPane: location, colocation and order constraints; leftovers of move/ban stand out."""

from __future__ import annotations

from console.ui.widgets.keyed_table import KeyedTable


class ConstraintsPane(KeyedTable):
    """Constraints with their scores; `cli-prefer-*` / `cli-ban-*` are named as leftovers."""

    COLUMNS = (("what", "Constraint"), ("score", "Score"), ("id", "Id"))
    PANE_TITLE = "Constraints"
