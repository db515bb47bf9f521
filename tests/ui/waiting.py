"""Waiting helpers for Pilot-driven tests: wait for a state, never for a fixed time."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from console.ui.app import ConsoleApp
from console.ui.screens.main import MainScreen
from console.ui.widgets.keyed_table import KeyedTable

MAX_ROUNDS = 400


async def until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Let the app run until `condition` holds (fails loudly after MAX_ROUNDS short pauses)."""
    for _ in range(MAX_ROUNDS):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("condition never became true")


def main_screen(app: ConsoleApp) -> MainScreen:
    screen = app.main_screen
    assert screen is not None
    return screen


async def until_shown(pilot: Pilot[None], count: int = 1) -> None:
    """Wait until the main screen has handled `count` snapshots (events log included)."""
    app: ConsoleApp = pilot.app  # type: ignore[assignment]
    await until(pilot, lambda: app.main_screen is not None and app.main_screen.snapshot is not None
                and app.main_screen.snapshots_shown >= count)
    # DataTable measures new rows' column widths when idle: wait for that too.
    await until(pilot, lambda: not any(table._require_update_dimensions
                                       for table in app.screen.query(KeyedTable)))
    await pilot.pause()
