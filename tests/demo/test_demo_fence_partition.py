"""Fence through one side of a split brain, end to end on the demo cluster over real SSH: the
runner plans on the side that does not include the node, says what is in doubt, and the fence
history verifies it. Every other action is still refused in the split."""

from __future__ import annotations

from console.actions import audit, runner
from console.actions.plans import ActionKind, ActionPlan
from console.actions.requests import GuardedRequest
from console.actions.runner import Ending, RunEvents, RunSettings
from console.demo.serve import running_demo
from tests.demo.test_demo_ssh import snapshot_where


class TypedEvents(RunEvents):
    """Confirms by "typing" the node's name; keeps the plan it was shown."""

    def __init__(self) -> None:
        self.shown: list[ActionPlan] = []
        self.planned_on: list[str] = []

    def planning(self, request: GuardedRequest, run_on: str) -> None:
        self.planned_on.append(run_on)

    def previewed(self, plan: ActionPlan) -> None:
        self.shown.append(plan)

    async def confirm(self, plan: ActionPlan) -> str | None:
        return None if plan.typed_confirmation == "node-b" else "not typed"


async def test_the_side_without_the_node_fences_it_in_a_split_brain_with_the_doubt_said() -> None:
    async with running_demo() as demo:
        await demo.poller.next_snapshot()
        demo.cluster.enable_fencing()
        demo.cluster.cut_network("node-b")
        demo.cluster.timeline.settle(limit=30.0)
        demo.poller.refresh_now()
        # Both sides settled (a round read partly before the cut shows node-a still with node-b).
        split = await snapshot_where(demo.poller, lambda s: s.split_brain and s.partitions == (
            ("node-a",), ("node-b",)))

        standby = await runner.run_request(GuardedRequest(ActionKind.STANDBY, node="node-b"),
                                           split, demo.ssh, RunSettings("demo"), RunEvents())
        assert standby.ending is Ending.REFUSED and standby.message.startswith("SPLIT BRAIN")

        events = TypedEvents()
        report = await runner.run_request(GuardedRequest(ActionKind.FENCE, node="node-b"),
                                          split, demo.ssh, RunSettings("demo"), events)
    assert report.ending is Ending.EXECUTED and runner.exit_status(report) == 0, report.message
    assert report.message.startswith("fenced: reboot of node-b by node-a")
    assert events.planned_on == ["node-a"]
    [plan] = events.shown
    assert plan.run_on == "node-a"
    assert ("node-b is not seen by node-a's side: if it still runs, fencing it ends the split; "
            "the other side may fence node-a first") in plan.consequences
    entries = [(entry["action"], entry["outcome"]) for entry in audit.read_entries()]
    assert entries == [("standby", "refused"), ("fence", "done")]
