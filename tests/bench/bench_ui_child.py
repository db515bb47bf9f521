"""The console as the benchmarks run it in a pseudo-terminal (a helper, not a benchmark).

    python tests/bench/bench_ui_child.py stream --resources 2000 --every 0.25 --changed 50
    python tests/bench/bench_ui_child.py live-idle

`stream`: 2,000 resources (plus the lab's VIP and service); every `--every` seconds a new
snapshot in which `--changed` resources moved node, as a poller would deliver them.
`live-idle`: the lab cluster, unchanged, re-read every 5 s (the poller's idle interval): only the
data age moves on screen.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from console.model.cluster import ClusterSnapshot
from console.model.live.snapshot import LiveSnapshot
from console.ui.app import ConsoleApp
from tests.support import snapshots as b


def big_cluster(count: int, round_number: int, changed: int) -> ClusterSnapshot:
    """The lab cluster plus `count` dummies; `changed` of them sit on node-a this round."""
    base = b.cluster()
    start = round_number * changed
    moved = {(start + i) % count for i in range(changed)} if round_number else set()
    extra = {f"r{i:04d}": b.primitive(f"r{i:04d}", "ocf:pacemaker:Dummy",
                                      ("node-a" if i in moved else "node-b",))
             for i in range(count)}
    return replace(base, resources={**base.resources, **extra})


class RoundsSource:
    """Yields prepared snapshots in a loop, `every` seconds apart, stamped with the real time."""

    def __init__(self, rounds: list[ClusterSnapshot], every: float) -> None:
        self.rounds = rounds
        self.every = every

    async def snapshots(self) -> AsyncIterator[LiveSnapshot]:
        number = 0
        while True:
            cluster = self.rounds[number % len(self.rounds)]
            yield b.live(cluster, fetched_at=time.time())
            number += 1
            await asyncio.sleep(self.every)

    def refresh_now(self) -> None:
        """Nothing to hurry in a benchmark."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("stream", "live-idle"))
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--every", type=float, default=0.25)
    parser.add_argument("--changed", type=int, default=50)
    args = parser.parse_args()
    if args.mode == "stream":
        rounds = [big_cluster(args.resources, n, args.changed) for n in range(8)]
        source = RoundsSource(rounds, args.every)
    else:
        source = RoundsSource([b.cluster()], 5.0)
    ConsoleApp(source, source_label="bench", theme="console-dark", remember_theme=False).run()


if __name__ == "__main__":
    main()
