"""The History screen shows what scheduler inputs and node directories say, inert.

A saved pe-input is a CIB: its resource ids can hold `[/]`, escape-like C1 controls and bidi
overrides; a crm_report's node directory is named after the node. Neither may crash the screen
as markup nor reach the terminal raw.
"""

from __future__ import annotations

import asyncio
import bz2
import shutil
from pathlib import Path

from textual.widgets import Static

from console.ui.screens.history import HistoryScreen, IncidentScreen
from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.support.waiting import until
from tests.ui.test_history_screen import LAB, NoReplaySource, open_history

HOSTILE = "[/]\u202e\u009b2J"
RAW = ("\u202e", "\u009b")


def hostile_lab(tmp_path: Path) -> Path:
    """The lab's inputs with OSIPS renamed, from a node directory with a hostile name."""
    lab = tmp_path / "lab"
    node_dir = lab / "node-a\u202e\u009b2J"  # (a crm_report names it after the node)
    shutil.copytree(LAB / "node-a", node_dir)
    for path in (node_dir / "pengine").glob("*.bz2"):
        xml = bz2.decompress(path.read_bytes()).replace(b"OSIPS", f"OSIPS{HOSTILE}".encode())
        path.write_bytes(bz2.compress(xml))
    return lab


def texts(screen: object) -> str:
    return "\n".join(str(widget.content) for widget in screen.query(Static))  # type: ignore[attr-defined]


def test_hostile_history_inputs_are_shown_inert(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app(b.live(), history=NoReplaySource(hostile_lab(tmp_path)))

    async def scenario() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_history(pilot)
            shown = texts(screen)
            assert "node-a\\u202e\\x9b2J" in shown
            assert not any(char in shown for char in RAW)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, IncidentScreen))
            await until(pilot, lambda: "no replay" in texts(app.screen))
            detail = texts(app.screen)
            assert "OSIPS[/]\\u202e\\x9b2J" in detail, detail
            assert not any(char in detail for char in RAW)
            assert app.is_running and isinstance(app.screen_stack[-2], HistoryScreen)

    asyncio.run(scenario())
