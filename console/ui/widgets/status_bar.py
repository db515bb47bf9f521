"""StatusBar: where the data comes from and how old it is, the DC, the CIB version, read-only."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from console.model.text_safety import printable


class StatusBar(Static):
    """One line under the panes; greyed (`-stale`) when the data is too old to trust."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        &.-stale { color: $data-stale; text-style: italic; }
    }
    """

    def show(self, parts: list[str], *, read_only: bool, stale: bool, hint: str | None) -> None:
        """Render the parts separated by dots, then the read-only badge. A hint (why the
        selection's action is unavailable, the running action's step) goes first: it is what
        the operator is looking for at that moment, and a long one must not be cut off."""
        pieces: list[tuple[str, str]] = [(f"{printable(hint)}  ·  ", "italic")] if hint else []
        pieces.append((printable(" · ".join(parts)), ""))
        if read_only:
            pieces.append(("  READ-ONLY", "bold"))
        content = Content.assemble(*pieces)
        if content != self.content:
            self.update(content)
        self.set_class(stale, "-stale")
