"""PriorityFooter: Textual's Footer that, when compact (a narrow terminal), leaves out the keys
an operator needs least, so that the ones they need (actions, filter, help, quit, history, the
demo's faults) all fit in 80 columns. The left-out keys stay in `?` and in the palette."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

LEFT_OUT_WHEN_COMPACT = frozenset({"change_theme", "refresh_now"})
"""Actions whose keys a compact footer does not show: the theme (also in the palette) and an
immediate refresh (the console polls by itself)."""


class PriorityFooter(Footer):
    """A footer whose compact form keeps the keys that matter at 80 columns."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if (self.compact and isinstance(widget, FooterKey)
                    and widget.action in LEFT_OUT_WHEN_COMPACT):
                continue
            yield widget

    def watch_compact(self, compact: bool) -> None:
        self.refresh(recompose=True)  # the keys left out depend on it
