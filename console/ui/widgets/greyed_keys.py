"""Pressing a greyed key says why it is greyed, in the status bar's reason line.

Textual drops a key whose `check_action` answers None (greyed) without a word; an operator who
presses `o` on a node that is not in standby deserves the guard's reason instead of silence.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from textual import events
from textual.binding import Binding

from console.ui.action_requests import ActionRequest
from console.ui.actions_flow import ActionsApp, shown_snapshot


@runtime_checkable
class ShowsReasons(Protocol):
    """The main screen: shows an asked-for reason until the focus or selection moves."""

    def show_reason(self, text: str) -> None:
        """Show `text` in the status bar's reason line."""
        ...


class GuardedKeys:
    """Mixin for panes with guarded action keys (they define `guarded_request`)."""

    def guarded_request(self, action: str, parameters: tuple[object, ...]) -> ActionRequest | None:
        """The pane's request for `action` (overridden by the pane)."""
        raise NotImplementedError

    def greyed_reason(self, key: str) -> str | None:
        """Why the pane's binding for `key` is greyed now, or None (not greyed, not ours)."""
        app = getattr(self, "app", None)
        if not isinstance(app, ActionsApp) or not app.actions_enabled:
            return None
        for binding in getattr(type(self), "BINDINGS", ()):
            if not isinstance(binding, Binding) or key not in binding.key.split(","):
                continue
            request = self.guarded_request(binding.action.split("(", 1)[0], ())
            if request is None:
                return None
            reason = app.blocked_reason(request, shown_snapshot(self))  # type: ignore[arg-type]
            return f"{key} greyed: {request.verb} unavailable: {reason}" if reason else None
        return None

    def on_key(self, event: events.Key) -> None:
        """A greyed key of this pane: its reason goes to the status bar, the key goes no
        further (Textual would drop it silently)."""
        reason = self.greyed_reason(event.key)
        screen = getattr(self, "screen", None)
        if reason is not None and isinstance(screen, ShowsReasons):
            event.stop()
            event.prevent_default()
            screen.show_reason(reason)
