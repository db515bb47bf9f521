"""TypedConfirmScreen: a fence's confirmation: the plan, and the node's name typed out.

A yes/no key is one slip away from a power cycle: the operator types the word the plan names
(`ActionPlan.typed_confirmation`) and presses Enter. Anything else, or escape, changes nothing.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from console.actions.plans import ActionPlan
from console.ui.inert import inert


class TypedConfirmScreen(ModalScreen[bool]):
    """Dismisses with True only when the plan's word was typed exactly.

    | Key(s) | Description |
    | :- | :- |
    | enter | Go ahead if the typed text is the word asked for. |
    | escape | Change nothing. |
    """

    DEFAULT_CSS = """
    TypedConfirmScreen {
        align: center middle;
        & > Vertical {
            width: 80; max-width: 95%; height: auto; max-height: 90%;
            border: thick $error; background: $surface; padding: 0 2 1 2;
        }
        & #typed-title { text-style: bold; padding: 1 0 0 0; }
        & .typed-consequence { padding: 0 0 0 2; }
        & #typed-ask { color: $error; text-style: bold; padding: 1 0 0 0; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="console.cancel-typed",
                tooltip="Change nothing and close"),
    ]

    def __init__(self, plan: ActionPlan) -> None:
        super().__init__()
        self.plan = plan
        self.word = plan.typed_confirmation or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="typed-dialog"):
            yield Static(inert(f"{self.plan.title}?"), id="typed-title")
            for line in self.plan.consequences:
                yield Static(inert(f"• {line}"), classes="typed-consequence")
            yield Static(inert(f"Type {self.word} and press Enter to go ahead; escape "
                               "changes nothing."), id="typed-ask")
            yield Input(placeholder=self.word, id="typed-input")

    @on(Input.Submitted, "#typed-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() == self.word)

    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(False)

