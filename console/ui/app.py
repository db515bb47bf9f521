"""ConsoleApp: thin. Registers the themes, pushes the main screen, follows the source.

The source (live poller, file, demo) is built outside and handed in; the app never does I/O or
parsing itself. One exclusive worker iterates the source and only posts messages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from rich.style import Style
from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from console.model.live.snapshot import LiveSnapshot
from console.model.text_safety import printable, printable_lines
from console.transport.base import CommandRunner
from console.ui.action_commands import GuardedActionCommands
from console.ui.actions_flow import action_hint
from console.ui.config_commands import ConfigCommands
from console.ui.keymap import key_entries
from console.ui.messages import SnapshotReceived, SourceFailed
from console.ui.palette import ConsoleCommands
from console.ui.screens.fencing import FencingScreen
from console.ui.screens.help import HelpScreen
from console.ui.screens.history import HistoryScreen, HistorySource
from console.ui.screens.main import MainScreen
from console.ui.screens.setup import SetupScreen
from console.ui.source import ClusterSource
from console.ui.switchover_flow import SwitchoverApp
from console.ui.toasts import TOAST_LONG_S, TOAST_S
from console.ui.themes import (
    DEFAULT_THEME,
    load_themes,
    read_saved_theme,
    save_theme,
    tone_styles,
    variable_defaults,
)
from console.ui.widgets.events_pane import EventsPane

STALE_AFTER_S = 15.0
"""Data older than this is called stale (a few missed poll rounds)."""


class ConsoleApp(SwitchoverApp):
    """hacon's terminal console.

    | Key(s) | Description |
    | :- | :- |
    | ? | List every key. |
    | r | Refresh now. |
    | t | Pick a theme. |
    | q | Quit. |
    | ctrl+p | Command palette. |
    | H | Transition history. |
    | F | Fence devices and fencing history. |
    | S | Switch the active node (the switchover runbook). |
    """

    CSS_PATH = "console.tcss"
    NOTIFICATION_TIMEOUT = TOAST_S
    TITLE = "hacon"
    COMMANDS = App.COMMANDS | {ConsoleCommands, GuardedActionCommands, ConfigCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "show_help", "Help", id="console.show-help",
                tooltip="List every key and what it does"),
        Binding("r", "refresh_now", "Refresh", id="console.refresh-now",
                tooltip="Ask the cluster now instead of waiting for the next poll"),
        Binding("t", "change_theme", "Theme", id="console.change-theme",
                tooltip="Pick a colour theme (remembered for next time)"),
        Binding("q", "quit", "Quit", id="console.quit", tooltip="Leave hacon"),
        Binding("H", "show_history", "History", show=False, id="console.show-history",
                tooltip="Why the cluster did what it did: the transitions, explained"),
        Binding("F", "show_fencing", "Fencing", show=False, id="console.show-fencing",
                tooltip="Fence devices and who fenced whom, when, with what result"),
        Binding("S", "open_switchover", "Switchover", show=False, id="console.open-switchover",
                tooltip="Switch the active node: standby, verify, maintenance pause, online, "
                        "failback (saved between steps)"),
    ]

    def __init__(
        self,
        source: ClusterSource | None,
        *,
        runner: CommandRunner | None = None,
        source_label: str | None = None,
        read_only: bool = False,
        theme: str | None = None,
        clock: Callable[[], float] = time.time,
        stale_after: float = STALE_AFTER_S,
        setup_help: str | None = None,
        remember_theme: bool = True,
        history: HistorySource | None = None,
    ) -> None:
        """
        Args:
            source: Where snapshots come from; None shows `setup_help` instead.
            runner: Runs guarded actions on the nodes; None offers no action (file mode).
            source_label: How the status bar names the source ("file: cib.xml", "cluster lab").
            read_only: Remove every action that changes the cluster.
            theme: A theme name (from --theme); else the remembered one, else console-dark.
            clock: Wall-clock seconds; tests inject a fixed clock.
            stale_after: Age in seconds after which data is shown as stale.
            setup_help: Text of the screen shown when there is nothing to connect to.
            remember_theme: Save the operator's theme choice in the XDG state dir.
            history: Where the transition history comes from; None: no History screen.
        """
        super().__init__(runner)
        self.source = source
        self.source_label = source_label
        self.read_only = read_only
        """True: no action that changes the cluster is offered (keys, palette)."""
        self.clock = clock
        self.stale_after = stale_after
        self.setup_help = setup_help
        self.history = history
        """The transition history's source (the History screen, `H`)."""
        self.tone_styles: dict[str, Style] = {}
        """Cell tone -> Rich style for the current theme (DataTable cells are Rich text)."""
        self._remember_theme = remember_theme
        self._hint_shown: str | None = None
        self._theme_failures = self._register_themes()
        self._initial_theme = self._pick_theme(theme)
        self.theme = self._initial_theme or DEFAULT_THEME

    def _register_themes(self) -> list[str]:
        result = load_themes()
        for loaded in result.loaded:
            self.register_theme(loaded)
        return list(result.failed)

    def _pick_theme(self, requested: str | None) -> str | None:
        for name in (requested, read_saved_theme() if self._remember_theme else None):
            if name and name in self.available_themes:
                return name
            if name:
                self._theme_failures.append(f"theme {name!r} is unknown, using {DEFAULT_THEME}")
        return None

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification is plain text, whatever the caller asks: its message nearly
        always carries a node's reason, a resource id, a theme name or a tool's stderr, and
        Textual would read `[/]` in them as markup (and crash) or pass escapes through."""
        super().notify(printable_lines(message), title=printable(title), severity=severity,
                       timeout=timeout, markup=False)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """hacon's semantic colours for any theme, derived from its base colours."""
        return variable_defaults(self.current_theme)

    def on_mount(self) -> None:
        self.tone_styles = tone_styles(self.theme_variables)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        for failure in self._theme_failures:
            self.notify(failure, title="theme", severity="warning", timeout=TOAST_LONG_S)
        self.open_first_screen()

    def open_first_screen(self) -> None:
        """The main screen following the source, or the setup help without one."""
        if self.source is None:
            self.push_screen(SetupScreen(self.setup_help or ""))
            return
        self.push_screen(MainScreen())
        self.follow_cluster()

    def _theme_changed(self, theme: Theme) -> None:
        self.tone_styles = tone_styles(self.theme_variables)
        if self._remember_theme:
            save_theme(theme.name)

    @property
    def main_screen(self) -> MainScreen | None:
        """The main screen once pushed."""
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    def shown_snapshot(self) -> LiveSnapshot | None:
        """The snapshot on the main screen (what the operator is looking at)."""
        screen = self.main_screen
        return screen.snapshot if screen is not None else None

    def latest_snapshot(self) -> LiveSnapshot | None:
        """The newest snapshot from the source (screens over the main one follow it)."""
        screen = self.main_screen
        return screen.latest_snapshot if screen is not None else None

    def refresh_source(self) -> None:
        """Ask the source for a new round now (after an action)."""
        if self.source is not None:
            self.source.refresh_now()

    def show_action_hint(self) -> None:
        """Redraw the status bar (on the main screen, under any modal) if its hint changed.

        Only on a change: redrawing the status bar updates the panes' rows, which can move a
        cursor, which comes back here.
        """
        screen = self.main_screen
        if screen is None:
            return
        hint = action_hint(screen)
        if hint != self._hint_shown:
            self._hint_shown = hint
            screen.refresh_ages()

    def explain(self, text: str) -> None:
        """A refusal goes to the main screen's reason line (wrapped, in full)."""
        screen = self.main_screen
        if screen is None:
            super().explain(text)
        else:
            screen.show_reason(text)

    @work(exclusive=True, group="poll", exit_on_error=False)
    async def follow_cluster(self) -> None:
        """Iterate the source for as long as the app runs; only post messages."""
        assert self.source is not None
        async for snapshot in self.source.snapshots():
            screen = self.main_screen
            if screen is not None:
                screen.post_message(SnapshotReceived(snapshot))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "poll" or event.state is not WorkerState.ERROR:
            return
        reason = f"{type(event.worker.error).__name__}: {event.worker.error}"
        screen = self.main_screen
        if screen is not None:
            screen.post_message(SourceFailed(reason))

    def action_refresh_now(self) -> None:
        """Ask the source for a new round now."""
        if self.source is not None:
            self.source.refresh_now()
            self.notify("refreshing…", timeout=2)

    def action_show_help(self) -> None:
        """Show every key binding."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(key_entries(self, self.screen)))

    def action_show_history(self, near: float | None = None) -> None:
        """Open the transition history (at the incident nearest `near`, when given)."""
        if isinstance(self.screen, HistoryScreen):
            return
        if self.history is None:
            self.notify("no transition history here: it needs a live cluster, or run "
                        "`hacon history --from DIR|TARBALL`", title="history", timeout=6)
            return
        self.push_screen(HistoryScreen(self.history, near=near))

    def on_events_pane_history_requested(self, message: EventsPane.HistoryRequested) -> None:
        self.action_show_history(message.at)

    def action_show_fencing(self) -> None:
        """Open the fence devices and the merged fencing history."""
        if not isinstance(self.screen, FencingScreen):
            self.push_screen(FencingScreen(self.latest_snapshot))
