"""Guards: one pure function per action, answering "why not?" with a sentence, or None.

The same function greys the key (with its reason on screen), filters the command palette and
refuses the CLI command (exit 3). Each accepts the live snapshot (every node's view: refused
when the data is stale, partitioned, in split brain, or without quorum) or a bare
`ClusterSnapshot` (one freshly read CIB: what the executor re-checks before every retry).

The danger the standby guard exists for: a node forgotten in standby, then the other one put in
standby too. A standby is refused when afterwards no node could run the VIP (see
`console.actions.eligibility`), and so never leaves every node of the cluster in standby.
"""

from __future__ import annotations

from console.actions.eligibility import (
    cli_constraints,
    node_unavailable_reason,
    preferred_node,
    vip_blockers_on,
    vip_candidates,
)
from console.model.cluster import ClusterSnapshot, Vip
from console.model.live.snapshot import LiveSnapshot, Verdict

Snapshot = LiveSnapshot | ClusterSnapshot
MAX_DATA_AGE_S = 30.0
"""Older data is not acted on: the cluster may have changed in ways hacon has not seen."""


def standby_blocked_reason(snapshot: Snapshot, node: str, *,
                           now: float | None = None) -> str | None:
    """Why `node` may not be put in standby now, or None."""
    cluster, reason = usable_for(snapshot, now, node=node)
    if cluster is None:
        return reason
    if cluster.nodes[node].standby:
        return f"{node} is already in standby"
    if cluster.info.maintenance_mode:
        return "the cluster is in maintenance mode: nothing would move"
    for vip in cluster.vips.values():
        reason = _no_vip_node_after_standby(cluster, vip, node)
        if reason is not None:
            return reason
    others = [name for name, other in cluster.nodes.items()
              if name != node and node_unavailable_reason(other) is None]
    if not others:
        return f"{node} is the last node that can run resources; every other node is unavailable"
    return None


def online_blocked_reason(snapshot: Snapshot, node: str, *,
                          now: float | None = None) -> str | None:
    """Why `node` may not be brought out of standby now, or None."""
    cluster, reason = usable_for(snapshot, now, node=node)
    if cluster is None:
        return reason
    if not cluster.nodes[node].standby:
        return f"{node} is not in standby"
    return None


def cleanup_blocked_reason(snapshot: Snapshot, resource: str, node: str | None = None, *,
                           now: float | None = None) -> str | None:
    """Why the failures of `resource` (on `node`, or anywhere) may not be cleaned up, or None."""
    cluster, reason = usable_for(snapshot, now, resource=resource, node=node)
    if cluster is None:
        return reason
    if not _failure_nodes(cluster, resource, node):
        where = f" on {node}" if node else ""
        return f"{resource} has no failcount or failed operation{where} to clean up"
    return None


def clear_blocked_reason(snapshot: Snapshot, resource: str | None = None, *,
                         now: float | None = None) -> str | None:
    """Why leftover cli-prefer / cli-ban constraints (of `resource`, or all) may not go, or None."""
    cluster, reason = usable_for(snapshot, now, resource=resource)
    if cluster is None:
        return reason
    if not cli_constraints(cluster, resource):
        owner = f" of {resource}" if resource else ""
        return f"there is no cli-prefer or cli-ban constraint{owner} to clear"
    return None


def failback_blocked_reason(snapshot: Snapshot, *, now: float | None = None) -> str | None:
    """Why the VIP may not be moved back to its preferred node now, or None."""
    cluster, reason = _usable(snapshot, now)
    if cluster is None:
        return reason
    vip = main_vip(cluster)
    if vip is None:
        return "this cluster has no virtual IP (IPaddr2 resource)"
    preferred = preferred_node(cluster, vip)
    if preferred is None:
        return f"{vip.id} has no preferred node (no positive location score)"
    node, _ = preferred
    if vip.holder_nodes == (node,):
        return f"{vip.id} already runs on its preferred node {node}"
    if cluster.info.maintenance_mode:
        return "the cluster is in maintenance mode: nothing would move"
    blocker = vip_blockers_on(cluster, vip, node)
    # A cli-ban there is what failback clears; anything else keeps the VIP away.
    if blocker is not None and " banned there by cli-" not in blocker:
        return f"{vip.id} cannot run on its preferred node {node}: {blocker}"
    return None


