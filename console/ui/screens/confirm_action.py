"""ConfirmActionScreen: "Put node-a in standby?" with the predicted consequences; y / n / escape.

It renders one frozen `ActionPlan` and nothing else: live snapshots keep arriving underneath
(the main screen holds them back while a modal is open), but the plan shown here, and the one
executed on Yes, is the one the scheduler's preview was computed for, pinned to its CIB version.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from console.actions.plans import ActionPlan
from console.ui.inert import inert


class ConfirmActionScreen(ModalScreen[bool]):
    """Ask before a guarded action; dismisses with True (Yes) or False (No).

    The focus starts on No when the plan stops or moves a running service.

    | Key(s) | Description |
    | :- | :- |
    | y | Yes: do it. |
    | n / escape | No: change nothing. |
    """

    DEFAULT_CSS = """
    ConfirmActionScreen {
        align: center middle;
        & > Vertical {
            width: 80; max-width: 95%; height: auto; max-height: 90%;
            border: thick $primary; background: $surface; padding: 0 2;
        }
        &.-stops-service > Vertical { border: thick $error; }
        & #confirm-title { text-style: bold; padding: 1 0 0 0; }
        & .confirm-heading { padding: 1 0 0 0; color: $foreground-muted; }
        & .confirm-consequence { padding: 0 0 0 2; }
        & #confirm-warning { color: $error; text-style: bold; padding: 1 0 0 0; }
        & #confirm-version { color: $foreground-muted; padding: 1 0 0 0; }
        & #confirm-buttons { height: auto; align-horizontal: right; padding: 1 0; }
        & Button { margin: 0 0 0 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Yes", id="console.confirm-action",
                tooltip="Do it: apply the plan shown (the CIB version is checked first)"),
        Binding("n,escape", "cancel", "No", id="console.cancel-action",
                tooltip="Change nothing and close"),
    ]

    def __init__(self, plan: ActionPlan) -> None:
        super().__init__()
        self.plan = plan
        """The plan shown and, on Yes, executed (frozen; never rebuilt while open)."""
        self.set_class(plan.stops_service, "-stops-service")

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="confirm-dialog"):
            yield Static(inert(f"{plan.title}?"), id="confirm-title")
            heading = ("Pacemaker's scheduler predicts:" if plan.prediction is not None
                       else "Expected (the scheduler's preview is not available):")
            yield Static(Content(heading), classes="confirm-heading")
            for line in plan.consequences:
                yield Static(inert(f"• {line}"), classes="confirm-consequence")
            if plan.stops_service:
                yield Static(Content("This stops or moves a running service."),
                             id="confirm-warning")
            yield Static(inert(
                f"Computed from CIB {plan.expected_version} on {plan.run_on}. If the CIB "
                "changes before it is applied, hacon checks and previews again, and refuses "
                "when the prediction differs."), id="confirm-version")
            with Horizontal(id="confirm-buttons"):
                # A loud Yes would draw the eye away from the focused No.
                yield Button("Yes (y)", id="confirm-yes",
                             variant="default" if plan.stops_service else "primary")
                yield Button("No (n)", id="confirm-no")

    def on_mount(self) -> None:
        # The safe answer is one keypress away when the action interrupts a service.
        self.query_one("#confirm-no" if self.plan.stops_service else "#confirm-yes").focus()

    @on(Button.Pressed, "#confirm-yes")
    def _yes_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no_pressed(self) -> None:
        self.dismiss(False)

    def action_confirm(self) -> None:
        """Yes: apply the plan."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """No: change nothing."""
        self.dismiss(False)
