"""The fence's mark: a versioned patch on the target node that makes a fence take part in the
compare-and-swap, so a fence and another console's standby never both land.

The patch is checked with the real cibadmin and crm_simulate; the races run on the demo cluster's
nodes, with the other console's action slipped in at the exact moment that makes the race.
"""

from __future__ import annotations

import datetime
import re
import subprocess
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import pytest
from cib_edits import edited, node_attribute, standby
from demo_runner import DemoRunner
from lxml import etree
from test_fence import TWO, fenced
from test_plans import TOOL_PATH, cibadmin_patch
from test_plans import pytestmark  # noqa: F401 - skip without Pacemaker's tools

from console.actions import audit, execute, fence, guards
from console.actions.execute import ActionOutcome, OutcomeStatus
from console.actions.plans import ActionKind, ActionPlan, ActionRefused
from console.actions.requests import GuardedRequest
from console.actions.runner import Ending, RunEvents, RunSettings, run_request
from console.actions.upkeep import cib_time
from console.demo.cluster import DemoCluster
from console.demo.timeline import FakeClock
from console.model import parse_cib
from console.model.fencing_mark import (
    BY_ATTRIBUTE,
    MARK_ATTRIBUTE,
    STALE_AFTER_S,
    fencing_mark_of,
    mark_value,
)
from console.model.live.live_advisories import live_advisories
from console.presentation.advice import next_step
from console.transport.base import CommandResult
from tests.support.snapshots import live as live_snapshot
from tests.ui.actions_fixtures import live_from

NODES = ("node-a", "node-b")


def iso(at: float) -> str:
    return mark_value(datetime.datetime.fromtimestamp(at, datetime.UTC))


def marked(cib: bytes, node: str, at: float, by: str = "node-a") -> bytes:
    """`cib` with hacon's fencing mark on `node`, set at `at`."""
    return edited(cib, node_attribute(node, MARK_ATTRIBUTE, iso(at)),
                  node_attribute(node, BY_ATTRIBUTE, by))


def node_pairs(cib: bytes, node: str) -> dict[str, str]:
    root = etree.fromstring(cib)
    element = next(n for n in root.iterfind("configuration/nodes/node") if n.get("uname") == node)
    return {pair.get("name", ""): pair.get("value", "")
            for pair in element.iterfind("instance_attributes/nvpair")}


# -- the patch -----------------------------------------------------------------------------------


@pytest.mark.parametrize("before", ["no attributes", "standby=off"])
def test_the_mark_is_a_versioned_patch_of_the_target_that_a_moved_cib_refuses(
        before: str, tmp_path: Path) -> None:
    cib = fenced() if before == "no attributes" else edited(fenced(), standby("node-b", "off"))
    when = cib_time(time.time())
    plan = fence.plan_fence(cib, "node-b", run_on="node-a", when=when)
    assert plan.mark is not None and plan.argv[0] == "stonith_admin"
    status, applied = cibadmin_patch(cib, plan.mark, tmp_path)
    assert status == 0
    assert node_pairs(applied, "node-b") == {
        **node_pairs(cib, "node-b"), MARK_ATTRIBUTE: when.replace(" ", "T"),
        BY_ATTRIBUTE: "node-a"}
    assert node_pairs(applied, "node-a") == node_pairs(cib, "node-a")

    landed = guards_standby_plan(cib, "node-a")  # another console's standby landed first
    status, after = cibadmin_patch(landed, plan.mark, tmp_path)
    assert status == 103 and MARK_ATTRIBUTE not in node_pairs(after, "node-b")


def test_the_unmark_patch_removes_both_attributes_and_nothing_else(tmp_path: Path) -> None:
    cib = marked(fenced(), "node-b", time.time())
    patch = fence.unmark_patch(cib, "node-b")
    assert patch is not None
    status, applied = cibadmin_patch(cib, patch, tmp_path)
    assert status == 0 and node_pairs(applied, "node-b") == {}
    assert fence.unmark_patch(applied, "node-b") is None  # nothing left to remove


def test_a_preview_plan_has_no_mark_yet_and_says_it_will_write_one() -> None:
    plan = fence.plan_fence(fenced(), "node-b", run_on="node-a")
    assert plan.mark is None
    assert any(f"node attribute {MARK_ATTRIBUTE}" in line for line in plan.changes)


def test_pacemaker_places_nothing_differently_because_of_the_mark(tmp_path: Path) -> None:
    cib = fenced()
    assert scheduler_view(marked(cib, "node-a", time.time()), tmp_path) == \
        scheduler_view(cib, tmp_path)


