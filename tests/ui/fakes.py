"""A scripted ClusterSource and a fixed clock for UI tests and benchmarks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from console.model.live.snapshot import LiveSnapshot
from tests.support.snapshots import FETCHED_AT


class ScriptedSource:
    """Yields the snapshots it is given, then waits (never ends, like a live poller)."""

    def __init__(self, snapshots: Iterable[LiveSnapshot] = ()) -> None:
        self._queue: asyncio.Queue[LiveSnapshot] | None = None
        self._initial = list(snapshots)
        self.refresh_requests = 0
        """How many times the console asked for a refresh."""

    def push(self, snapshot: LiveSnapshot) -> None:
        """Deliver one more snapshot to the console."""
        self._ensure_queue().put_nowait(snapshot)

    def _ensure_queue(self) -> asyncio.Queue[LiveSnapshot]:
        if self._queue is None:
            self._queue = asyncio.Queue()
            for snapshot in self._initial:
                self._queue.put_nowait(snapshot)
        return self._queue

    async def snapshots(self) -> AsyncIterator[LiveSnapshot]:
        queue = self._ensure_queue()
        while True:
            yield await queue.get()

    def refresh_now(self) -> None:
        self.refresh_requests += 1


class FixedClock:
    """A wall clock that moves only when told to."""

    def __init__(self, now: float = FETCHED_AT + 3) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
