"""StatusBar: where the data comes from and how old it is, the DC, the CIB version, read-only."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


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
        """Render the parts separated by dots; the read-only badge and a hint go last."""
        pieces: list[tuple[str, str]] = [(" · ".join(parts), "")]
        if read_only:
            pieces.append(("  READ-ONLY", "bold"))
        if hint:
            pieces.append((f"  {hint}", "italic"))
        content = Content.assemble(*pieces)
        if content != self.content:
            self.update(content)
        self.set_class(stale, "-stale")
