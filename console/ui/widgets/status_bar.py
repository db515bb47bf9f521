"""StatusBar: where the data comes from and how old it is, the DC, the CIB version, read-only.

A reason (why a key is greyed, why an action was refused, the running action's step) gets its
own line above, and wraps: it is never cut, and it never pushes the DC or the CIB version off.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from console.ui.toasts import keep_toasts_above
from console.model.text_safety import printable


class StatusBar(Static):
    """The source line under the panes, with a reason line above it when there is one;
    greyed (`-stale`) when the data is too old to trust."""

    DEFAULT_CSS = """
    StatusBar {
        height: auto;
        max-height: 5;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        &.-stale { color: $data-stale; text-style: italic; }
    }
    """

    def show(self, parts: list[str], *, read_only: bool, stale: bool, hint: str | None,
             asked: bool = False) -> None:
        """Render the reason line (`hint`; bold when the operator asked for it by a key), then
        the parts separated by dots and the read-only badge."""
        pieces: list[tuple[str, str]] = [(printable(hint) + "\n", "bold" if asked else "italic")] \
            if hint else []
        pieces.append((printable(" · ".join(parts)), ""))
        if read_only:
            pieces.append(("  READ-ONLY", "bold"))
        content = Content.assemble(*pieces)
        if content != self.content:
            self.update(content)
        self.set_class(stale, "-stale")

    def on_resize(self) -> None:
        keep_toasts_above(self)
