"""ErrorScreen: a failed action, said plainly (title, what it means, the error text)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from console.ui.inert import inert, inert_lines


class ErrorScreen(ModalScreen[None]):
    """A modal error report; any of its keys closes it.

    | Key(s) | Description |
    | :- | :- |
    | escape / enter / q | Close. |
    """

    DEFAULT_CSS = """
    ErrorScreen {
        align: center middle;
        & > Vertical {
            width: 80; max-width: 95%; height: auto; max-height: 90%;
            border: thick $error; background: $surface; padding: 1 2;
        }
        & #error-title { text-style: bold; color: $error; }
        & #error-header { padding: 1 0; }
        & #error-text { color: $foreground-muted; }
        & #error-hint { color: $foreground-muted; padding: 1 0 0 0; text-style: italic; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close_error", "Close", id="console.close-error",
                tooltip="Close this message"),
    ]

    def __init__(self, title: str, header: str, error: str) -> None:
        super().__init__()
        self.error_title = title
        """What failed ("Put node-a in standby failed")."""
        self.header = header
        """What it means for the cluster ("nothing was applied")."""
        self.error = error
        """The error text, as the executor or the node said it."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(inert(self.error_title), id="error-title")
            yield Static(inert(self.header), id="error-header")
            yield Static(inert_lines(self.error), id="error-text")
            yield Static(Content("escape closes"), id="error-hint")

    def action_close_error(self) -> None:
        """Close the message."""
        self.dismiss()
