"""ProblemsPane: failed operations, then advisories by severity."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from console.actions.plans import ActionKind
from console.presentation.advice import FIX_KEY, problem_detail
from console.ui.action_requests import ActionRequest, failure_cleanup_request, fix_request
from console.ui.actions_flow import ActionsApp, guarded_state, shown_snapshot, start_action
from console.ui.screens.detail import DetailScreen
from console.ui.widgets.greyed_keys import GuardedKeys
from console.ui.widgets.keyed_table import KeyedTable


class ProblemsPane(GuardedKeys, KeyedTable):
    """Failures and advisories: what an experienced operator would warn about.

    | Key(s) | Description |
    | :- | :- |
    | c | Clean up the selected failure on its node (previewed, confirmed). |
    | A | Fix the selected configuration advisory (`hacon fix CODE`: previewed, confirmed). |
    | enter | Describe the selected row: what, why, what to do, the key or command. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "cleanup_failure", "Cleanup", id="console.cleanup-failure",
                tooltip="Forget the selected failure and its failcount on its node (asks first)"),
        Binding(FIX_KEY, "fix_advisory", "Fix", show=False, id="console.fix-advisory",
                tooltip="Fix the selected configuration advisory (previewed, asks first)"),
    ]
    COLUMNS = (("severity", "Severity"), ("text", "Finding"))
    PANE_TITLE = "Failures & advisories"
    WRAP_COLUMNS = ("text",)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: open its description."""
        event.stop()
        snapshot = shown_snapshot(self)
        detail = problem_detail(snapshot, self.cursor_key or "") if snapshot else None
        if detail is not None:
            offered = isinstance(self.app, ActionsApp) and self.app.actions_enabled
            self.app.push_screen(DetailScreen(detail, with_keys=offered))

    def guarded_request(self, action: str, parameters: tuple[object, ...]) -> ActionRequest | None:
        """Cleanup of the given (resource, node) or of the failure under the cursor; the fix of
        the given advisory code or of the advisory under the cursor."""
        if action == "fix_advisory":
            return fix_request(f"{parameters[0]}:" if parameters else self.cursor_key)
        if action != "cleanup_failure":
            return None
        if parameters:
            node = str(parameters[1]) if len(parameters) > 1 and parameters[1] else None
            return ActionRequest(ActionKind.CLEANUP, resource=str(parameters[0]), node=node)
        return failure_cleanup_request(shown_snapshot(self), self.cursor_key)

    def selected_requests(self) -> tuple[ActionRequest, ...]:
        """Cleanup of the selected failure: the status bar's hint."""
        return (failure_cleanup_request(shown_snapshot(self), self.cursor_key),)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return guarded_state(self, self.guarded_request(action, parameters))

    def action_cleanup_failure(self, resource: str | None = None,
                               node: str | None = None) -> None:
        """Forget the failure's failcount and failed operations on its node."""
        params = (resource, node) if resource else ()
        request = self.guarded_request("cleanup_failure", params)
        if request is not None:
            start_action(self, request)

    def action_fix_advisory(self, code: str | None = None) -> None:
        """Fix the advisory under the cursor (or `code`): the same guard, preview and confirm."""
        request = self.guarded_request("fix_advisory", (code,) if code else ())
        if request is not None:
            start_action(self, request)
