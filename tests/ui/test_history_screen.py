"""The History screen: incidents from a real lab's inputs, explained on Enter, reached from an
event; and what it looks like at 80x24."""

from __future__ import annotations

import asyncio

from textual.pilot import Pilot
from textual.widgets import Static

from console.model.transitions import InputRef, Replay
from console.transport.history_source import LocalHistorySource
from console.ui.app import ConsoleApp
from console.ui.screens.history import HistoryScreen, IncidentScreen
from console.ui.widgets.events_pane import EventsPane
from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.support.paths import REPO_ROOT
from tests.support.waiting import until
from tests.ui.waiting import until_shown

LAB = REPO_ROOT / "tests" / "fixtures" / "history" / "lab-2node"
NARROW = (80, 24)
FAILOVER_AT = 1796548469  # pe-input-9: OSIPS reached migration-threshold on node-a


class NoReplaySource(LocalHistorySource):
    """The lab fixture without crm_simulate: what the screen shows where it is not installed."""

    def replay(self, ref: InputRef) -> Replay | str:
        return "crm_simulate is not installed here"


async def open_history(pilot: Pilot[None]) -> HistoryScreen:
    await until_shown(pilot)
    await pilot.press("H")
    app: ConsoleApp = pilot.app  # type: ignore[assignment]
    await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.loaded_final)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


def test_h_opens_the_timeline_and_enter_explains_an_incident(make_app: AppFactory) -> None:
    app = make_app(b.live(), history=NoReplaySource(LAB))

    async def scenario() -> None:
        async with app.run_test(size=NARROW) as pilot:
            screen = await open_history(pilot)
            assert screen.explained is not None
            incidents = screen.explained.incidents
            table = screen.query_one("#incident-table")
            assert table.row_count == len(incidents) >= 5  # type: ignore[attr-defined]
            assert table.cursor_row == len(incidents) - 1  # type: ignore[attr-defined]
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, IncidentScreen))
            await until(pilot, lambda: "no replay" in _incident_text(app))
            text = _incident_text(app)
            assert "cause [online] node-b joined the cluster" in text
            assert "(no replay: crm_simulate is not installed here)" in text
            await pilot.press("escape")
            assert isinstance(app.screen, HistoryScreen)

    asyncio.run(scenario())


def _incident_text(app: ConsoleApp) -> str:
    return str(app.screen.query_one("#incident-text", Static).content)


def test_an_event_opens_the_history_at_its_incident(make_app: AppFactory) -> None:
    app = make_app(b.live(), history=NoReplaySource(LAB))

    async def scenario() -> None:
        async with app.run_test(size=NARROW) as pilot:
            await until_shown(pilot)
            app.screen.query_one(EventsPane).post_message(
                EventsPane.HistoryRequested(FAILOVER_AT + 4))
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen)
                        and app.screen.loaded_final)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, HistoryScreen) and screen.explained is not None
            table = screen.query_one("#incident-table")
            selected = screen.explained.incidents[table.cursor_row]  # type: ignore[attr-defined]
            assert selected.key == "node-a/pe-input-9.bz2"
            assert selected.category.value == "failure"

    asyncio.run(scenario())


def test_without_a_history_source_the_key_says_why(make_app: AppFactory) -> None:
    app = make_app(b.live())

    async def scenario() -> None:
        async with app.run_test(size=NARROW) as pilot:
            await until_shown(pilot)
            await pilot.press("H")
            await pilot.pause()
            assert not isinstance(app.screen, HistoryScreen)
            assert any("no transition history" in str(n.message)
                       for n in app._notifications)

    asyncio.run(scenario())


def test_history_timeline_at_80x24(  # type: ignore[no-untyped-def]
        make_app: AppFactory, snap_compare) -> None:
    app = make_app(b.live(), history=NoReplaySource(LAB))
    assert snap_compare(app, terminal_size=NARROW, run_before=open_history)


def test_incident_explained_at_80x24(  # type: ignore[no-untyped-def]
        make_app: AppFactory, snap_compare) -> None:
    app = make_app(b.live(), history=NoReplaySource(LAB))

    async def run_before(pilot: Pilot[None]) -> None:
        screen = await open_history(pilot)
        table = screen.query_one("#incident-table")
        assert screen.explained is not None
        keys = [incident.key for incident in screen.explained.incidents]
        table.move_cursor(row=keys.index("node-a/pe-input-9.bz2"))  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: "no replay" in _incident_text(app))
        await pilot.pause()

    assert snap_compare(app, terminal_size=NARROW, run_before=run_before)


class BrokenSource(NoReplaySource):
    """A source whose nodes cannot be read at all."""

    async def load(self, progress: object = None) -> object:  # type: ignore[override]
        raise OSError("no route to host")


def test_a_source_that_fails_says_why_on_the_screen(make_app: AppFactory) -> None:
    app = make_app(b.live(), history=BrokenSource(LAB))

    async def scenario() -> None:
        async with app.run_test(size=NARROW) as pilot:
            await until_shown(pilot)
            await pilot.press("H")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and "could not"
                        in str(app.screen.query_one("#history-status", Static).content))
            status = str(app.screen.query_one("#history-status", Static).content)
            assert "OSError: no route to host" in status

    asyncio.run(scenario())
