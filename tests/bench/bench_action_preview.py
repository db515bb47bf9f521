"""Key to previewed plan on screen, on the lab: the "preview within 1 s" target (run as root).

The real console (ConsoleApp over asyncssh to the lab's sshd, Textual's headless terminal) is
shown the lab; each round presses a guarded action's key, waits for the confirmation with the
scheduler's prediction, and answers No. Measured: from the key press to the modal on screen,
which includes reading a fresh CIB on the node, planning, and `crm_simulate` on the node.

    python tests/bench/bench_action_preview.py [--lab DIR] [--rounds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys

from bench_live_lab import lab_for_bench

from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.resources_pane import ResourcesPane
from tests.lab.harness import Lab
from tests.lab.test_console_lab import banner_text, console_on, until

KEYS = (("standby (s)", NodesPane, None, "s"), ("maintenance (m)", NodesPane, None, "m"),
        ("move (M)", ResourcesPane, "ClusterIP", "M"), ("ban (b)", ResourcesPane, "ClusterIP", "b"))


async def measure(lab: Lab, rounds: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name, *_ in KEYS}
    holder = lab.vip()[0]
    async with console_on(lab) as (app, pilot):
        await until(pilot, lambda: f"ClusterIP on {holder}" in banner_text(app))
        loop = asyncio.get_running_loop()
        for _ in range(rounds):
            for name, pane_type, row, key in KEYS:
                pane = app.main_screen.query_one(pane_type)  # type: ignore[union-attr]
                pane.focus()
                pane.move_cursor(row=pane.get_row_index(row) if row else
                                 sorted(lab.nodes).index(holder))
                started = loop.time()
                await pilot.press(key)
                await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
                timings[name].append(loop.time() - started)
                await pilot.press("n")
                await until(pilot, lambda: not app.action_running)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", help="a running lab's state dir (default: a fresh one)")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    with lab_for_bench(args.lab) as lab:
        timings = asyncio.run(measure(lab, args.rounds))
    worst = 0.0
    for name, values in timings.items():
        worst = max(worst, max(values))
        print(f"{name:16} key → preview: median {statistics.median(values):.2f} s, "
              f"first {values[0]:.2f} s, max {max(values):.2f} s ({len(values)} rounds)")
    print(f"target ≤ 1.0 s: {'met' if worst <= 1.0 else 'NOT met'} (worst {worst:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
