"""MainScreen: the VIP banner, the five panes, the filter line, the status bar and the footer.

Snapshots arrive as `SnapshotReceived`; this screen is the only place that turns them into what
the panes show. Every pane is updated in place under one `batch_update()`. A one-second tick only
refreshes the ages (data age, staleness), never the data.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from console.actions.guards import guard_inputs
from console.actions.plans import ActionKind
from console.model.live.snapshot import LiveSnapshot
from console.presentation.banner import BannerLine, alert_lines, source_text, vip_lines
from console.presentation.rows import (
    Cell,
    Row,
    is_file_snapshot,
    node_rows,
)
from console.presentation.snapshot_view import SnapshotView, build_view
from console.presentation.partitions import partition_columns
from console.ui.actions_flow import action_hint
from console.ui.messages import SnapshotReceived, SourceFailed, ViewPrepared
from console.ui.screens.layout import (
    CRITICAL_WORDS,
    DETAIL_PANES,
    NARROW_WIDTH,
    apply_layout,
    fit_side_column,
)
from console.ui.toasts import hide_toasts
from console.ui.widgets.constraints_pane import ConstraintsPane
from console.ui.widgets.events_pane import EventsPane
from console.ui.widgets.filter_line import FilterLine
from console.ui.widgets.footer import PriorityFooter
from console.ui.widgets.keyed_table import KeyedTable
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.partitions_panel import PartitionsPanel
from console.ui.widgets.problems_pane import ProblemsPane
from console.ui.widgets.resources_pane import ResourcesPane
from console.ui.widgets.status_bar import StatusBar
from console.ui.widgets.vip_banner import VipBanner

if TYPE_CHECKING:
    from console.ui.app import ConsoleApp

MIN_VIEW_INTERVAL_S = 0.5
"""Snapshots are drawn at most twice a second: a burst of changes (a failover of 2,000
resources) must not keep the loop so busy that keys wait."""
OWN_FAILBACK_PREFER = "leftover-cli-constraint:cli-prefer-"
"""Row keys of cli-prefer advisories: during a failback, hacon's own temporary constraint."""


