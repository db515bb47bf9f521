"""The demo's own preview (no Pacemaker installed) against the real crm_simulate (oracle)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cib_edits import ban, edited, standby
from demo_runner import DemoRunner
from test_plans import simulate

from console.actions import execute
from console.actions.plans import ActionKind
from console.actions.prediction import parse_prediction
from console.demo import simulate as demo_simulate
from console.demo.cib import render_cib
from console.demo.cluster import DemoCluster
from console.demo.predict import predict
from console.demo.timeline import FakeClock

pytestmark = pytest.mark.skipif(
    shutil.which("crm_simulate", path="/usr/sbin:/usr/bin") is None,
    reason="LOUD SKIP: the oracle crm_simulate is not installed (tests/run installs it)")


def view(cluster: DemoCluster, node: str) -> bytes:
    return render_cib(cluster.partition_of(node), cluster.runtimes, cluster.node_names)


def comparable(data: bytes) -> tuple[object, ...]:
    prediction = parse_prediction(data)
    actions = tuple((a.action, a.resource, a.node, a.source, a.dest) for a in prediction.actions)
    return actions, dict(prediction.running_after)


@pytest.mark.parametrize("edits", [
    pytest.param((), id="nothing"),
    pytest.param((standby("node-a"),), id="standby-holder"),
    pytest.param((standby("node-b"),), id="standby-other"),
    pytest.param((standby("node-a"), standby("node-b")), id="both-standby"),
    pytest.param((ban("ClusterIP", "node-a"),), id="ban-holder"),
    pytest.param((ban("OSIPS", "node-a"),), id="ban-service"),
])
def test_the_demo_predicts_what_the_real_scheduler_predicts(edits: tuple[object, ...],
                                                            tmp_path: Path) -> None:
    cluster = DemoCluster(2, FakeClock())
    cib = edited(view(cluster, "node-a"), *edits)  # type: ignore[arg-type]
    status, demo_answer, _ = predict(cluster, "node-a", cib)
    assert status == 0
    assert comparable(demo_answer) == comparable(simulate(cib, tmp_path))


async def test_without_crm_simulate_the_executor_gets_the_demos_prediction(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_simulate, "find_tool", lambda name: None)
    monkeypatch.setattr(execute, "find_tool", lambda name: None)
    clock = FakeClock()
    runner = DemoRunner(DemoCluster(2, clock), clock)
    plan = await execute.preview(
        await execute.prepare(ActionKind.STANDBY, runner, "node-b", node="node-a"), runner)
    assert plan.consequences == ("ClusterIP moves node-a → node-b", "OSIPS moves node-a → node-b")
