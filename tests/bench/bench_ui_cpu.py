"""CPU cost of one streamed snapshot with 2,000 resources, independent of machine load.

    /tmp/venv/bin/python tests/bench/bench_ui_cpu.py [--seconds 6]

Wall-clock latency on a shared machine depends on its load; the CPU time a thread spends does
much less. This runs the console headless (120x36) on 2,000 resources streaming every 0.25 s
(50 moved each time) and reports per snapshot: `build_view` (rows, advisories and events,
computed in a worker thread), `show_view` (the in-place table diff on the event loop) and each
screen render (the compositor, on the event loop). A key waits at most for one show_view plus
one render. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ui_child import RoundsSource, big_cluster
from textual.screen import Screen

import console.ui.screens.main as main_module
from console.ui.app import ConsoleApp

COSTS: dict[str, list[float]] = {"build_view (thread)": [], "show_view (loop)": [],
                                 "render (loop)": []}


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            COSTS[name].append((time.thread_time() - start) * 1000)
    return wrapper


async def run(seconds: float) -> None:
    rounds = [big_cluster(2000, n, 50) for n in range(8)]
    app = ConsoleApp(RoundsSource(rounds, 0.25), source_label="bench", theme="console-dark",
                     remember_theme=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(3)
        for values in COSTS.values():
            values.clear()
        await pilot.pause(seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    main_module.build_view = timed("build_view (thread)", main_module.build_view)
    main_module.MainScreen.show_view = timed("show_view (loop)",  # type: ignore[method-assign]
                                             main_module.MainScreen.show_view)
    Screen._compositor_refresh = timed("render (loop)", Screen._compositor_refresh)  # type: ignore[method-assign]
    asyncio.run(run(args.seconds))
    for name, values in COSTS.items():
        print(f"{name}: {len(values)} calls, median {statistics.median(values):.1f} ms CPU, "
              f"max {max(values):.1f} ms")


if __name__ == "__main__":
    main()
