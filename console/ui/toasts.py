"""Toasts: short, dismissable with escape, and never over a modal or the status bar.

Textual docks its ToastRack at the bottom of the screen, over the last lines: here those are the
status bar (with the reason line that explains a refusal) and the footer. The rack is lifted
above them, and the app's CSS hides toasts on a modal screen (its buttons must stay visible).
"""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.widget import Widget

TOAST_S = 4.0
"""How long a toast stays: long enough to read a sentence, short enough not to hide a pane."""
TOAST_LONG_S = 8.0
"""For what must not be missed (an audit journal that could not be written)."""
FOOTER_LINES = 1


def keep_toasts_above(status_bar: Widget) -> None:
    """Lift the screen's toasts above `status_bar` (whose height follows its reason line)."""
    try:
        rack = status_bar.screen.query_one("#textual-toastrack")
    except NoMatches:
        return
    rack.styles.margin = (0, 0, status_bar.outer_size.height + FOOTER_LINES, 0)


def hide_toasts(screen: Widget) -> None:
    """Hide the toasts of a screen that a modal now covers (Textual shows them again on the
    screen the notifications are refreshed on, this one when it resumes)."""
    try:
        screen.query_one("#textual-toastrack").display = False
    except NoMatches:
        return
