"""HistoryScreen (`H`): the cluster's incidents over time, each one explained on Enter.

The screen is handed a history source (SSH with its cache, or a local directory) and never does
I/O itself: one worker shows what the cache holds at once, then reads what is new and explains
it away from the event loop, posting messages only. Enter opens `IncidentScreen`, which replays
the incident's inputs with crm_simulate (when installed) for the scores and the newest actions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from console.model.transitions import (
    Incident,
    InputRef,
    Replay,
    Transition,
    explain_history,
    group_incidents,
)
from console.presentation.history import incident_detail, incident_row
from console.transport.history_source import HistoryData, Progress
from console.ui.inert import inert, inert_lines
from console.ui.widgets.keyed_table import KeyedTable

NEAR_EVENT_S = 120
"""An event in the log belongs to an incident that started at most this long before it."""


class HistorySource(Protocol):
    """What the screen reads from (`transport.history_source` provides two)."""

    def cached(self) -> HistoryData | None:
        """What is known without any I/O (None: nothing yet)."""
        ...

    async def load(self, progress: Progress) -> HistoryData:
        """Read everything new, reporting progress."""
        ...

    def replay(self, ref: InputRef) -> Replay | str:
        """crm_simulate's view of one input, or why there is none (blocking)."""
        ...


@dataclass(frozen=True, slots=True)
class Explained:
    """A source's data with its transitions explained and grouped."""

    data: HistoryData
    transitions: tuple[Transition, ...]
    incidents: tuple[Incident, ...]


def explain(data: HistoryData, replays: Mapping[str, Replay] | None = None) -> Explained:
    """Explain and group (pure; run in a thread for big histories)."""
    transitions = explain_history(data.facts, data.logs, replays)
    return Explained(data, transitions, group_incidents(transitions))


class IncidentTable(KeyedTable):
    """The timeline: one row per incident, oldest first."""

    COLUMNS = (("time", "Time (UTC)"), ("category", "Cause"), ("what", "What happened"))
    PANE_TITLE = "Incidents"