def main_vip(cluster: ClusterSnapshot) -> Vip | None:
    """The VIP actions move (the first IPaddr2 resource in configuration order)."""
    return next(iter(cluster.vips.values()), None)


def _no_vip_node_after_standby(cluster: ClusterSnapshot, vip: Vip, node: str) -> str | None:
    candidates = vip_candidates(cluster, vip, excluding=(node,))
    if any(blocker is None for blocker in candidates.values()):
        return None
    why = "; ".join(f"{name} {blocker}" for name, blocker in candidates.items()) or "no other node"
    return f"after a standby of {node} no node could run {vip.id} ({why})"


def _failure_nodes(cluster: ClusterSnapshot, resource: str, node: str | None) -> set[str]:
    counted = {name for name, count in cluster.resources[resource].failcount.items() if count}
    failed = {failure.node for failure in cluster.failures if failure.resource == resource}
    found = counted | failed
    return found if node is None else found & {node}


def usable_for(snapshot: Snapshot, now: float | None, *, resource: str | None = None,
                node: str | None = None) -> tuple[ClusterSnapshot | None, str | None]:
    """`_usable`, and None with why when the cluster has no such `resource` or `node`.

    Every guard that names a target starts here, so each says alike that the target is unknown.
    """
    cluster, reason = _usable(snapshot, now)
    if cluster is None:
        return None, reason
    if resource is not None and resource not in cluster.resources:
        return None, f"{resource} is not a resource of this cluster"
    if node is not None and node not in cluster.nodes:
        return None, f"{node} is not a node of this cluster"
    return cluster, None


def _usable(snapshot: Snapshot, now: float | None) -> tuple[ClusterSnapshot | None, str | None]:
    """The cluster to reason about, or None and why the data cannot be acted on."""
    if isinstance(snapshot, ClusterSnapshot):
        return _quorate(snapshot)
    if snapshot.cluster is None:
        return None, "no node gave its CIB: the cluster's state is unknown"
    if snapshot.split_brain or snapshot.verdict is Verdict.SPLIT_BRAIN:
        return None, "SPLIT BRAIN: two partitions run the VIP; resolve it before any action"
    if snapshot.verdict is Verdict.PARTITIONED:
        groups = " | ".join(", ".join(part) for part in snapshot.partitions) or "unknown"
        return None, f"the nodes disagree on membership (partitions: {groups})"
    if snapshot.verdict is Verdict.UNKNOWN:
        return None, "no node answered: the cluster's state is unknown"
    if now is not None and snapshot.fetched_at is not None:
        age = now - snapshot.fetched_at
        if age > MAX_DATA_AGE_S:
            return None, f"the data is {age:.0f} s old; refresh before acting"
    return _quorate(snapshot.cluster)


def _quorate(cluster: ClusterSnapshot) -> tuple[ClusterSnapshot | None, str | None]:
    if cluster.info.have_quorum is False:
        return None, "this partition has no quorum: its CIB may not be the cluster's"
    return cluster, None


def guard_inputs(snapshot: LiveSnapshot | None) -> tuple[object, ...]:
    """What the action guards read from a snapshot: the CIB version (any CIB change moves it),
    the verdict, each node's answer and the VIPs' kernel truth, but not the data's age.
    Equal inputs give equal guard answers."""
    if snapshot is None:
        return ()
    version = snapshot.cluster.version if snapshot.cluster else None
    views = tuple((name, view.reachable, view.quorate, view.dc, view.online, view.service_running)
                  for name, view in sorted(snapshot.views.items()))
    truth = tuple((vip, t.truth, t.bound_on) for vip, t in sorted(snapshot.vip_truth.items()))
    return (version, snapshot.verdict, snapshot.split_brain, views, truth)
