"""The `[notify]` hook: run the operator's command when a watched cluster's verdict or a VIP
holder changes, with the event as JSON on its stdin.

The command is an argv list run without a shell. A change must hold for `debounce` seconds
before it is reported (a failover passes through "stopped" on its way), and the event then
says where it came from and where it settled. A command that cannot start, fails or runs too
long is reported through `on_problem` (the console shows it); the watch goes on regardless.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from console.config import NotifyConfig
from console.model.fleet.changes import WatchedState, change_event, watched_state
from console.model.live.snapshot import LiveSnapshot

ProblemReporter = Callable[[str], None]


class Notifier:
    """Follows every cluster's snapshots and runs the command on settled changes.

    Args:
        config: the `[notify]` section.
        on_problem: told one line when the command fails (never raises back).
        clock: wall clock for the event's time.
    """

    def __init__(self, config: NotifyConfig, on_problem: ProblemReporter | None = None,
                 *, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.on_problem = on_problem or (lambda _line: None)
        self.clock = clock
        self.reported: dict[str, WatchedState] = {}
        """Cluster -> the state last reported (or first seen)."""
        self.sent: list[dict[str, Any]] = []
        """Every event handed to the command, for tests and the console."""
        self._latest: dict[str, tuple[WatchedState, LiveSnapshot]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._runs: set[asyncio.Task[None]] = set()

    def observe(self, cluster: str, live: LiveSnapshot) -> None:
        """Note a new snapshot; a change (re)starts that cluster's debounce timer."""
        state = watched_state(live)
        if cluster not in self.reported:
            self.reported[cluster] = state  # the first look is the baseline, not a change
            return
        pending = self._latest.get(cluster)
        self._latest[cluster] = (state, live)
        if state == self.reported[cluster]:
            self._cancel(cluster)  # back where it was: nothing to tell
        elif pending is None or pending[0] != state or cluster not in self._timers:
            # A new state: it must now hold for the whole debounce (the same state seen again
            # keeps the timer running, so rounds faster than the debounce cannot starve it).
            self._cancel(cluster)
            loop = asyncio.get_running_loop()
            self._timers[cluster] = loop.call_later(self.config.debounce, self._settled,
                                                    cluster)

    def _cancel(self, cluster: str) -> None:
        timer = self._timers.pop(cluster, None)
        if timer is not None:
            timer.cancel()

    def _settled(self, cluster: str) -> None:
        self._timers.pop(cluster, None)
        state, live = self._latest[cluster]
        event = change_event(cluster, self.reported[cluster], state, self.clock(), live)
        self.reported[cluster] = state
        if event is not None:
            self.sent.append(event)
            task = asyncio.create_task(self._run(event), name=f"notify {cluster}")
            self._runs.add(task)
            task.add_done_callback(self._runs.discard)

    async def _run(self, event: dict[str, Any]) -> None:
        name = self.config.command[0]
        try:
            process = await asyncio.create_subprocess_exec(
                *self.config.command, stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        except OSError as error:
            self.on_problem(f"notify command {name} could not start: {error.strerror or error}")
            return
        data = (json.dumps(event, sort_keys=True) + "\n").encode()
        try:
            _, stderr = await asyncio.wait_for(process.communicate(data), self.config.timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            self.on_problem(f"notify command {name} ran over {self.config.timeout:g} s, killed")
            return
        if process.returncode != 0:
            said = " ".join(stderr.decode("utf-8", "replace").split())[:200]
            self.on_problem(f"notify command {name} exited {process.returncode}"
                            + (f": {said}" if said else ""))

    async def close(self) -> None:
        """Drop pending changes; wait for commands already started (each bounded by its
        timeout)."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if self._runs:
            await asyncio.gather(*self._runs, return_exceptions=True)


class ObservedSource:
    """A cluster source whose every snapshot is also shown to the notifier."""

    def __init__(self, source: Any, cluster: str, notifier: Notifier) -> None:
        self.source = source
        self.cluster = cluster
        self.notifier = notifier

    async def snapshots(self) -> AsyncIterator[LiveSnapshot]:
        async for snapshot in self.source.snapshots():
            self.notifier.observe(self.cluster, snapshot)
            yield snapshot

    def refresh_now(self) -> None:
        self.source.refresh_now()