class HistoryScreen(Screen[None]):
    """The timeline of incidents.

    | Key(s) | Description |
    | :- | :- |
    | enter | Explain the selected incident. |
    | escape | Back to the cluster. |
    """

    DEFAULT_CSS = """
    HistoryScreen {
        & #history-status { height: 1; padding: 0 1; background: $panel; }
        & IncidentTable { height: 1fr; }
        & #incident-preview { height: auto; max-height: 7; padding: 0 1;
                              border-top: solid $primary; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_incident", "Explain", id="console.open-incident",
                tooltip="What changed, the cause, the scores, the VIP before and after"),
        Binding("escape", "app.pop_screen", "Back", id="console.close-history",
                tooltip="Back to the cluster"),
    ]

    @dataclass
    class Loaded(Message):
        """A source's data, explained (first from the cache, then complete)."""

        explained: Explained
        final: bool

    @dataclass
    class Progressed(Message):
        """Reading inputs: done of total."""

        done: int
        total: int

    def __init__(self, source: HistorySource, *, near: float | None = None) -> None:
        super().__init__()
        self.source = source
        self.near = near
        """Select the incident nearest this time (opened from an event) instead of the last."""
        self.explained: Explained | None = None
        self.loaded_final = False

    def compose(self) -> ComposeResult:
        yield Static("History: reading the scheduler's saved inputs…", id="history-status")
        yield IncidentTable(id="incident-table")
        yield Static("", id="incident-preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load_history()

    @work(exclusive=True, group="history", exit_on_error=False)
    async def load_history(self) -> None:
        """Show the cache at once, then everything; only post messages."""
        cached = self.source.cached()
        if cached is not None:
            self.post_message(self.Loaded(await asyncio.to_thread(explain, cached), False))
        data = await self.source.load(self._post_progress)
        explained = await asyncio.to_thread(explain, data)
        self.post_message(self.Loaded(explained, True))
        newest = [t.ref for t in explained.transitions if t.actions_from == "none"]
        if newest:  # no next input tells what the newest did: ask crm_simulate
            outcome = await asyncio.to_thread(self.source.replay, newest[-1])
            if isinstance(outcome, Replay):
                replays = {newest[-1].key: outcome}
                self.post_message(self.Loaded(await asyncio.to_thread(explain, data, replays),
                                              True))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "history" and event.state is WorkerState.ERROR:
            error = event.worker.error
            self.query_one("#history-status", Static).update(
                inert(f"History: could not read the inputs: {type(error).__name__}: {error}"))

    def _post_progress(self, done: int, total: int, what: str) -> None:
        # Called from the loading thread too: post_message is thread-safe.
        self.post_message(self.Progressed(done, total))

    @on(Progressed)
    def _show_progress(self, message: Progressed) -> None:
        if not self.loaded_final:
            self.query_one("#history-status", Static).update(
                f"History: reading new inputs {message.done}/{message.total}…")

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.explained = message.explained
        self.loaded_final = self.loaded_final or message.final
        table = self.query_one(IncidentTable)
        first = table.row_count == 0
        table.show_rows([incident_row(i) for i in message.explained.incidents],
                        getattr(self.app, "tone_styles", {}))
        self.query_one("#history-status", Static).update(inert(self._status_text(message)))
        if first or message.final:
            self._select_start(table)

    def _status_text(self, message: Loaded) -> str:
        data = message.explained.data
        nodes = ", ".join(sorted({facts.ref.node for facts in data.facts})) or "no node"
        state = "" if message.final else " (cached; checking the nodes…)"
        problems = "; ".join(f"{key}: {text}" for key, text in sorted(data.problems.items()))
        problems = f"; {len(data.problems)} problem(s): {problems}" if problems else ""
        return (f"History: {len(message.explained.incidents)} incidents from "
                f"{len(data.facts)} inputs ({nodes}){state}{problems}")

    def _select_start(self, table: IncidentTable) -> None:
        incidents = self.explained.incidents if self.explained else ()
        if not incidents:
            return
        index = len(incidents) - 1
        if self.near is not None:
            index = nearest_incident(incidents, self.near, index)
        table.move_cursor(row=index)
        table.focus()

    @on(IncidentTable.RowHighlighted)
    def _preview(self, event: IncidentTable.RowHighlighted) -> None:
        incident = self._incident(event.row_key.value)
        if incident is not None:
            self.query_one("#incident-preview", Static).update(
                inert_lines(incident_preview(incident)))

    @on(IncidentTable.RowSelected)
    def _row_chosen(self, event: IncidentTable.RowSelected) -> None:
        # The table takes Enter itself (select_cursor) before the screen's binding sees it.
        event.stop()
        self.action_open_incident()

    def action_open_incident(self) -> None:
        """Push the explanation of the incident under the cursor."""
        key = self.query_one(IncidentTable).cursor_key
        incident = self._incident(key)
        if incident is not None and self.explained is not None:
            self.app.push_screen(IncidentScreen(incident, self.explained.data, self.source))

    def _incident(self, key: str | None) -> Incident | None:
        incidents = self.explained.incidents if self.explained else ()
        return next((incident for incident in incidents if incident.key == key), None)


def incident_preview(incident: Incident) -> str:
    """The selected incident in a few lines under the timeline."""
    unknown = any(t.actions_from == "none" for t in incident.transitions)
    did = "; ".join(incident.action_texts) or (
        "not known yet (the newest input; enter replays it)" if unknown else "no actions")
    return f"{incident.headline}\ndid: {did}\nenter: explain · esc: back"


def nearest_incident(incidents: tuple[Incident, ...], at: float, default: int) -> int:
    """The index of the last incident that started no later than `at` (within NEAR_EVENT_S)."""
    best = default
    for index, incident in enumerate(incidents):
        started = incident.started_at
        if started is not None and started <= at + 5:
            best = index if at - started <= NEAR_EVENT_S else best
    return best


class IncidentScreen(Screen[None]):
    """One incident explained: causes, actions, VIP and service before/after, scores.

    | Key(s) | Description |
    | :- | :- |
    | escape | Back to the timeline. |
    """

    DEFAULT_CSS = """
    IncidentScreen {
        & #incident-body { height: 1fr; padding: 0 1; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="console.close-incident",
                tooltip="Back to the timeline"),
    ]

    @dataclass
    class Replayed(Message):
        """The incident explained again with crm_simulate's replays (or the reason there are
        none)."""

        incident: Incident
        note: str

    def __init__(self, incident: Incident, data: HistoryData, source: HistorySource) -> None:
        super().__init__()
        self.incident = incident
        self.data = data
        self.source = source

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="incident-body"):
            yield Static(inert_lines(self._text(self.incident, "replaying with crm_simulate…")),
                         id="incident-text")
        yield Footer()

    def on_mount(self) -> None:
        self.replay_incident()

    @work(exclusive=True, group="replay", exit_on_error=False)
    async def replay_incident(self) -> None:
        """Replay every input of the incident (scores; actions of the newest); post the result."""
        refs = [t.ref for t in self.incident.transitions]
        outcomes = await asyncio.to_thread(lambda: {r.key: self.source.replay(r) for r in refs})
        replays = {key: value for key, value in outcomes.items() if isinstance(value, Replay)}
        failures = sorted({value for value in outcomes.values() if isinstance(value, str)})
        explained = await asyncio.to_thread(explain, self.data, replays)
        keys = {ref.key for ref in refs}
        again = [t for t in explained.transitions if t.ref.key in keys]
        note = "scores and actions from crm_simulate" if replays else (
            f"no replay: {'; '.join(failures)}")
        self.post_message(self.Replayed(Incident(tuple(again)), note))

    @on(Replayed)
    def _show_replay(self, message: Replayed) -> None:
        self.query_one("#incident-text", Static).update(
            inert_lines(self._text(message.incident, message.note)))

    @staticmethod
    def _text(incident: Incident, note: str) -> str:
        return "\n".join([*incident_detail(incident), "", f"({note})"])
