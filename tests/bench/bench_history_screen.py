"""Benchmark on the lab: `H` to the History screen's first page, with an empty and a warm cache.

    .venv/bin/python tests/bench/bench_history_screen.py [--lab DIR] [--flips 3]

The console runs headless on the live lab (real SSH, the real poller). A few standby flips
first give the DC some inputs. Then, twice (empty cache, then the cache the first run filled):
time from pressing `H` to the first incidents on screen, and to the complete history.
Target: the first page within 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench_live_lab import lab_for_bench, ssh_config

from console.commands.status_live import Target, build_ssh_cluster
from console.transport.history_source import SshHistorySource
from console.transport.poller import ClusterPoller, PollSettings
from console.ui.app import ConsoleApp
from console.ui.screens.history import HistoryScreen, IncidentTable
from tests.lab.harness import Lab


async def open_history(lab: Lab, cache: Path) -> tuple[float, float, int]:
    """Seconds to the first page and to the full history, and the number of incidents."""
    cluster, _probe = build_ssh_cluster(Target(tuple(lab.nodes), (ssh_config(lab),)))
    poller = ClusterPoller(cluster, lab.nodes, PollSettings(push=False))
    history = SshHistorySource(cluster, lab.nodes, "bench-lab", cache)
    app = ConsoleApp(poller, source_label="lab", remember_theme=False, history=history)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            while app.main_screen is None or app.main_screen.snapshot is None:
                await pilot.pause(0.02)
            started = time.perf_counter()
            await pilot.press("H")
            first = full = None
            while full is None:
                await pilot.pause(0.005)
                screen = app.screen
                if isinstance(screen, HistoryScreen):
                    if first is None and screen.query_one(IncidentTable).row_count:
                        first = time.perf_counter() - started
                    if screen.loaded_final:
                        full = time.perf_counter() - started
            rows = app.screen.query_one(IncidentTable).row_count
    finally:
        await poller.close()
        await cluster.close()
    return first or full, full, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lab")
    parser.add_argument("--flips", type=int, default=3)
    args = parser.parse_args()
    with lab_for_bench(args.lab) as lab, tempfile.TemporaryDirectory() as cache:
        holder = lab.vip()[0]
        for flip in range(args.flips):
            lab.set_standby(holder, flip % 2 == 0)
            time.sleep(6)
        lab.set_standby(holder, False)
        for label in ("empty cache", "warm cache"):
            first, full, rows = asyncio.run(open_history(lab, Path(cache)))
            print(f"{label:<12} first page {first * 1000:6.0f} ms   complete {full * 1000:6.0f} ms"
                  f"   ({rows} incidents)")
        print(f"cache: {sum(f.stat().st_size for f in Path(cache).rglob('*') if f.is_file())} "
              f"bytes in {os.fspath(cache)}")


if __name__ == "__main__":
    main()
