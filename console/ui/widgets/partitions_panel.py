"""PartitionsPanel: every partition side by side, under the banner, while the nodes disagree.

One column per partition (members, DC, quorum; what it runs where; each VIP as its members'
interfaces hold it). Hidden when the nodes see one partition. Columns share the width, so two
sides read side by side at 80 columns as at 160; a narrow screen draws them without the box
(three lines instead of five).
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from console.presentation.rows import Cell
from console.presentation.partitions import PartitionColumn


def column_content(column: PartitionColumn) -> Content:
    """A partition's lines as Textual content; tones become theme variables."""
    def style(cell: Cell) -> str:
        weight = "bold" if cell.bold else ""
        return f"${cell.tone} {weight}".strip() if cell.tone else weight

    lines = [Content.assemble(*[(cell.text, style(cell)) for cell in line]) for line in column]
    return Content("\n").join(lines)


class PartitionsPanel(Horizontal):
    """One bordered column per partition; no height at all with a single partition."""

    SCOPED_CSS = False  # the narrow rule matches the screen's -narrow class, above this widget
    DEFAULT_CSS = """
    PartitionsPanel {
        height: auto;
        display: none;
        &.-shown { display: block; }
        & > Static {
            width: 1fr; height: auto; padding: 0 1;
            border: round $warning; border-title-color: $warning;
        }
    }
    /* A narrow terminal has few lines to spare: a bar on the left instead of a box. */
    .-narrow PartitionsPanel > Static {
        border: none; border-left: thick $warning; padding: 0 0 0 1; margin: 0 1 0 0;
    }
    """

    def show_columns(self, columns: list[PartitionColumn]) -> None:
        """Reuse the column widgets in place; add or remove the difference."""
        self.set_class(bool(columns), "-shown")
        current = list(self.query_children(Static))
        for widget, column in zip(current, columns):
            self._set(widget, column)
        for widget in current[len(columns):]:
            widget.remove()
        fresh = [self._set(Static(), column) for column in columns[len(current):]]
        if fresh:
            self.mount_all(fresh)
        for number, widget in enumerate(self.query_children(Static), start=1):
            title = f"partition {number} of {len(columns)}"
            if widget.border_title != title:
                widget.border_title = title

    @staticmethod
    def _set(widget: Static, column: PartitionColumn) -> Static:
        content = column_content(column)
        if content != widget.content:
            widget.update(content)
        return widget
