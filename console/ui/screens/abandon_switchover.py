"""AbandonScreen: "Abandon the switchover of node-a?" y / n (focus on No)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from console.actions.runbook import Switchover
from console.ui.inert import inert


class AbandonScreen(ModalScreen[bool]):
    """Ask before forgetting a saved switchover; dismisses with True (yes) or False.

    | Key(s) | Description |
    | :- | :- |
    | y | Yes: forget it (the cluster stays as it is). |
    | n / escape | No: keep it. |
    """

    DEFAULT_CSS = """
    AbandonScreen {
        align: center middle;
        & > Vertical { width: 70; height: auto; border: thick $warning; background: $surface;
                       padding: 1 2; }
        & #abandon-buttons { height: auto; align-horizontal: right; padding: 1 0 0 0; }
        & Button { margin: 0 0 0 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="console.confirm-abandon"),
        Binding("n,escape", "answer(False)", "No", id="console.cancel-abandon"),
    ]

    def __init__(self, state: Switchover | None) -> None:
        super().__init__()
        self.state = state
        """The flow to forget; None: an unreadable saved file, set aside instead."""

    def compose(self) -> ComposeResult:
        what = (f"Abandon the switchover of {self.state.node}?" if self.state
                else "Set the unreadable saved switchover aside?")
        with Vertical():
            yield Static(inert(what))
            yield Static(Content("The cluster stays exactly as it is; hacon forgets the flow."))
            with Horizontal(id="abandon-buttons"):
                yield Button("Yes (y)", id="abandon-yes", variant="warning")
                yield Button("No (n)", id="abandon-no")

    def on_mount(self) -> None:
        self.query_one("#abandon-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "abandon-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