class MainScreen(Screen[None]):
    """The console's one working screen.

    | Key(s) | Description |
    | :- | :- |
    | / | Filter the focused list. |
    | escape | Clear the filter. |
    | 1 - 5 | Focus nodes, resources, failures, constraints, events. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter_list", "Filter", id="console.filter-list",
                tooltip="Show only the rows of the focused list that contain some text"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="console.clear-filter",
                tooltip="Show every row of the focused list again; dismiss the messages"),
        Binding("1", "focus_pane('nodes-pane')", "Nodes", show=False, id="console.focus-nodes",
                tooltip="Focus the nodes list"),
        Binding("2", "focus_pane('resources-pane')", "Resources", show=False,
                id="console.focus-resources", tooltip="Focus the resources tree"),
        Binding("3", "focus_pane('problems-pane')", "Failures", show=False,
                id="console.focus-problems", tooltip="Focus failures and advisories"),
        Binding("4", "focus_pane('constraints-pane')", "Constraints", show=False,
                id="console.focus-constraints", tooltip="Focus the constraints list"),
        Binding("5", "focus_pane('events-pane')", "Events", show=False,
                id="console.focus-events", tooltip="Focus the event log"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: LiveSnapshot | None = None
        """The snapshot on screen (immutable; replaced whole)."""
        self.snapshots_shown = 0
        """How many snapshots this screen has drawn (tests and benchmarks wait on it)."""
        self._pending: SnapshotView | None = None
        self._view: SnapshotView | None = None
        self._wanted: LiveSnapshot | None = None
        self._preparing = False
        self._prepare_timer: Timer | None = None
        self._last_prepare = -MIN_VIEW_INTERVAL_S
        """The newest snapshot received (a view prepared for an older one is dropped)."""
        self._source_error: str | None = None
        self._detail_pane = "problems-pane"
        self._reason: tuple[str, tuple[str | None, str | None]] | None = None
        """A reason the operator asked for, and the (pane, row) it is about."""
        self._criticals = 0

    @property
    def console(self) -> ConsoleApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield VipBanner(id="vip-banner")
        yield PartitionsPanel(id="partitions-panel")
        with Horizontal(id="body"):
            with Vertical(id="main-column"):
                yield NodesPane(id="nodes-pane")
                yield ResourcesPane(id="resources-pane")
            with Vertical(id="side-column"):
                yield ConstraintsPane(id="constraints-pane")
                yield EventsPane(id="events-pane")
        yield ProblemsPane(id="problems-pane")
        yield FilterLine(id="filter-input")
        yield StatusBar(id="status-bar")
        yield PriorityFooter()

    def on_mount(self) -> None:
        self.query_one(FilterLine).display = False
        self.set_interval(1.0, self.refresh_ages)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.render_view(True))
        self._apply_layout(self.app.size.width)
        self.query_one(NodesPane).focus()
        self.render_view()

    # --- data in -----------------------------------------------------------------------

    @on(SnapshotReceived)
    def _snapshot_received(self, message: SnapshotReceived) -> None:
        self._wanted = message.snapshot
        if not self._preparing and self._prepare_timer is None:
            self._start_preparing()

    def _start_preparing(self) -> None:
        """One preparation at a time, at most one per MIN_VIEW_INTERVAL_S; snapshots arriving
        meanwhile are merged into the next (its events cover everything since the last)."""
        self._prepare_timer = None
        wait = self._last_prepare + MIN_VIEW_INTERVAL_S - time.monotonic()
        if wait > 0:
            self._prepare_timer = self.set_timer(wait, self._start_preparing)
            return
        assert self._wanted is not None
        self._preparing = True
        self._last_prepare = time.monotonic()
        self.prepare_view(self._wanted, self.snapshot, self.console.clock())

    @work(thread=True, group="view", exit_on_error=False,
          description="prepare the rows of a snapshot")  # no repr() of a 2,000-resource snapshot
    def prepare_view(self, snapshot: LiveSnapshot, previous: LiveSnapshot | None,
                     at: float) -> None:
        """Compute every pane's rows in a thread: 2,000 resources take ~50 ms of pure Python
        that keys must not wait for. Posts `ViewPrepared`; never touches a widget."""
        self.post_message(ViewPrepared(build_view(
            previous, snapshot, at, two_node=snapshot.two_node,
            with_keys=self.console.actions_enabled)))

    @on(ViewPrepared)
    def _view_prepared(self, message: ViewPrepared) -> None:
        self._preparing = False
        if message.view.snapshot is not self._wanted:
            self._start_preparing()  # a newer snapshot came: its events include these changes
            return
        if self.app.screen is not self:
            self._pending = message.view  # a modal is open: what it shows stays pinned
            return
        self.show_view(message.view)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "view" and event.state is WorkerState.ERROR:
            self._preparing = False
            self._source_error = f"could not show the snapshot: {event.worker.error}"
            self.refresh_ages()

    @on(SourceFailed)
    def _source_failed(self, message: SourceFailed) -> None:
        self._source_error = message.reason
        self.refresh_ages()

    def on_screen_suspend(self) -> None:
        hide_toasts(self)  # a modal opens over this screen: its toasts must not show through

    def on_screen_resume(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.show_view(pending)

    def show_view(self, view: SnapshotView) -> None:
        """Replace the snapshot on screen, log what changed, and update every pane in place."""
        guards_may_change = guard_inputs(self.snapshot) != guard_inputs(view.snapshot)
        self.snapshot = view.snapshot
        self._view = view
        self.snapshots_shown += 1
        self._source_error = None
        events_pane = self.query_one(EventsPane)
        following = events_pane.following
        events_pane.add_events(view.events)
        with self.app.batch_update():
            self.render_view()
            if view.events and following:
                events_pane.follow()
            self._surface_criticals(view.problems)
        self.console.screen_showed(view.snapshot)
        if guards_may_change:
            # The action keys' guards depend on the snapshot. Only when it changed: refreshing
            # the bindings redraws the footer (~3 KB), every poll round, over a slow link.
            self.refresh_bindings()

    def render_view(self, restyle: bool = False) -> None:
        """Draw the current view into every pane (cells that did not change stay)."""
        styles = self.console.tone_styles
        view = self._view
        self.query_one(ResourcesPane).show_rows(view.resources if view else [], styles,
                                                restyle=restyle)
        self.query_one(ConstraintsPane).show_rows(view.constraints if view else [], styles,
                                                  restyle=restyle)
        self.query_one(ProblemsPane).show_rows(self._problems(view), styles, restyle=restyle)
        events_pane = self.query_one(EventsPane)
        events_pane.show_rows(events_pane.rows_to_show, styles, restyle=restyle)
        self.refresh_ages(restyle=restyle)

    @property
    def latest_snapshot(self) -> LiveSnapshot | None:
        """The newest snapshot received, even while a screen on top pins what this one shows."""
        return self._wanted or self.snapshot

    def _problems(self, view: SnapshotView | None) -> list[Row]:
        """The view's Failures rows, less the cli-prefer that hacon's own running failback
        placed (it removes it once the move is verified: not a leftover to warn about)."""
        rows = view.problems if view else []
        request = getattr(self.app, "action_request", None)
        if request is None or request.kind is not ActionKind.FAILBACK:
            return rows
        return [row for row in rows if not row[0].startswith(OWN_FAILBACK_PREFER)]

    def refresh_ages(self, restyle: bool = False) -> None:
        """The cheap part, every second: node data ages, the banner's staleness, the status bar."""
        now = self.console.clock()
        snapshot = self.snapshot
        try:
            nodes_pane = self.query_one(NodesPane)
        except NoMatches:  # a cursor event delivered while the app closes: panes are gone
            return
        nodes_pane.show_rows(node_rows(snapshot, now) if snapshot else [],
                             self.console.tone_styles, restyle=restyle)
        self.query_one(VipBanner).show_lines(self._banner_lines(now))
        self.query_one(PartitionsPanel).show_columns(partition_columns(snapshot))
        fit_side_column(self, self.app.size.width)  # the tables' widths follow their content
        file_mode = snapshot is not None and is_file_snapshot(snapshot)
        asked = self._asked_reason()
        # Unasked, the reason for a greyed key costs a line or two: at 80 columns those lines
        # belong to the panes (pressing the greyed key shows its reason in full).
        unasked = action_hint(self) if self.app.size.width >= NARROW_WIDTH else None
        if self.console.action_status is not None:
            unasked = self.console.action_status  # the running action's step: always
        self.query_one(StatusBar).show(self._status_parts(now),
                                       read_only=self.console.read_only and not file_mode,
                                       stale=self._is_stale(now),
                                       hint=asked or unasked, asked=asked is not None)

    # --- reasons the operator asked for (a greyed key pressed, a refusal) ----------------

    def show_reason(self, text: str) -> None:
        """Show `text` in the status bar until the focus or the selection moves."""
        self._reason = (text, self._selection())
        self.refresh_ages()

    def _selection(self) -> tuple[str | None, str | None]:
        focused = self.focused
        if isinstance(focused, KeyedTable):
            return focused.id, focused.cursor_key
        return None, None

    def _asked_reason(self) -> str | None:
        if self._reason is None:
            return None
        text, selection = self._reason
        if selection != self._selection():
            self._reason = None  # it was about another row or pane
            return None
        return text

    def on_descendant_focus(self) -> None:
        self.refresh_ages()  # the unasked hint is about the focused pane: follow it at once

    def _banner_lines(self, now: float) -> list[BannerLine]:
        lines: list[BannerLine] = []
        if self._source_error:
            lines.append(BannerLine((Cell(f"SOURCE FAILED: {self._source_error}", bold=True),),
                                    True))
        if self.snapshot is None:
            return lines + [BannerLine((Cell("waiting for the cluster's first answer…"),), False)]
        stale_after = self.console.stale_after
        return lines + alert_lines(self.snapshot, now, stale_after) + vip_lines(self.snapshot)

    def _status_parts(self, now: float) -> list[str]:
        parts = [source_text(self.snapshot, self.console.source_label, now)]
        cluster = self.snapshot.cluster if self.snapshot else None
        if cluster is not None:
            parts.append(f"DC {cluster.info.dc or 'none'}")
            parts.append(f"CIB {cluster.version}")
        return parts

    def _is_stale(self, now: float) -> bool:
        snapshot = self.snapshot
        if snapshot is None or is_file_snapshot(snapshot):
            return False
        fetched = snapshot.fetched_at
        return fetched is None or now - fetched > self.console.stale_after

    # --- layout ------------------------------------------------------------------------

    def _surface_criticals(self, problems: list[Row]) -> None:
        """A new critical finding brings the failures pane into the narrow terminal's shared
        slot: the banner alone can look healthy while the slot shows the events."""
        criticals = sum(1 for _key, cells in problems if cells[0].text in CRITICAL_WORDS)
        appeared = criticals > self._criticals
        self._criticals = criticals
        if appeared and self._detail_pane != "problems-pane" and self.app.size.width < NARROW_WIDTH:
            hidden_focus = self.focused is self.query_one(f"#{self._detail_pane}")
            self._detail_pane = "problems-pane"
            self._apply_layout(self.app.size.width)
            if hidden_focus:
                self.set_focus(self.query_one(ProblemsPane))
        else:
            self._apply_layout(self.app.size.width)

    def on_resize(self) -> None:
        self._apply_layout(self.app.size.width)

    def _apply_layout(self, width: int) -> None:
        """Wide: every pane. Narrow: problems, constraints and events share the bottom slot."""
        apply_layout(self, width, self._detail_pane, self._view.problems if self._view else [])

    # --- actions -----------------------------------------------------------------------

    def action_focus_pane(self, pane_id: str) -> None:
        """Focus a pane by id; in a narrow terminal, bring a side pane into its shared slot."""
        if pane_id in DETAIL_PANES:
            self._detail_pane = pane_id
            self._apply_layout(self.app.size.width)
            events_pane = self.query_one(EventsPane)
            if pane_id == "events-pane" and events_pane.following:
                # It may have been hidden (narrow terminal) while new events came: show the newest.
                self.call_after_refresh(events_pane.follow)
        # set_focus now, not focus() (scheduled): a key typed right after must see the new focus.
        self.set_focus(self.query_one(f"#{pane_id}", KeyedTable))

    def action_filter_list(self) -> None:
        """Open the filter line for the focused list (or the resources if none is focused)."""
        focused = self.focused
        filter_line = self.query_one(FilterLine)
        filter_line.open_for(focused if isinstance(focused, KeyedTable)
                             else self.query_one(ResourcesPane))
        self._show_filter_line(True)
        self.set_focus(filter_line)  # at once: keys typed right after "/" belong to the filter

    @property
    def filtering(self) -> bool:
        """Whether the filter line is open (escape then closes it first)."""
        return self.query_one(FilterLine).target is not None

    def action_clear_filter(self) -> None:
        """Clear the filter of the list being filtered (or the focused one), the toasts and
        the reason line: escape puts away whatever covers the panes."""
        self.app.clear_notifications()
        if self._reason is not None:
            self._reason = None
            self.refresh_ages()
        focused = self.focused
        target = self.query_one(FilterLine).close() or (
            focused if isinstance(focused, KeyedTable) else None)
        self._show_filter_line(False)
        if target is not None:
            target.set_filter("")
            self.set_focus(target)

    def _show_filter_line(self, shown: bool) -> None:
        self.query_one(FilterLine).display = shown
        self.query_one(StatusBar).display = not shown

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        filter_line = self.query_one(FilterLine)
        filter_line.apply()
        self._show_filter_line(False)
        target = filter_line.close()
        if target is not None:
            self.set_focus(target)
