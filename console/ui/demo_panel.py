"""The demo menu: scripted faults for `hacon demo`, offered by key (d) and in the palette.

The console itself does not change for the demo: `DemoConsoleApp` is the ordinary `ConsoleApp`
plus one binding, one palette provider and a small modal listing the scenarios. It talks to the
demo cluster only through the `DemoControl` protocol it is handed (no SSH, no state machine
imported here).
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar, Protocol

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.ui.app import ConsoleApp
from console.ui.source import ClusterSource
from console.ui.toasts import TOAST_LONG_S


class DemoControl(Protocol):
    """What the demo menu can ask of the demo cluster."""

    def scenarios(self) -> list[tuple[str, str]]:
        """(name, title) of every scripted fault, in menu order."""
        ...

    def run(self, name: str) -> str:
        """Make one happen now; returns a sentence saying what to watch."""
        ...


class DemoMenuScreen(ModalScreen[str | None]):
    """Pick a scripted fault; dismisses with its name (None: closed).

    | Key(s) | Description |
    | :- | :- |
    | enter | Run the highlighted fault. |
    | escape | Close the menu. |
    """

    DEFAULT_CSS = """
    DemoMenuScreen {
        align: center middle;
    }
    DemoMenuScreen > Vertical {
        width: 64;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    DemoMenuScreen OptionList {
        height: auto;
        max-height: 14;
    }
    DemoMenuScreen .demo-menu-hint {
        color: $text-muted;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close_menu", "Close", id="console.close-demo-menu",
                tooltip="Close the demo menu without running anything"),
        # The lists' keys (j/k/g/G) move here too: the menu is a list like the panes.
        Binding("j", "move('cursor_down')", "Down", show=False),
        Binding("k", "move('cursor_up')", "Up", show=False),
        Binding("g", "move('first')", "First", show=False),
        Binding("G", "move('last')", "Last", show=False),
    ]

    def __init__(self, scenarios: list[tuple[str, str]]) -> None:
        super().__init__()
        self._scenarios = scenarios

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Demo cluster: scripted faults[/b]")
            yield OptionList(*(Option(title, id=name) for name, title in self._scenarios))
            yield Static("enter runs it · escape closes · watch the banner, nodes and events",
                         classes="demo-menu-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def action_move(self, where: str) -> None:
        """Move the highlight (OptionList's own actions: cursor_down, first, ...)."""
        getattr(self.query_one(OptionList), f"action_{where}")()

    def action_close_menu(self) -> None:
        """Close without running anything."""
        self.dismiss(None)


class DemoScenarioCommands(Provider):
    """Palette entries "demo: <fault>" for every scenario."""

    def _entries(self) -> list[tuple[str, str]]:
        app = self.app
        if not isinstance(app, DemoConsoleApp):
            return []
        return [(name, f"demo: {title}") for name, title in app.control.scenarios()]

    async def _run(self, name: str) -> None:
        app = self.app
        if isinstance(app, DemoConsoleApp):
            app.run_demo_scenario(name)

    async def discover(self) -> Hits:
        for name, label in self._entries():
            yield DiscoveryHit(label, partial(self._run, name), help="scripted fault (demo)")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, label in self._entries():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self._run, name),
                          help="scripted fault (demo)")


class DemoConsoleApp(ConsoleApp):
    """The console on the demo cluster, with its menu of scripted faults.

    | Key(s) | Description |
    | :- | :- |
    | d | Open the demo menu (power loss, split brain, a failing service, ...). |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *ConsoleApp.BINDINGS,
        Binding("d", "open_demo_menu", "Faults", id="console.open-demo-menu",
                tooltip="Scripted faults on the demo cluster: power loss, split brain, ..."),
    ]
    COMMANDS = ConsoleApp.COMMANDS | {DemoScenarioCommands}

    def __init__(self, source: ClusterSource, control: DemoControl, *,
                 opening_note: str | None = None, **options: Any) -> None:
        """
        Args:
            source: The poller over the demo nodes.
            control: Runs the scripted faults.
            opening_note: What the start scenario did (`hacon demo --scenario`), shown once.
            options: Passed to `ConsoleApp` (theme, read_only, source_label, ...).
        """
        super().__init__(source, **options)
        self.control = control
        self._opening_note = opening_note

    def on_mount(self) -> None:
        # Textual runs ConsoleApp.on_mount too (handlers are called along the MRO).
        self.notify(self._opening_note or "A demo cluster: press d for scripted faults.",
                    title="hacon demo", timeout=TOAST_LONG_S)

    def action_open_demo_menu(self) -> None:
        """Show the scripted faults."""
        if not isinstance(self.screen, DemoMenuScreen):
            self.push_screen(DemoMenuScreen(self.control.scenarios()), self._picked)

    def _picked(self, name: str | None) -> None:
        if name:
            self.run_demo_scenario(name)

    def run_demo_scenario(self, name: str) -> None:
        """Run one scripted fault and say what to watch."""
        self.notify(self.control.run(name), title="demo", timeout=TOAST_LONG_S)
