"""Helpers for the guarded-action UI tests: the demo cluster as the command runner, and waits.

The console gets a snapshot parsed from the demo cluster's own CIB (so the guard on screen and
the executor's fresh CIB agree), and a runner that answers from the demo nodes in-process
(`tests/actions/demo_runner.py`) and records every command with its stdin.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from console.actions import audit
from console.demo.cluster import DemoCluster
from console.demo.timeline import FakeClock
from console.model.live.snapshot import LiveSnapshot
from console.model.snapshot import parse_cib
from console.transport.base import CommandResult
from console.ui.app import ConsoleApp
from tests.actions.demo_runner import DemoRunner
from tests.support import snapshots as b

WRITING_TOOLS = frozenset({"crm_resource", "crm_attribute", "crm_standby", "crm_node", "pcs",
                           "crm"})
"""Commands that change a cluster (besides `cibadmin --patch/--replace/...`)."""


class RecordingDemoRunner(DemoRunner):
    """The demo runner, also keeping each command's stdin (the versioned patch)."""

    def __init__(self, cluster: DemoCluster, clock: FakeClock) -> None:
        super().__init__(cluster, clock)
        self.inputs: list[tuple[tuple[str, ...], bytes | None]] = []

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        self.inputs.append((tuple(argv), input))
        return await super().run(node, argv, timeout=timeout, input=input)

    def writes(self) -> list[tuple[tuple[str, ...], bytes | None]]:
        """Every command sent that changes the cluster."""
        return [(argv, data) for argv, data in self.inputs if is_write(argv)]


def is_write(argv: tuple[str, ...]) -> bool:
    """Whether the command changes the CIB (reads: cibadmin -Q, crm_simulate, ip, crmadmin)."""
    if not argv:
        return False
    if argv[0] == "cibadmin":
        return not set(argv[1:]) <= {"-Q", "--query", "-n", "--no-children"}
    return argv[0] in WRITING_TOOLS


def demo_cluster() -> tuple[DemoCluster, RecordingDemoRunner]:
    """A healthy 2-node demo cluster (ClusterIP and OSIPS on node-a) and its runner."""
    clock = FakeClock()
    cluster = DemoCluster(2, clock)
    return cluster, RecordingDemoRunner(cluster, clock)


def live_from(runner: DemoRunner, node: str = "node-a") -> LiveSnapshot:
    """What the console shows for the demo cluster now (every node answered, fresh)."""
    status, cib, _ = runner.handler.answer(node, ["cibadmin", "-Q"], b"")
    assert status == 0
    return b.live(parse_cib(cib))


def record_notifications(app: ConsoleApp) -> list[str]:
    """Keep the text of every notification the app raises from now on (toasts expire)."""
    said: list[str] = []
    notify = app.notify

    def recording(message: str, **options: object) -> None:
        said.append(str(message))
        notify(message, **options)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign]
    return said


def audit_entries() -> list[dict[str, object]]:
    """The audit journal of this test (XDG_STATE_HOME is per test)."""
    path: Path = audit.journal_path()
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


