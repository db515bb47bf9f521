"""HelpScreen (`?`): every key of the console, where it works, and what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from console.ui.keymap import KeyEntry

BUILT_IN_KEYS = (
    ("everywhere", "tab / shift+tab", "Move the focus to the next / previous pane"),
    ("everywhere", "ctrl+p", "Command palette: every action by name, and the theme picker"),
    ("any list", "up / down", "Move the cursor"),
    ("any list", "pageup / pagedown", "Move a page"),
    ("any list", "home / end", "First / last row"),
)
"""Keys Textual provides itself; listed so the help is complete."""


class HelpScreen(ModalScreen[None]):
    """A modal table of every key binding.

    | Key(s) | Description |
    | :- | :- |
    | escape / q / ? | Close the help. |
    """

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > Vertical {
            width: 90%; max-width: 110; height: 90%;
            border: round $primary; background: $surface; padding: 0 1;
        }
        & DataTable { height: 1fr; }
        & #help-title { text-style: bold; padding: 0 0 1 0; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close_help", "Close", id="console.close-help",
                tooltip="Close the help"),
    ]

    def __init__(self, entries: list[KeyEntry]) -> None:
        super().__init__()
        self.entries = entries
        """The bindings to list (taken from the screen underneath when `?` was pressed)."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("hacon keys — escape closes", id="help-title")
            yield DataTable(cursor_type="row", id="help-table")

    def rows(self) -> list[tuple[str, str, str]]:
        """(where, key, what it does) for every key, the built-in ones last."""
        return [*((e.scope, e.key, e.binding.tooltip or e.binding.description)
                  for e in self.entries), *BUILT_IN_KEYS]

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        rows = self.rows()
        table.add_column("Where", width=max(len(row[0]) for row in rows), key="where")
        table.add_column("Key", width=max(len(row[1]) for row in rows), key="key")
        table.add_column("Does", width=40, key="does")
        table.focus()

    def on_resize(self) -> None:
        """The "Does" column takes the rest of the width and wraps: no line is cut."""
        table = self.query_one(DataTable)
        columns = table.ordered_columns
        others = sum(c.get_render_width(table) for c in columns[:-1])
        columns[-1].width = max(20, table.scrollable_content_region.width - others
                                - 2 * table.cell_padding - 1)
        table.clear()
        for where, key, does in self.rows():
            table.add_row(Text(where), Text(key), Text(does), height=None)

    def action_close_help(self) -> None:
        """Close the help."""
        self.dismiss()
