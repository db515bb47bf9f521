"""Waiting helpers for the console's screens (the generic `until` is tests.support.waiting's)."""

from __future__ import annotations

from textual.pilot import Pilot

from console.ui.app import ConsoleApp
from console.ui.screens.main import MainScreen
from console.ui.widgets.keyed_table import KeyedTable
from tests.support.waiting import until


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
