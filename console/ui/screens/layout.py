"""The main screen's layout: which panes share the narrow terminal's slot, what its switcher
says, the footer's form, and how wide the side column is.

Widths follow the content and the terminal: the side column (constraints, events) takes what
the widest main-column table leaves, and under NARROW_WIDTH the side panes share one slot whose
border says how to reach the hidden ones and how many findings (and how many critical) wait.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

from console.presentation.rows import Row
from console.ui.widgets.keyed_table import KeyedTable
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.resources_pane import ResourcesPane

NARROW_WIDTH = 110
"""Below this many columns the side panes share one slot (the terminal is too narrow)."""
SIDE_MIN_WIDTH = 36
"""The side column's width when the main column needs the rest (120 columns and less)."""
DETAIL_PANES = ("problems-pane", "constraints-pane", "events-pane")
CRITICAL_WORDS = ("FAILED", "critical")
"""Failures rows with these severities are the ones that must not stay hidden."""


def narrow_hint(problems: list[Row]) -> str:
    """Under the shared slot: how to reach the panes it hides, and how many findings (and how
    many critical) the failures pane holds."""
    findings = [cells for key, cells in problems if key != "ok"]
    critical = sum(1 for cells in findings if cells[0].text in CRITICAL_WORDS)
    counted = f"{len(findings)}, {critical} critical" if critical else str(len(findings))
    return f"3: failures ({counted}) · 4: constraints · 5: events"


def apply_layout(screen: Screen[None], width: int, detail_pane: str, problems: list[Row]) -> None:
    """Wide: every pane. Narrow: problems, constraints and events share the bottom slot
    (`detail_pane` shows), and the footer is compact so that every key fits."""
    narrow = width < NARROW_WIDTH
    screen.set_class(narrow, "-narrow")
    hint = narrow_hint(problems) if narrow else ""
    for pane_id in DETAIL_PANES:
        pane = screen.query_one(f"#{pane_id}", KeyedTable)
        pane.display = not narrow or pane_id == detail_pane
        if pane.border_subtitle != hint:
            pane.border_subtitle = hint
    footer = screen.query_one(Footer)
    footer.compact = narrow  # every key fits at 80 columns; the palette stays on ctrl+p
    footer.show_command_palette = not narrow
    screen.query_one("#side-column").display = not narrow or detail_pane != "problems-pane"
    fit_side_column(screen, width)


def fit_side_column(screen: Screen[None], width: int) -> None:
    """Wide terminal: the side panes take what the widest main-column table leaves, from
    SIDE_MIN_WIDTH up to half the screen; narrow: the narrow layout's CSS decides."""
    side = screen.query_one("#side-column")
    inline = side.styles.inline
    if width < NARROW_WIDTH:
        if inline.has_rule("width"):
            inline.clear_rule("width")
            side.refresh(layout=True)
        return
    needed = max(screen.query_one(ResourcesPane).natural_width,
                 screen.query_one(NodesPane).natural_width)
    wanted = max(SIDE_MIN_WIDTH, min(width // 2, width - needed))
    if inline.width is None or inline.width.value != wanted:
        side.styles.width = wanted
