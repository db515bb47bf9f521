"""Every key binding of the console in one list, for the help screen and the command palette.

Nothing is dispatched here: keys stay `BINDINGS` on the app, the screen and the panes. This
module only *reads* them, so a binding added later (like the node actions on `NodesPane`)
appears in `?` and in ctrl+p without further work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from console.ui.widgets.keyed_table import KeyedTable


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """One binding, where it applies, and the node whose action it runs."""

    scope: str
    key: str
    binding: Binding
    target: DOMNode


def _bindings(node: DOMNode) -> list[Binding]:
    return [b for b in type(node).BINDINGS if isinstance(b, Binding)]


def key_entries(app: App[Any], screen: Screen[Any]) -> list[KeyEntry]:
    """The bindings of the app, of `screen`, and of the widgets on it.

    A list binding (j/k/g/G) targets the focused list, else the first one.
    """
    entries = [KeyEntry("everywhere", app.get_key_display(b), b, app) for b in _bindings(app)]
    entries += [KeyEntry("main screen", app.get_key_display(b), b, screen)
                for b in _bindings(screen)]
    seen_classes: set[type] = set()
    for widget in screen.query(Widget):
        for cls in type(widget).__mro__:
            if cls in seen_classes or "BINDINGS" not in cls.__dict__ or cls.__module__.startswith(
                    "textual."):
                continue
            seen_classes.add(cls)
            scope = "any list" if cls is KeyedTable else _scope_name(cls)
            target = screen.focused if cls is KeyedTable and isinstance(
                screen.focused, KeyedTable) else widget
            entries += [KeyEntry(scope, app.get_key_display(b), b, target)
                        for b in cls.__dict__["BINDINGS"] if isinstance(b, Binding)]
    # Hidden actions (check_action False: read-only mode, no runner) are not keys at all.
    return [entry for entry in entries if entry.target.check_action(
        entry.binding.action.split("(", 1)[0], ()) is not False]


def _scope_name(cls: type) -> str:
    name = cls.__name__.removesuffix("Pane").removesuffix("Screen")
    return name.lower()
