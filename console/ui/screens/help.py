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

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Where", "Key", "Does")
        for entry in self.entries:
            table.add_row(Text(entry.scope), Text(entry.key),
                          Text(entry.binding.tooltip or entry.binding.description))
        for scope, key, text in BUILT_IN_KEYS:
            table.add_row(Text(scope), Text(key), Text(text))
        table.focus()

    def action_close_help(self) -> None:
        """Close the help."""
        self.dismiss()
