"""Time for the demo cluster: an injectable clock and a queue of things due later.

The state machine never sleeps. Whoever asks it something (the SSH handler, a test) first lets it
catch up with `Timeline.run_due()`, which replays every event whose time has come, in order. Tests
use `FakeClock` and jump from event to event, so a 10-second heal takes no time and no flakiness.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Event = Callable[[], None]


class FakeClock:
    """A clock that moves only when told to (tests)."""

    def __init__(self, start: float = 0.0, wall_start: float = 1_795_910_400.0) -> None:
        self.now = start
        self.wall_start = wall_start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds

    def wall(self) -> float:
        """The wall-clock time matching `now` (for last-rc-change and cib-last-written)."""
        return self.wall_start + self.now


class SystemClock:
    """The real monotonic clock, with the wall clock beside it; `advance` skips ahead.

    Skipping lets `hacon demo --scenario split-brain` open in the settled state at once instead
    of after the 7 seconds the cluster takes to get there.
    """

    def __init__(self) -> None:
        self.skipped = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.skipped

    def advance(self, seconds: float) -> None:
        """Jump ahead (the wall clock does not move: the CIB shows real times)."""
        self.skipped += seconds

    def wall(self) -> float:
        """Seconds since the epoch, now."""
        return time.time()


@dataclass(order=True)
class _Scheduled:
    due: float
    sequence: int
    event: Event = field(compare=False)


class Timeline:
    """Events due at given times on a clock, replayed in order when asked."""

    def __init__(self, clock: FakeClock | SystemClock) -> None:
        self.clock = clock
        self._queue: list[_Scheduled] = []
        self._sequence = itertools.count()

    def now(self) -> float:
        """The clock's current reading."""
        return self.clock()

    def wall(self) -> int:
        """Whole seconds since the epoch, now (what the CIB records)."""
        return int(self.clock.wall())

    def after(self, delay: float, event: Event) -> None:
        """Run `event` once `delay` seconds have passed."""
        heapq.heappush(self._queue, _Scheduled(self.now() + delay, next(self._sequence), event))

    def run_due(self) -> None:
        """Run every event whose time has come (events may schedule more)."""
        while self._queue and self._queue[0].due <= self.now():
            heapq.heappop(self._queue).event()

    def next_due(self) -> float | None:
        """When the next event is due, None if nothing is pending."""
        return self._queue[0].due if self._queue else None

    def settle(self, limit: float = 600.0) -> None:
        """Jump the clock from event to event until nothing is pending (or `limit` passed)."""
        self.run_for(limit, stop_when_idle=True)

    def run_for(self, seconds: float, *, stop_when_idle: bool = False) -> None:
        """Move the clock forward by `seconds`, running what falls due on the way."""
        end = self.now() + seconds
        while (due := self.next_due()) is not None and due <= end:
            self.clock.advance(max(0.0, due - self.now()))
            self.run_due()
        if not stop_when_idle:
            self.clock.advance(max(0.0, end - self.now()))
