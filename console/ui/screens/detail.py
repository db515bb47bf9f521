"""DetailScreen: one finding described in full (Enter on a Failures row), k9s' "describe".

What is wrong, why it matters, what to do, and the exact hacon key or command; every line wraps,
so nothing the operator needs is cut off at 80 columns.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from console.presentation.advice import Detail


def detail_lines(detail: Detail, *, with_keys: bool = True) -> list[tuple[str, str]]:
    """(label, text) in reading order; the key line says so when hacon has no action, or
    when this console offers none (read-only, a file)."""
    keys = detail.step.keys or "none: hacon has no action for this"
    if detail.step.keys and not with_keys:
        keys = f"none in this read-only console; on the live console: {detail.step.keys}"
    return [("What", detail.what), ("Why", detail.why), ("What to do", detail.todo),
            ("Key", keys), ("Command", detail.step.command)]


class DetailScreen(ModalScreen[None]):
    """A modal description of one failure or advisory.

    | Key(s) | Description |
    | :- | :- |
    | escape / enter / q | Close. |
    """

    DEFAULT_CSS = """
    DetailScreen {
        align: center middle;
        & > VerticalScroll {
            width: 90; max-width: 95%; height: auto; max-height: 90%;
            border: round $primary; background: $surface; padding: 0 1;
        }
        & #detail-title { text-style: bold; padding: 0 0 1 0; }
        & .detail-label { color: $foreground-muted; text-style: bold; }
        & .detail-text { padding: 0 0 1 2; }
        & #detail-hint { color: $foreground-muted; text-style: italic; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close_detail", "Close", id="console.close-detail",
                tooltip="Close the description"),
    ]

    def __init__(self, detail: Detail, *, with_keys: bool = True) -> None:
        super().__init__()
        self.detail = detail
        """The finding described."""
        self.with_keys = with_keys
        """Whether this console offers the keys (not read-only, not a file)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Content(self.detail.title), id="detail-title")
            for label, text in detail_lines(self.detail, with_keys=self.with_keys):
                yield Static(Content(label), classes="detail-label")
                yield Static(Content(text), classes="detail-text")
            yield Static(Content("escape closes"), id="detail-hint")

    def action_close_detail(self) -> None:
        """Close the description."""
        self.dismiss()
