"""The verdict across every node's own view, the kernel's truth per VIP, and the live snapshot.

No single node can show a split brain: each side of a partition looks healthy on its own (seen
in the lab, tests/lab/README.md). Only comparing the nodes' views does: different DCs, each side
seeing the other gone, and the VIP running in both partitions or bound on more than one node's
interfaces.

Only reachable nodes' data is compared. An unreachable node keeps its last view in the snapshot
(with `reachable=False`, its reason and its old `fetched_at`), but nothing it said earlier is
counted as if it were said now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from console.model.cluster import ClusterSnapshot
from console.model.live.node_view import vip_interfaces
from console.model.live.snapshot import KernelTruth, LiveSnapshot, NodeView, Verdict, VipTruth
from console.model.types import CibVersion


def build_live_snapshot(views: Mapping[str, NodeView],
                        cibs_by_node: Mapping[str, ClusterSnapshot],
                        now: float, previous_source: str | None = None) -> LiveSnapshot:
    """Combine every node's view and its own parsed CIB into one immutable LiveSnapshot.

    Args:
        views: node name -> that node's latest view (unreachable ones with reachable=False).
        cibs_by_node: node name -> that node's own CIB, parsed (only reachable nodes count).
        now: time.time() of the build, kept as `built_at`.
        previous_source: the source node of the previous snapshot, kept across partitions.
    """
    fresh_cibs = {name: cib for name, cib in cibs_by_node.items()
                  if name in views and views[name].reachable}
    source = choose_source(views, fresh_cibs, previous_source)
    cluster = fresh_cibs[source] if source is not None else None
    vip_addresses = _vip_addresses(cluster, fresh_cibs)
    views_out = {name: _with_vip_bindings(view, vip_addresses)
                 for name, view in sorted(views.items())}
    partitions = find_partitions(views_out)
    vip_truth = kernel_truth(views_out, cluster, vip_addresses)
    split = is_split_brain(views_out, fresh_cibs, vip_truth)
    fetched = [view.fetched_at for view in views_out.values()
               if view.reachable and view.fetched_at is not None]
    return LiveSnapshot(
        cluster=cluster, source_node=source, views=views_out,
        verdict=decide_verdict(views_out, partitions, split),
        split_brain=split, vip_truth=vip_truth,
        fetched_at=max(fetched) if fetched else None,
        partitions=partitions, built_at=now,
    )


def choose_source(views: Mapping[str, NodeView], cibs: Mapping[str, ClusterSnapshot],
                  previous: str | None = None) -> str | None:
    """The node whose CIB stands for the cluster: the freshest quorate reachable view.

    Order: quorate before not quorate, then the highest CIB version, then the DC's own copy,
    then the node name (so the choice is deterministic). Versions of two partitions grow
    independently, so comparing them would flip the screen between the sides every round:
    while the previous source is still a quorate candidate in another partition than the
    winner, it stays the source.
    """
    candidates = [name for name in cibs if views[name].reachable]
    if not candidates:
        return None
    best = max(candidates, key=lambda name: _rank(views, cibs, name))
    if (previous is not None and previous in candidates and previous != best
            and views[previous].quorate is True
            and not _same_partition(views[previous], views[best])):
        return previous
    return best


def _same_partition(first: NodeView, second: NodeView) -> bool:
    return first.online == second.online and first.dc == second.dc


def _rank(views: Mapping[str, NodeView], cibs: Mapping[str, ClusterSnapshot],
          name: str) -> tuple[bool, CibVersion, bool, str]:
    view = views[name]
    version = view.cib_version or cibs[name].version
    return (view.quorate is True, version, view.dc == name, _reverse_key(name))


def _reverse_key(name: str) -> str:
    # max() picks the greatest; invert the characters so that the *first* name in order wins ties.
    return "".join(chr(0x10FFFF - ord(char)) for char in name)


def _vip_addresses(cluster: ClusterSnapshot | None,
                   cibs: Mapping[str, ClusterSnapshot]) -> dict[str, str | None]:
    """VIP id -> address, from the chosen CIB first, then any other node's CIB.

    Another partition may know a VIP the chosen side does not (or the same id with the same
    address); the kernel truth must cover every VIP any reachable node reports.
    """
    addresses: dict[str, str | None] = {}
    ordered = ([cluster] if cluster is not None else []) + list(cibs.values())
    for cib in ordered:
        for vip_id, vip in cib.vips.items():
            addresses.setdefault(vip_id, vip.ip)
    return addresses


def _with_vip_bindings(view: NodeView, vip_addresses: Mapping[str, str | None]) -> NodeView:
    """The view with `vip_interfaces` computed from its own addresses (reachable views only)."""
    if not view.reachable or view.addresses is None:
        return view
    return replace(view, vip_interfaces=vip_interfaces(view.addresses, vip_addresses))


def find_partitions(views: Mapping[str, NodeView]) -> tuple[tuple[str, ...], ...]:
    """Distinct memberships among reachable views that report one, sorted.

    Each node's partition is the set of nodes it sees as members. Two nodes that report the
    same set are in the same partition; a disagreement yields two entries.
    """
    seen = {view.online for view in views.values() if view.reachable and view.online}
    return tuple(sorted(seen))


def kernel_truth(views: Mapping[str, NodeView], cluster: ClusterSnapshot | None,
                 vip_addresses: Mapping[str, str | None]) -> dict[str, VipTruth]:
    """Per VIP: where Pacemaker (the chosen CIB) runs it against the interfaces holding it."""
    probed = [view for view in views.values() if view.reachable and view.addresses is not None]
    truths: dict[str, VipTruth] = {}
    for vip_id, address in sorted(vip_addresses.items()):
        holders = cluster.vips[vip_id].holder_nodes if (
            cluster is not None and vip_id in cluster.vips) else ()
        bound = tuple(sorted(view.node for view in probed if view.vip_interfaces.get(vip_id)))
        truths[vip_id] = VipTruth(vip_id, address, tuple(holders), bound,
                                  _truth(tuple(holders), bound, bool(probed)))
    return truths


def _truth(holders: tuple[str, ...], bound: tuple[str, ...], any_probed: bool) -> KernelTruth:
    if len(bound) >= 2:
        return KernelTruth.SEVERAL
    if not bound:
        return KernelTruth.NOWHERE if any_probed else KernelTruth.UNKNOWN
    return KernelTruth.ON_HOLDER if holders == bound else KernelTruth.ELSEWHERE


def is_split_brain(views: Mapping[str, NodeView], cibs: Mapping[str, ClusterSnapshot],
                   vip_truth: Mapping[str, VipTruth]) -> bool:
    """Two or more partitions each run a VIP, or some VIP is bound on two or more nodes.

    A partition "runs" a VIP when a reachable node of it has a CIB saying the VIP is active on
    a node of that same partition: a stale CIB on an isolated node that still names the other
    side's holder does not count (the other side runs it, not this one). The partitions must
    name different holders between them.
    """
    if any(truth.truth is KernelTruth.SEVERAL for truth in vip_truth.values()):
        return True
    claims: dict[str, dict[frozenset[str], frozenset[str]]] = {}
    for name, cib in cibs.items():
        view = views.get(name)
        if view is None or not view.reachable or not view.online:
            continue
        partition = frozenset(view.online)
        for vip_id, vip in cib.vips.items():
            holders = partition.intersection(vip.holder_nodes)
            if holders:
                claims.setdefault(vip_id, {})[partition] = frozenset(holders)
    # Two partitions that both name the same single holder (asymmetric views while membership
    # settles) describe one running copy, not two.
    return any(len(by_partition) >= 2 and len(frozenset().union(*by_partition.values())) >= 2
               for by_partition in claims.values())


def decide_verdict(views: Mapping[str, NodeView], partitions: tuple[tuple[str, ...], ...],
                   split_brain: bool) -> Verdict:
    """consistent / lagging / partitioned / split brain (worst wins), unknown without data."""
    if split_brain:
        return Verdict.SPLIT_BRAIN
    answered = [view for view in views.values()
                if view.reachable and (view.cib_version is not None or view.online)]
    if not answered:
        return Verdict.UNKNOWN
    if len(partitions) > 1 or len({view.dc for view in answered}) > 1:
        return Verdict.PARTITIONED
    if len({view.cib_version for view in answered}) > 1:
        return Verdict.LAGGING
    return Verdict.CONSISTENT
