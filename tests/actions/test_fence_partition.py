"""Fence through a partition: from a quorate side that does not include the node, the doubt in
words, and refused when no side speaks for the cluster (unless two_node).

The 2-node CIBs are the lab's split brain (each side its own quorate DC, running the VIP), with
fencing turned on as the fencing lab has it; the 3-node ones are the lab's healthy cluster with
node-c cut off (the majority keeps quorum, node-c alone has none).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from cib_edits import edited, lab_cib, no_quorum, offline, standby
from test_fence import fenced
from test_plans import pytestmark  # noqa: F401 - skip without Pacemaker's tools

from console.actions import catalog, fence, guards
from console.actions.execute import _changed_words
from console.actions.fence_side import FenceSide, fence_side
from console.actions.plans import ActionKind, ActionRefused
from console.actions.requests import GuardedRequest
from console.model import parse_cib
from console.model.live.snapshot import LiveSnapshot, NodeView, Verdict
from console.model.live.verdict import build_live_snapshot

NOW = 1_800_000_000.0
SIDE_A = fenced(lab_cib("split-brain", "node-a"))
SIDE_B = fenced(lab_cib("split-brain", "node-b"))


def sides(cibs: dict[str, bytes], *, two_node: bool | None = True,
          fetched_at: float = NOW - 1) -> LiveSnapshot:
    """Every node reachable, each reporting what its own CIB says (DC, quorum, members)."""
    views, parsed = {}, {}
    for node, cib in cibs.items():
        parsed[node] = own = parse_cib(cib)
        views[node] = NodeView(
            node=node, reachable=True, cib_version=own.version, dc=own.info.dc,
            quorate=own.info.have_quorum, two_node=two_node, fetched_at=fetched_at,
            online=tuple(sorted(name for name, state in own.nodes.items() if state.online)))
    return build_live_snapshot(views, parsed, NOW)


def split(*, two_node: bool | None = True, quorum: bool = True) -> LiveSnapshot:
    cibs = {"node-a": SIDE_A, "node-b": SIDE_B}
    if not quorum:
        cibs = {node: edited(cib, no_quorum) for node, cib in cibs.items()}
    return sides(cibs, two_node=two_node)


def three_cut_from_c() -> LiveSnapshot:
    majority = edited(fenced(lab_cib("healthy-3node", "node-a"), hosts="node-a node-b node-c"),
                      offline("node-c"))
    alone = edited(fenced(lab_cib("healthy-3node", "node-c"), hosts="node-a node-b node-c"),
                   offline("node-a"), offline("node-b"), no_quorum)
    return sides({"node-a": majority, "node-b": majority, "node-c": alone}, two_node=False)


def test_the_lab_split_brain_is_refused_to_every_other_action() -> None:
    snapshot = split()
    assert snapshot.verdict is Verdict.SPLIT_BRAIN and len(snapshot.partition_views) == 2
    reason = guards.standby_blocked_reason(snapshot, "node-b", now=NOW)
    assert reason is not None and reason.startswith("SPLIT BRAIN")


@pytest.mark.parametrize(("target", "side"), [("node-b", "node-a"), ("node-a", "node-b")])
def test_either_side_of_a_two_node_split_may_fence_the_other(target: str, side: str) -> None:
    snapshot = split()
    assert fence.fence_blocked_reason(snapshot, target, now=NOW) is None
    request = GuardedRequest(ActionKind.FENCE, node=target)
    assert catalog.spec_of(ActionKind.FENCE).run_on(snapshot, request) == side


def test_the_plan_on_the_fencing_side_says_what_is_in_doubt() -> None:
    plan = fence.plan_fence(SIDE_A, "node-b", run_on="node-a")
    assert plan.run_on == "node-a" and plan.typed_confirmation == "node-b"
    assert plan.argv[:3] == ("stonith_admin", "--reboot", "node-b")
    doubt = ("node-b is not seen by node-a's side: if it still runs, fencing it ends the "
             "split; the other side may fence node-a first")
    assert doubt in plan.consequences and doubt in plan.changes  # kept after the preview


def test_the_side_without_the_chosen_cib_is_judged_on_its_configuration_until_planned() -> None:
    snapshot = split()
    side = fence_side(snapshot, "node-a", now=NOW)
    assert isinstance(side, FenceSide) and side.run_on == "node-b"
    assert side.own is (snapshot.source_node == "node-b")


def test_fencing_disabled_is_refused_in_a_partition_too() -> None:
    snapshot = sides({"node-a": lab_cib("split-brain", "node-a"),
                      "node-b": lab_cib("split-brain", "node-b")})
    reason = fence.fence_blocked_reason(snapshot, "node-b", now=NOW)
    assert reason is not None and reason.startswith("fencing is disabled")


def test_no_side_with_quorum_is_refused_unless_two_node() -> None:
    reason = fence.fence_blocked_reason(split(quorum=False, two_node=False), "node-b", now=NOW)
    assert reason is not None and reason.startswith(
        "no partition has quorum (node-a | node-b) and corosync's two_node is not set")
    assert fence.fence_blocked_reason(split(quorum=False, two_node=None), "node-b",
                                      now=NOW) is not None
    assert fence.fence_blocked_reason(split(quorum=False), "node-b", now=NOW) is None
    plan = fence.plan_fence(edited(SIDE_A, no_quorum), "node-b", run_on="node-a")
    assert any(line.startswith("node-a's side has no quorum (corosync two_node): the fencer "
                               "does not ask for it") for line in plan.consequences)


def test_a_lone_node_without_quorum_may_fence_only_with_two_node() -> None:
    lone = sides({"node-a": edited(fenced(), no_quorum)}, two_node=False)
    reason = fence.fence_blocked_reason(lone, "node-b", now=NOW)
    assert reason is not None and "no quorum" in reason and "two_node" in reason
    lone = sides({"node-a": edited(fenced(), no_quorum)}, two_node=True)
    assert fence.fence_blocked_reason(lone, "node-b", now=NOW) is None


def test_the_quorate_majority_may_fence_the_cut_node_and_the_minority_may_not_fence_it() -> None:
    snapshot = three_cut_from_c()
    assert snapshot.verdict is Verdict.PARTITIONED
    assert fence.fence_blocked_reason(snapshot, "node-c", now=NOW) is None
    request = GuardedRequest(ActionKind.FENCE, node="node-c")
    assert catalog.spec_of(ActionKind.FENCE).run_on(snapshot, request) in ("node-a", "node-b")
    reason = fence.fence_blocked_reason(snapshot, "node-a", now=NOW)
    assert reason == ("only node-a's side (node-a, node-b) has quorum: a fence from a side "
                      "without it would fight the side that holds the cluster")


def test_stale_data_and_unknown_nodes_are_refused_in_a_partition() -> None:
    stale = fence.fence_blocked_reason(split(), "node-b", now=NOW + 100)
    assert stale is not None and "old; refresh before acting" in stale
    unknown = fence.fence_blocked_reason(split(), "node-z", now=NOW)
    assert unknown == "node-z is not a node of this cluster"


def test_every_node_of_one_membership_is_not_a_side_to_fence_from() -> None:
    # The VIP bound twice inside one membership is a split brain with one side only: refused.
    healthy = sides({"node-a": fenced(), "node-b": fenced(lab_cib(node="node-b"))})
    one_side = replace(healthy, verdict=Verdict.SPLIT_BRAIN, split_brain=True)
    reason = fence.fence_blocked_reason(one_side, "node-b", now=NOW)
    assert reason is not None and reason.startswith("SPLIT BRAIN")


def test_a_plan_whose_words_changed_since_the_preview_is_refused() -> None:
    confirmed = fence.plan_fence(SIDE_A, "node-b", run_on="node-a")
    healed = fence.plan_fence(fenced(), "node-b", run_on="node-a")
    reason = _changed_words(confirmed.changes, healed.changes)
    assert reason.startswith("the cluster changed since the preview: it no longer says: "
                             "node-b is not seen by node-a's side")


def test_the_plan_is_refused_on_the_fencing_sides_cib_when_the_vip_would_have_nowhere_to_go(
        ) -> None:
    # node-b's CIB still has node-a (now unclean) running ClusterIP, as before the cut; with
    # node-b in standby on its own side, nobody there could take the VIP over.
    side_b = edited(SIDE_B, standby("node-b"))
    with pytest.raises(ActionRefused, match="node-a holds ClusterIP and no other node could "
                                            r"take it over \(node-b in standby"):
        fence.plan_fence(side_b, "node-a", run_on="node-b")
