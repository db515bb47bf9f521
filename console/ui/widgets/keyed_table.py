"""KeyedTable: a DataTable whose rows are replaced in place, by key, on every snapshot.

A rebuild of 2,000 rows blocks the loop for half a second (measured with Textual 8); updating
only the changed cells takes a fraction of that. So each pane hands over its full list of rows, and this
widget removes the rows that went, updates the cells that changed, adds the rows that came, and
keeps the cursor on the same row *key* (not the same index). `/` filters rows by text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from console.model.text_safety import printable
from console.presentation.rows import Cell, Row

MIN_WRAP_WIDTH = 8
"""A wrapping column is never narrower than this (a word per line at worst)."""
REBUILD_THRESHOLD = 200
"""Above this many removals or re-insertions a clear-and-add is cheaper than row-by-row work
(`remove_row` re-indexes every row)."""


class KeyedTable(DataTable[Text]):
    """A row-cursor table synchronised from keyed rows of `Cell`s.

    | Key(s) | Description |
    | :- | :- |
    | j / k | Move the cursor down / up. |
    | g / G | Jump to the first / last row. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="console.cursor-down",
                tooltip="Move the cursor down (also: down arrow)"),
        Binding("k", "cursor_up", "Up", show=False, id="console.cursor-up",
                tooltip="Move the cursor up (also: up arrow)"),
        Binding("g", "jump_top", "Top", show=False, id="console.jump-top",
                tooltip="Jump to the first row"),
        Binding("G", "jump_bottom", "Bottom", show=False, id="console.jump-bottom",
                tooltip="Jump to the last row"),
    ]

    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = ()
    """(column key, header label) in display order; subclasses fill it."""
    PANE_TITLE: ClassVar[str] = ""
    """The title on the pane's border."""
    WRAP_COLUMNS: ClassVar[tuple[str, ...]] = ()
    """Columns whose long text wraps onto more lines (their widths share what the other
    columns leave in the pane), so no row is ever cut; empty: every row is one line and the
    table scrolls sideways."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._title = self.PANE_TITLE
        self.border_title = Content(self.PANE_TITLE)
        self._all_rows: list[Row] = []
        self._shown: dict[str, tuple[Cell, ...]] = {}
        """Row key -> cells as currently displayed, in display order."""
        self._styles: dict[str, Style] = {}
        self._narrowed = False
        """Set while syncing when a row went or a cell got shorter (columns may shrink)."""
        self._natural: int | None = None
        self.filter_text = ""
        """Rows whose text does not contain this (case-insensitive) are hidden."""

    def on_mount(self) -> None:
        for key, label in self.COLUMNS:
            self.add_column(label, key=key)

    # --- what the panes call ----------------------------------------------------------

    def show_rows(self, rows: list[Row], styles: dict[str, Style], *, restyle: bool = False) -> None:
        """Make the table show `rows` (filtered), touching only what changed."""
        self._all_rows = rows
        if restyle or styles is not self._styles:
            self._styles = styles
            restyle = True
        self._sync(restyle=restyle)
        self._update_title()

    def set_filter(self, text: str) -> None:
        """Show only the rows containing `text`; an empty text shows every row."""
        self.filter_text = text.strip().lower()
        self._sync(restyle=False)
        self._update_title()

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, or None for an empty table."""
        if not self._shown or self.cursor_row < 0 or self.cursor_row >= len(self._shown):
            return None
        return list(self._shown)[self.cursor_row]

    @property
    def shown_keys(self) -> list[str]:
        """Keys of the rows on screen, in order (after the filter)."""
        return list(self._shown)

    async def _on_idle(self, event: events.Idle) -> None:
        """After DataTable measures new rows' widths (on idle), drop its rendered lines.

        DataTable caches rendered lines by its update counter, not by column widths: a line
        drawn between `add_row` and this measurement would keep its too-narrow columns until
        the next cell update, which in file mode never comes. (Textual 8.2.8.)
        """
        measured = self._require_update_dimensions or bool(self._updated_cells)
        await super()._on_idle(event)
        if measured:
            self._update_count += 1
            self.refresh()

    # --- actions ----------------------------------------------------------------------

    def action_jump_top(self) -> None:
        """Move the cursor to the first row."""
        self.move_cursor(row=0)

    def action_jump_bottom(self) -> None:
        """Move the cursor to the last row."""
        self.move_cursor(row=max(0, self.row_count - 1))

    # --- the diff ---------------------------------------------------------------------

    def _matches(self, cells: tuple[Cell, ...]) -> bool:
        return not self.filter_text or any(self.filter_text in c.text.lower() for c in cells)

    def _sync(self, *, restyle: bool) -> None:
        wanted = {key: cells for key, cells in self._all_rows if self._matches(cells)}
        cursor_key = self.cursor_key
        self._narrowed = False
        self._natural = None
        with self.app.batch_update():
            gone = [key for key in self._shown if key not in wanted]
            if len(gone) > REBUILD_THRESHOLD or (self.WRAP_COLUMNS and self._changed(wanted)):
                self._rebuild(wanted)  # a wrapped row's height is measured only when added
            else:
                for key in gone:
                    self.remove_row(key)
                    del self._shown[key]
                self._narrowed = bool(gone)
                self._update_and_append(wanted, restyle)
            if self._narrowed:
                self._fit_columns()
            self._restore_cursor(cursor_key)

    def _changed(self, wanted: dict[str, tuple[Cell, ...]]) -> bool:
        """Whether any shown row differs from `wanted` or went (appended rows do not count)."""
        return any(wanted.get(key) != cells for key, cells in self._shown.items())

    def _fit_columns(self, rows: dict[str, tuple[Cell, ...]] | None = None) -> None:
        """Shrink columns to their widest remaining cell.

        DataTable only ever widens a column: after a failback removed the long leftover line,
        or a heal shortened "node-a, node-b", the old width would stay for the session and push
        the last columns (Score, Id, Type) out of the pane.
        """
        widths = self._content_widths(self._shown if rows is None else rows)
        for (key, _label), width in zip(self.COLUMNS, widths):
            column = self.columns.get(ColumnKey(key))
            if column is not None and column.auto_width and column.content_width != width:
                column.content_width = width
                self._require_update_dimensions = True
        if self._require_update_dimensions:
            self.refresh()

    def _content_widths(self, rows: dict[str, tuple[Cell, ...]]) -> list[int]:
        """Each column's widest text (its label included), one line per cell."""
        widths = [cell_len(label) for _key, label in self.COLUMNS]
        for cells in rows.values():
            for index, cell in enumerate(cells):
                widths[index] = max(widths[index], *map(cell_len, cell.text.split("\n")))
        return widths

    @property
    def natural_width(self) -> int:
        """The pane width that shows every column of the shown rows unwrapped: cells with
        their padding, the border and the scrollbar. Read from the rows, not from DataTable's
        measurements (those come later, when idle)."""
        if self._natural is None:  # cached: the one-second tick asks, the rows rarely change
            widths = self._content_widths(self._shown)
            self._natural = sum(widths) + 2 * self.cell_padding * len(widths) + 3
        return self._natural

    def on_resize(self, event: events.Resize) -> None:
        """Wrapping columns follow the pane's width: measure them again, re-add the rows."""
        if self.WRAP_COLUMNS and self._set_wrap_widths(self._shown):
            self._rebuild(dict(self._shown))

    def _set_wrap_widths(self, rows: dict[str, tuple[Cell, ...]]) -> bool:
        """Give the wrapping columns what the others leave, in WRAP_COLUMNS order: each gets
        what its longest cell needs (leaving the later ones MIN_WRAP_WIDTH), the last one the
        rest. True when a width changed."""
        wrapping = [(index, key) for index, (key, _label) in enumerate(self.COLUMNS)
                    if key in self.WRAP_COLUMNS]
        fixed = sum(column.get_render_width(self) for key, column in self.columns.items()
                    if key.value not in self.WRAP_COLUMNS)
        room = self.scrollable_content_region.width - fixed - 1  # the vertical scrollbar
        room -= 2 * self.cell_padding * len(wrapping)
        needs = {key: max([cell_len(self.COLUMNS[index][1]),
                           *(cell_len(cells[index].text) for cells in rows.values())])
                 for index, key in wrapping}
        widths: dict[str, int] = {}
        for position, (key, need) in enumerate(needs.items()):
            later = len(needs) - position - 1  # columns still to place get MIN_WRAP_WIDTH
            width = room if later == 0 else min(need, room - later * MIN_WRAP_WIDTH)
            widths[key] = max(MIN_WRAP_WIDTH, width)
            room -= widths[key]
        changed = False
        for key, width in widths.items():
            column = self.columns.get(ColumnKey(key))
            if column is not None and (column.auto_width or column.width != width):
                column.auto_width, column.width, changed = False, width, True
        return changed

    def _update_and_append(self, wanted: dict[str, tuple[Cell, ...]], restyle: bool) -> None:
        current = list(self._shown)
        wanted_keys = list(wanted)
        prefix = 0
        while (prefix < len(current) and prefix < len(wanted_keys)
               and current[prefix] == wanted_keys[prefix]):
            prefix += 1
        if len(current) - prefix > REBUILD_THRESHOLD:
            self._rebuild(wanted)
            return
        for key in current[prefix:]:
            self.remove_row(key)
            del self._shown[key]
        for key in current[:prefix]:
            self._update_row(key, wanted[key], restyle)
        for key in wanted_keys[prefix:]:
            self._add(key, wanted[key])

    def _update_row(self, key: str, cells: tuple[Cell, ...], restyle: bool) -> None:
        old = self._shown[key]
        if old == cells and not restyle:
            return
        for (column_key, _label), new, before in zip(self.COLUMNS, cells, old):
            if new != before or restyle:
                shorter = len(new.text) < len(before.text)
                self._narrowed = self._narrowed or shorter
                self.update_cell(key, column_key, self._text(new),
                                 update_width=len(new.text) > len(before.text))
        self._shown[key] = cells

    def _rebuild(self, wanted: dict[str, tuple[Cell, ...]]) -> None:
        self.clear()
        self._shown = {}
        self._fit_columns(wanted)
        self._set_wrap_widths(wanted)
        for key, cells in wanted.items():
            self._add(key, cells)

    def _add(self, key: str, cells: tuple[Cell, ...]) -> None:
        self.add_row(*self._texts(cells), key=key, height=None if self.WRAP_COLUMNS else 1)
        self._shown[key] = cells

    def _restore_cursor(self, cursor_key: str | None) -> None:
        if cursor_key is None or cursor_key not in self._shown:
            return
        index = list(self._shown).index(cursor_key)
        if index != self.cursor_row:
            self.move_cursor(row=index)

    def _texts(self, cells: tuple[Cell, ...]) -> list[Text]:
        return [self._text(cell) for cell in cells]

    def _text(self, cell: Cell) -> Text:
        """Cells are always Text, never str: a str cell would be parsed as Rich markup, and
        CIB names may contain brackets."""
        style = self._styles.get(cell.tone, Style()) if cell.tone else Style()
        if cell.bold:
            style = style + Style(bold=True)
        return Text(cell.text, style=style, no_wrap=not self.WRAP_COLUMNS, end="")

    def _update_title(self) -> None:
        total = len(self._all_rows)
        shown = len(self._shown)
        count = f"{shown}/{total} matching '{printable(self.filter_text)}'" if self.filter_text else str(total)
        title = f"{self.PANE_TITLE} ({count})"
        if title != self._title:
            # Setting border_title always repaints the whole pane, and a str would be read as
            # markup (the filter text is typed by the operator): set Content, and only on change.
            self._title = title
            self.border_title = Content(title)
