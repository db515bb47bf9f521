"""A CommandRunner answering from the demo cluster's nodes (no SSH), on a fake clock."""

from __future__ import annotations

from collections.abc import Sequence

from console.demo.cluster import DemoCluster
from console.demo.handler import DemoHandler
from console.demo.timeline import FakeClock
from console.transport.base import CommandResult, NodeUnreachable

STEP_S = 0.1
"""Demo time that passes with every command (the transition moves on while hacon polls)."""


class DemoRunner:
    """Runs argv on demo nodes; each command lets `STEP_S` of demo time pass first."""

    def __init__(self, cluster: DemoCluster, clock: FakeClock) -> None:
        self.cluster = cluster
        self.clock = clock
        self.handler = DemoHandler(cluster, node_down=lambda node: NodeUnreachable(node, "down"))
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        self.clock.advance(STEP_S)
        self.calls.append((node, tuple(argv)))
        status, out, err = self.handler.answer(node, list(argv), input or b"")
        return CommandResult(node, tuple(argv), status, out, err, 0.0)