def scheduler_view(cib: bytes, tmp_path: Path) -> list[str]:
    """crm_simulate's allocation scores and transition for `cib` (the lines that could move)."""
    path = tmp_path / "view.xml"
    path.write_bytes(cib)
    result = subprocess.run(["crm_simulate", "--xml-file", str(path), "--show-scores",
                             "--simulate"], env={"PATH": TOOL_PATH, "LC_ALL": "C",
                                                 "CIB_shadow_dir": str(tmp_path)},
                            capture_output=True, text=True, check=True)
    lines = [line for line in result.stdout.splitlines() if "score" in line or "*" in line]
    assert any("ClusterIP" in line for line in lines)
    return lines


# -- the guards ----------------------------------------------------------------------------------


def guards_standby_plan(cib: bytes, node: str) -> bytes:
    from console.actions.plans import plan_standby

    return plan_standby(cib, node, run_on="node-b").simulate_cib


def test_a_standby_leaving_only_a_node_being_fenced_is_refused_in_words() -> None:
    now = time.time()
    cib = parse_cib(marked(fenced(), "node-b", now - 5, by="node-a"))
    reason = guards.standby_blocked_reason(cib, "node-a")
    assert reason is not None and "node-b being fenced by hacon (since " in reason
    assert "from node-a)" in reason


def test_a_stale_mark_is_ignored_by_the_guards() -> None:
    old = time.time() - STALE_AFTER_S - 60
    cib = parse_cib(marked(fenced(), "node-b", old))
    assert guards.standby_blocked_reason(cib, "node-a") is None


def test_a_node_already_being_fenced_is_not_fenced_twice() -> None:
    cib = marked(fenced(), "node-b", time.time() - 5)
    with pytest.raises(ActionRefused, match="node-b is already being fenced by hacon"):
        fence.plan_fence(cib, "node-b", run_on="node-a")


def test_a_fence_after_a_standby_of_the_vip_holder_is_refused() -> None:
    cib = guards_standby_plan(fenced(), "node-a")  # ClusterIP still on node-a, now in standby
    with pytest.raises(ActionRefused, match="after fencing node-b no node could run ClusterIP "
                                            r"\(node-a in standby\)"):
        fence.plan_fence(cib, "node-b", run_on="node-a")


def test_a_fence_beside_a_holder_in_maintenance_is_allowed() -> None:
    cib = edited(fenced(), node_attribute("node-a", "maintenance", "true"))
    assert fence.plan_fence(cib, "node-b", run_on="node-a").node == "node-b"


def test_a_stale_mark_is_a_leftover_advisory_with_the_command_that_removes_it() -> None:
    now = time.time()
    cib = parse_cib(marked(fenced(), "node-b", now - 600))
    live = live_snapshot(cib, fetched_at=now)
    [advisory] = [a for a in live_advisories(live) if a.code == "fencing-mark-left"]
    assert advisory.subject == "node-b" and "10 min ago from node-a" in advisory.text
    assert next_step(advisory, cib).command == \
        f"pcs node attribute node-b {MARK_ATTRIBUTE}= {BY_ATTRIBUTE}="
    fresh = live_snapshot(parse_cib(marked(fenced(), "node-b", now - 5)), fetched_at=now)
    assert not [a for a in live_advisories(fresh) if a.code == "fencing-mark-left"]
    assert fencing_mark_of(cib.nodes["node-b"]) is not None


# -- the races, on the demo's nodes -------------------------------------------------------------


class Interposed(DemoRunner):
    """A demo runner that runs `meanwhile` (the other console) once, just before the first
    command whose argv starts with `before`."""

    def __init__(self, cluster: DemoCluster, clock: FakeClock, before: str,
                 meanwhile: Callable[[], Awaitable[ActionOutcome]]) -> None:
        super().__init__(cluster, clock)
        self.before, self.meanwhile = before, meanwhile
        self.other: ActionOutcome | None = None

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        if self.other is None and " ".join(argv).startswith(self.before):
            self.other = await self.meanwhile()
        return await super().run(node, argv, timeout=timeout, input=input)


def demo() -> tuple[DemoCluster, FakeClock]:
    clock = FakeClock()
    cluster = DemoCluster(2, clock)
    cluster.enable_fencing()
    return cluster, clock


async def previewed(runner: DemoRunner, kind: ActionKind, node: str) -> ActionPlan:
    plan = await execute.prepare(kind, runner, "node-b" if node == "node-a" else "node-a",
                                 node=node)
    return await execute.preview(plan, runner)


