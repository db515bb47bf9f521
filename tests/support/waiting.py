"""Wait for a state, never for a fixed time: the one `until` of the Pilot-driven tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot

UNTIL_SECONDS = 40.0
"""Generous: only a failing test waits this long (the executor's verification polls in real
time, and a loaded CI machine is slow); a passing one returns as soon as the state holds."""


async def until(pilot: Pilot[None], condition: Callable[[], bool], *,
                seconds: float = UNTIL_SECONDS, step: float = 0.01) -> None:
    """Let the app run until `condition` holds; fail loudly after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition never became true in {seconds:g} s")
        await pilot.pause(step)
