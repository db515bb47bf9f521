"""The switchover flow over the demo cluster, in-process: a feed of fresh looks, recorded events."""

from __future__ import annotations

from pathlib import Path

from console.actions.plans import ActionPlan
from console.actions.switchover import FlowContext, FlowEvents
from console.demo.cluster import DemoCluster
from console.model.live.snapshot import LiveSnapshot
from console.model.snapshot import parse_cib
from console.model.types import CibVersion
from tests.actions.demo_runner import DemoRunner
from tests.support import snapshots as b

NOW = 1_800_000_000.0
"""The flow's wall clock in these tests (the guards' staleness is measured against it)."""


class DemoFeed:
    """Every `fresh()` is the demo cluster's CIB as the node answers now, seen by every node."""

    def __init__(self, runner: DemoRunner, clock: WallClock) -> None:
        self.runner, self.clock = runner, clock

    async def fresh(self, at_least: CibVersion | None = None) -> LiveSnapshot:
        return look(self.runner, self.clock())


def look(runner: DemoRunner, now: float = NOW) -> LiveSnapshot:
    status, cib, _ = runner.handler.answer("node-a", ["cibadmin", "-Q"], b"")
    assert status == 0
    return b.live(parse_cib(cib), fetched_at=now)


class WallClock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class RecordingEvents(FlowEvents):
    """Confirms (or not) every plan and keeps what was said."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.lines: list[str] = []
        self.confirmed: list[str] = []

    def said(self, line: str) -> None:
        self.lines.append(line)

    async def confirm(self, plan: ActionPlan) -> str | None:
        self.confirmed.append(plan.title)
        return None if self.answer else "not confirmed"


def flow_context(runner: DemoRunner, directory: Path, *, clock: WallClock | None = None,
                 events: RecordingEvents | None = None, failback: bool = True) -> FlowContext:
    """What a new hacon process (or console) builds: nothing shared but the cluster and files."""
    clock = clock or WallClock()
    return FlowContext(runner, DemoFeed(runner, clock), events or RecordingEvents(), "demo",
                       ("node-a", "node-b"), clock=clock, directory=directory, failback=failback)


def demo() -> tuple[DemoCluster, DemoRunner]:
    from tests.ui.actions_fixtures import demo_cluster

    return demo_cluster()