async def test_a_standby_landing_before_the_mark_makes_the_fence_replan_and_refuse() -> None:
    cluster, clock = demo()
    plain = DemoRunner(cluster, clock)
    holder = cluster.holders("ClusterIP")[0]
    peer = next(node for node in NODES if node != holder)
    standby = await previewed(plain, ActionKind.STANDBY, holder)
    fencing = await previewed(plain, ActionKind.FENCE, peer)
    racing = Interposed(cluster, clock, "cibadmin --patch",
                        lambda: execute.run_plan(standby, plain, nodes=NODES, verify=False))
    outcome = await execute.run_plan(fencing, racing, nodes=NODES, verify=False)
    assert racing.other is not None and racing.other.status is OutcomeStatus.DONE
    assert outcome.status is OutcomeStatus.REFUSED and outcome.conflicts == 1
    assert f"after fencing {peer} no node could run ClusterIP ({holder} in standby)" \
        in outcome.message
    assert not any(argv[0] == "stonith_admin" for _, argv in racing.calls)


async def test_a_mark_landing_before_the_standby_makes_the_standby_replan_and_refuse() -> None:
    cluster, clock = demo()
    plain = DemoRunner(cluster, clock)
    holder = cluster.holders("ClusterIP")[0]
    peer = next(node for node in NODES if node != holder)
    standby = await previewed(plain, ActionKind.STANDBY, holder)
    fencing = await previewed(plain, ActionKind.FENCE, peer)
    racing = Interposed(cluster, clock, "stonith_admin --reboot",
                        lambda: execute.run_plan(standby, plain, nodes=NODES, verify=False))
    outcome = await execute.run_plan(fencing, racing, nodes=NODES, verify=False)
    # The standby's version check (or its exit 103) re-plans it on the CIB with the mark.
    assert racing.other is not None and racing.other.status is OutcomeStatus.REFUSED
    assert f"{peer} being fenced by hacon (since " in racing.other.message
    assert outcome.status is OutcomeStatus.DONE, outcome.message
    assert re.search(rf"mark {MARK_ATTRIBUTE}=\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ "
                     rf"\(from {holder}\) removed$", outcome.message), outcome.message
    config = cluster.partition_of(holder).config
    assert config.standby_value(holder) is None and config.marks == ()


class FailingFence(DemoRunner):
    """A demo runner whose stonith_admin fails (the device did not answer)."""

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        if argv[0] == "stonith_admin":
            self.calls.append((node, tuple(argv)))
            return CommandResult(node, tuple(argv), 1, b"", b"fence_lab: timed out\n", 0.0)
        return await super().run(node, argv, timeout=timeout, input=input)


async def test_a_failed_fence_removes_its_mark_and_says_so() -> None:
    cluster, clock = demo()
    runner = FailingFence(cluster, clock)
    holder = cluster.holders("ClusterIP")[0]
    peer = next(node for node in NODES if node != holder)
    outcome = await execute.run_plan(await previewed(runner, ActionKind.FENCE, peer), runner,
                                     nodes=NODES)
    assert outcome.status is OutcomeStatus.FAILED
    assert outcome.message.startswith("stonith_admin --reboot on ")
    assert "fence_lab: timed out" in outcome.message and outcome.message.endswith("removed")
    assert cluster.partition_of(holder).config.marks == ()
    assert guards.standby_blocked_reason(parse_cib(await execute.fetch_cib(runner, holder)),
                                         holder) is None


class Typing(RunEvents):
    async def confirm(self, plan: ActionPlan) -> str | None:
        return None if plan.typed_confirmation == plan.node else "not typed"


async def test_the_journal_entry_of_a_fence_names_the_mark_and_its_removal() -> None:
    cluster, clock = demo()
    runner = FailingFence(cluster, clock)
    peer = next(node for node in NODES if node != cluster.holders("ClusterIP")[0])
    report = await run_request(GuardedRequest(ActionKind.FENCE, node=peer), live_from(runner),
                               runner, RunSettings("demo", nodes=NODES), Typing())
    assert report.ending is Ending.EXECUTED
    [entry] = audit.read_entries()
    assert (entry["action"], entry["target"], entry["outcome"]) == ("fence", peer, "failed")
    assert re.search(rf"; mark {MARK_ATTRIBUTE}=\S+ \(from \S+\) removed$", entry["message"])
    assert any(f"node attribute {MARK_ATTRIBUTE}" in line for line in entry["predicted"])
