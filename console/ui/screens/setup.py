"""SetupScreen: shown when hacon has nothing to connect to; says how to write clusters.toml."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static


class SetupScreen(Screen[None]):
    """Plain text that tells the operator what to write, and where."""

    DEFAULT_CSS = """
    SetupScreen {
        align: center middle;
        /* A fixed width: an auto-width scroll container around auto-width text laid out at 0x0,
           an empty box where the instructions should be. */
        & > VerticalScroll { width: 100; max-width: 100%; height: auto; max-height: 90%;
                             border: round $warning; padding: 1 2; background: $surface; }
        & Static { width: 100%; height: auto; }
    }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        """The instructions (built by the command line, which knows the config paths)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text, markup=False)
        yield Footer()
