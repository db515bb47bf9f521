"""Which side of the cluster may fence a node, and what stays in doubt (pure).

Every other action is refused while the nodes disagree on membership, or without quorum: its
plan rests on one CIB that may not be the cluster's. Fencing is how a partition ends, and
Pacemaker's fencer does not ask for quorum (`stonith_admin --reboot` runs on a node without
it). So a fence is allowed through a partition that has quorum and does not include the node:
it runs on a member of that side, and the plan says in words what is in doubt. When no partition
has quorum it is refused like the rest, unless corosync's two_node is set: a lone node of a
two-node cluster may lack quorum (wait_for_all after a restart) and still be the only one left.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.actions import guards
from console.model.cluster import ClusterSnapshot
from console.model.live.partitions import PartitionView
from console.model.live.snapshot import LiveSnapshot, Verdict

DIVIDED = (Verdict.PARTITIONED, Verdict.SPLIT_BRAIN)
"""Verdicts in which the nodes' views disagree on who is a member."""


@dataclass(frozen=True, slots=True)
class FenceSide:
    """Where the fencing of a node is asked from, and the CIB it is judged on."""

    run_on: str | None
    """A member of the side, not the node fenced, to run stonith_admin on (None: nobody)."""
    cluster: ClusterSnapshot
    """The CIB hacon holds: the side's own when `own`, else another side's (its configuration
    still says whether fencing is on and which device can fence the node)."""
    own: bool = True
    """Whether `cluster` is the side's own CIB: only then do its node states and placements
    describe this side (else they are checked on the side's own CIB when it is planned)."""


def fence_side(snapshot: guards.Snapshot, node: str,
               now: float | None = None) -> FenceSide | str:
    """The side that may fence `node` and the CIB to judge it on, or why no side may."""
    if isinstance(snapshot, ClusterSnapshot):
        if node not in snapshot.nodes:
            return f"{node} is not a node of this cluster"
        return _side_of(snapshot, node)
    cluster = snapshot.cluster
    # A split brain inside one membership (the VIP bound twice) is not a side to fence from.
    divided = snapshot.verdict in DIVIDED and len(snapshot.partition_views) > 1
    agreed = snapshot.verdict not in (*DIVIDED, Verdict.UNKNOWN)
    lacking = agreed and cluster is not None and cluster.info.have_quorum is False
    if cluster is None or not (divided or lacking):
        usable, reason = guards.usable_for(snapshot, now, node=node)
        if usable is None:
            return reason or "the cluster's state is unknown"
        return _side_of(usable, node)
    unusable = _unusable(snapshot, cluster, node, now)
    if unusable is not None:
        return unusable
    if divided:
        return _divided(snapshot, cluster, node)
    if snapshot.two_node is not True:
        return ("this partition has no quorum: its CIB may not be the cluster's (a fence "
                "without quorum is allowed only with corosync's two_node)")
    return _side_of(cluster, node)


def fence_run_on(snapshot: LiveSnapshot, node: str) -> str | None:
    """The node to read the CIB on and run stonith_admin on (the source node when none may)."""
    side = fence_side(snapshot, node)
    if isinstance(side, FenceSide) and side.run_on is not None:
        return side.run_on
    return snapshot.source_node


def fencing_node(cluster: ClusterSnapshot, node: str) -> str | None:
    """An online node other than `node` to run stonith_admin on (the DC first), or None."""
    others = [peer for peer in cluster.nodes.values() if peer.online and peer.name != node]
    others.sort(key=lambda peer: (not peer.is_dc, peer.name))
    return others[0].name if others else None


def _side_of(cluster: ClusterSnapshot, node: str) -> FenceSide:
    return FenceSide(fencing_node(cluster, node), cluster)


def _unusable(snapshot: LiveSnapshot, cluster: ClusterSnapshot, node: str,
              now: float | None) -> str | None:
    if now is not None and snapshot.fetched_at is not None:
        age = now - snapshot.fetched_at
        if age > guards.MAX_DATA_AGE_S:
            return f"the data is {age:.0f} s old; refresh before acting"
    if node not in cluster.nodes:
        return f"{node} is not a node of this cluster"
    return None


def _divided(snapshot: LiveSnapshot, cluster: ClusterSnapshot, node: str) -> FenceSide | str:
    """Through a quorate side that does not include `node` (any side with two_node and no
    quorum anywhere); the side holding hacon's chosen CIB first, then the largest."""
    outside = [side for side in snapshot.partition_views
               if node not in side.members and side.reporters]
    if not outside:
        return f"every partition hacon reaches includes {node}: no side can fence it from outside"
    able = [side for side in outside if side.quorate is True]
    if not able:
        refusal = _no_quorate_side(snapshot, node)
        if refusal is not None:
            return refusal
        able = outside
    side = min(able, key=lambda s: (snapshot.source_node not in s.members, -len(s.members),
                                    s.members))
    own = snapshot.source_node in side.members
    run_on = snapshot.source_node if own else side.source or side.reporters[0]
    return FenceSide(run_on, cluster, own=own)


def _no_quorate_side(snapshot: LiveSnapshot, node: str) -> str | None:
    holding = [side for side in snapshot.partition_views if side.quorate is True]
    if holding:
        return (f"only {node}'s side ({_members(holding[0])}) has quorum: a fence from a side "
                "without it would fight the side that holds the cluster")
    if snapshot.two_node is True:
        return None
    sides = " | ".join(_members(side) for side in snapshot.partition_views)
    return (f"no partition has quorum ({sides}) and corosync's two_node is not set: no side "
            "speaks for the cluster; restore the network first")


def _members(side: PartitionView) -> str:
    return ", ".join(side.members)


def fence_doubts(cluster: ClusterSnapshot, node: str, run_on: str) -> tuple[str, ...]:
    """What the fence of `node` asked from `run_on` cannot know, in words (from run_on's CIB)."""
    doubts = []
    if node in cluster.nodes and not cluster.nodes[node].online:
        doubts.append(f"{node} is not seen by {run_on}'s side: if it still runs, fencing it "
                      f"ends the split; the other side may fence {run_on} first")
    if cluster.info.have_quorum is False:
        doubts.append(f"{run_on}'s side has no quorum (corosync two_node): the fencer does "
                      "not ask for it, but this CIB may not be the cluster's newest")
    return tuple(doubts)
