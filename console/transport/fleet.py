"""Watching several clusters at once: one poller per cluster, every update merged into one stream.

Each cluster's poller keeps its own SSH connections and its own rounds (a slow or dead cluster
never holds up the others). The watch is the only consumer of every poller's `snapshots()` and
hands them on as `(cluster name, snapshot)` pairs, newest kept per cluster in `latest`.

A cluster that is only a row of the overview is watched loosely: its connections' keepalive
declares a silent node lost within 10 s instead of 4 s (`SshCluster.watch_closely`), which is
most of what 20 idle clusters would otherwise cost. The cluster whose console is opened
(`focus`) is watched closely, like a single-cluster console.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Protocol, runtime_checkable

from console.model.live.snapshot import LiveSnapshot


class SnapshotSource(Protocol):
    """What the watch needs of a cluster's poller."""

    def snapshots(self) -> AsyncIterator[LiveSnapshot]: ...

    def refresh_now(self) -> None: ...


@runtime_checkable
class Watchable(Protocol):
    """A cluster's connections, which can be watched closely or loosely (`SshCluster`)."""

    def watch_closely(self, closely: bool) -> None: ...


class FleetWatch:
    """Every cluster's snapshots as one stream; one consumer of `updates()` at a time.

    Args:
        sources: cluster name -> its poller (or any snapshot source), in display order.
        connections: cluster name -> its connections (anything without `watch_closely`, e.g.
            a file source, is left as it is).
    """

    def __init__(self, sources: Mapping[str, SnapshotSource],
                 connections: Mapping[str, object] | None = None) -> None:
        self.sources = dict(sources)
        self._connections = {name: conn for name, conn in (connections or {}).items()
                             if isinstance(conn, Watchable)}
        self.focused: str | None = None
        """The cluster watched closely (its console is open), None on the overview."""
        self.latest: dict[str, LiveSnapshot | None] = dict.fromkeys(self.sources)
        """Cluster name -> its newest snapshot (None before its first)."""
        self._pending: dict[str, LiveSnapshot] = {}
        """Snapshots not yet handed on; a newer one of the same cluster replaces the older."""
        self._ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.sources)

    def refresh_now(self, name: str | None = None) -> None:
        """Ask one cluster (or every cluster) for a round now."""
        for cluster, source in self.sources.items():
            if name is None or cluster == name:
                source.refresh_now()

    def focus(self, name: str | None) -> None:
        """Watch `name` closely (its console is open) and every other cluster loosely; None:
        every cluster loosely (back on the overview)."""
        for cluster, connections in self._connections.items():
            if cluster in (name, self.focused):
                connections.watch_closely(cluster == name)
        self.focused = name

    async def updates(self) -> AsyncIterator[tuple[str, LiveSnapshot]]:
        """Every cluster's snapshots as they come; never ends while the watch runs."""
        self._start()
        while True:
            await self._ready.wait()
            self._ready.clear()
            pending, self._pending = self._pending, {}
            for name, snapshot in pending.items():
                self.latest[name] = snapshot
                yield name, snapshot

    def _start(self) -> None:
        if not self._tasks:
            for name, connections in self._connections.items():
                connections.watch_closely(name == self.focused)  # before the pollers connect
            self._tasks = [asyncio.create_task(self._follow(name, source), name=f"fleet {name}")
                           for name, source in self.sources.items()]

    async def _follow(self, name: str, source: SnapshotSource) -> None:
        async for snapshot in source.snapshots():
            self._pending[name] = snapshot
            self._ready.set()

    async def close(self) -> None:
        """Stop following (the pollers themselves are closed by whoever opened them)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
