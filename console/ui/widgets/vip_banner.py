"""VipBanner: the first thing on screen — where each VIP is, and anything alarming, in red."""

from __future__ import annotations

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from console.presentation.banner import BannerLine
from console.presentation.rows import Cell


def line_content(line: BannerLine) -> Content:
    """A banner line as Textual content; tones become theme variables, text stays literal.

    On an alert line the background already says "alarm", so cells keep only their weight:
    a red word on a red background would vanish.
    """
    def style(cell: Cell) -> str:
        weight = "bold" if cell.bold else ""
        if line.alert or not cell.tone:
            return weight
        return f"${cell.tone} {weight}".strip()

    return Content.assemble(*[(cell.text, style(cell)) for cell in line.text])


class VipBanner(Vertical):
    """One line per alert, then one line per VIP: address, holder(s) and the kernel's truth."""

    DEFAULT_CSS = """
    VipBanner {
        height: auto;
        & > Static { height: auto; padding: 0 1; }  /* a long line wraps: nothing is cut */
        & > .-alert { background: $banner-alert; color: $banner-alert-text; text-style: bold; }
        & > .-vip { background: $surface; }
        & > .-wraps { height: auto; }
    }
    """

    def show_lines(self, lines: list[BannerLine]) -> None:
        """Reuse the existing line widgets, add or remove the difference."""
        current = list(self.query_children(Static))
        for widget, line in zip(current, lines):
            self._set(widget, line)
        for widget in current[len(lines):]:
            widget.remove()
        new_widgets = [self._set(Static(), line) for line in lines[len(current):]]
        if new_widgets:
            self.mount_all(new_widgets)

    @staticmethod
    def _set(widget: Static, line: BannerLine) -> Static:
        content = line_content(line)
        if content != widget.content:  # update() always relayouts; the tick must not
            widget.update(content)
        widget.set_class(line.alert, "-alert")
        widget.set_class(not line.alert, "-vip")
        widget.set_class(line.wraps, "-wraps")
        return widget
