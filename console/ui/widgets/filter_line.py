"""The main screen's "/" line: it filters one list while the operator types."""

from __future__ import annotations

from textual.timer import Timer
from textual.widgets import Input

from console.ui.widgets.keyed_table import KeyedTable

FILTER_DEBOUNCE_S = 0.15
"""Typing fast re-filters once, after the last key, not at every key of a long list."""


class FilterLine(Input):
    """An input bound to one list: typed text filters that list (debounced); the screen
    decides when the line shows and where the focus goes after enter or escape."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.target: KeyedTable | None = None
        """The list being filtered; None while the line is closed."""
        self._debounce: Timer | None = None

    def open_for(self, target: KeyedTable) -> None:
        """Start filtering `target`, from the filter it already has."""
        self.target = target
        self.value = target.filter_text
        self.placeholder = (f"filter {target.PANE_TITLE}: type text, enter keeps it, "
                            "escape clears")

    def close(self) -> KeyedTable | None:
        """Stop filtering (the list keeps its filter); the list that was filtered."""
        target, self.target = self.target, None
        return target

    def apply(self) -> None:
        """Filter the target by the text typed so far."""
        if self.target is not None:
            self.target.set_filter(self.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(FILTER_DEBOUNCE_S, self.apply)
