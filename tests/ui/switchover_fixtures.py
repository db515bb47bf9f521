"""The console over the demo cluster for the switchover screen: a source that brings a fresh look
whenever the console asks for one (as the live poller does), and a saved flow to reopen."""

from __future__ import annotations

from collections.abc import Callable

from console.actions import runbook_store
from console.actions.runbook import Step, Switchover
from console.demo.cluster import DemoCluster
from tests.actions.demo_runner import DemoRunner
from tests.actions.switchover_helpers import look
from tests.ui.fakes import ScriptedSource


class DemoSource(ScriptedSource):
    """The demo cluster's CIB, seen by every node, on every refresh the console asks for."""

    def __init__(self, runner: DemoRunner, clock: Callable[[], float]) -> None:
        super().__init__([look(runner, clock())])
        self.runner, self.clock = runner, clock

    def refresh_now(self) -> None:
        super().refresh_now()
        self.runner.cluster.timeline.settle(limit=30.0)
        self.push(look(self.runner, self.clock()))


def saved_at_pause(cluster: DemoCluster, started_at: float) -> Switchover:
    """What an earlier console left: node-a put in standby and verified, paused (saved)."""
    cluster.set_standby("node-a", "node-a", "on", "forever")
    cluster.timeline.settle(limit=60.0)
    state = Switchover("demo", "node-a", "ClusterIP", Step.PAUSE, started_at,
                       started_at + 40, peer="node-b", standby_at=started_at + 12,
                       versions={"start": "0.14.8", "standby": "0.15.6", "verify": "0.15.6"},
                       notes=("standby: failover done in 1.3 s; VIP ClusterIP on node-b",
                              "verify: ClusterIP and its service answer on node-b"))
    runbook_store.save(state)
    return state
