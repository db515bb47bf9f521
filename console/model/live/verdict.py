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

from console.model.live.client_view import ClientProbes, ClientView, client_views
from console.model.cluster import ClusterSnapshot
from console.model.live.fencing import FencingState, fence_devices, merge_histories
from console.model.live.node_view import vip_interfaces
from console.model.live.snapshot import KernelTruth, LiveSnapshot, NodeView, Verdict, VipTruth
from console.model.live.partitions import last_facts, partition_views, vip_may_be_on
from console.model.types import CibVersion


def build_live_snapshot(views: Mapping[str, NodeView],
                        cibs_by_node: Mapping[str, ClusterSnapshot],
                        now: float, previous_source: str | None = None,
                        clients_in: ClientProbes | None = None) -> LiveSnapshot:
    """Combine every node's view and its own parsed CIB into one immutable LiveSnapshot.

    Args:
        views: node name -> that node's latest view (unreachable ones with reachable=False).
        cibs_by_node: node name -> that node's own CIB, parsed; an unreachable node's last CIB
            only feeds what it last showed (`last_facts`), never the verdict.
        now: time.time() of the build, kept as `built_at`.
        previous_source: the source node of the previous snapshot, kept across partitions.
        clients_in: the client probes (ARP, SIP) of each node and of the host, when run.
    """
    fresh_cibs = {name: cib for name, cib in cibs_by_node.items()
                  if name in views and views[name].reachable}
    bound_first = {name: _with_vip_bindings(view, _vip_addresses(None, cibs_by_node))
                   for name, view in views.items()}
    source = choose_source(views, fresh_cibs, previous_source, serving=_serving(bound_first))
    cluster = fresh_cibs[source] if source is not None else None
    vip_addresses = _vip_addresses(cluster, {**cibs_by_node, **fresh_cibs})
    views_out = {name: _with_vip_bindings(view, vip_addresses)
                 for name, view in sorted(views.items())}
    partitions = find_partitions(views_out)
    sides = partition_views(views_out, fresh_cibs)
    fencing = fencing_state(views_out, cluster)
    facts = last_facts(views_out, cibs_by_node, sides, fencing)
    doubt = vip_may_be_on(facts)
    vip_truth = kernel_truth(views_out, cluster, vip_addresses)
    clients = _client_view(views_out, clients_in)
    split = (is_split_brain(views_out, fresh_cibs, vip_truth)
             or arp_split_brain(clients, views_out, vip_truth, _links_known(clients_in)))
    fetched = [view.fetched_at for view in views_out.values()
               if view.reachable and view.fetched_at is not None]
    return LiveSnapshot(
        cluster=cluster, source_node=source, views=views_out,
        verdict=decide_verdict(views_out, partitions, split, doubt),
        split_brain=split, vip_truth=vip_truth,
        fetched_at=max(fetched) if fetched else None,
        partitions=partitions, built_at=now, partition_views=sides,
        last_facts=facts, vip_may_be_on=doubt, fencing=fencing,
        client_view=clients,
    )


def arp_split_brain(clients: Mapping[str, ClientView], views: Mapping[str, NodeView],
                    vip_truth: Mapping[str, VipTruth],
                    links_known: frozenset[str] = frozenset()) -> bool:
    """Two holders on the LAN: a MAC answering ARP for the VIP from a node hacon cannot read
    (unreachable, or no node's MAC at all) beside another holder is a split brain.

    A reachable node's own interfaces are read every round, the ARP probes only every few
    seconds: for a reachable node the kernel's truth (fresher) decides, so a probe taken just
    before a move does not keep a split brain alive after it. A MAC nobody owns counts only
    once every reachable node's MACs are known (`links_known`): until then it may be theirs.
    """
    read = {name for name, view in views.items() if view.reachable and view.addresses is not None}
    owners_complete = read <= links_known
    for vip_id, view in clients.items():
        truth = vip_truth.get(vip_id)
        holders = set(truth.bound_on) if truth is not None else set()
        unseen = [mac for mac, owner in view.mac_owners.items()
                  if owner not in read and (owner != "?" or owners_complete)]
        if len(holders) + len(unseen) >= 2:
            return True
    return False


def _links_known(clients: ClientProbes | None) -> frozenset[str]:
    return frozenset(node for node, probe in (clients.nodes.items() if clients else ())
                     if probe.links)


def _client_view(views: Mapping[str, NodeView],
                 clients: ClientProbes | None) -> dict[str, ClientView]:
    if clients is None:
        return {}
    reachable = {node: probe for node, probe in clients.nodes.items()
                 if node in views and views[node].reachable}
    bound = {node: views[node].vip_interfaces for node in reachable}
    links = {node: probe.links for node, probe in clients.nodes.items() if probe.links}
    return client_views(reachable, bound, clients.host, links)


def fencing_state(views: Mapping[str, NodeView], cluster: ClusterSnapshot | None) -> FencingState:
    """Devices from the chosen CIB, history merged from every reachable node that gave one."""
    readers = [view for view in views.values()
               if view.reachable and view.fence_history is not None]
    return FencingState(
        enabled=cluster.info.stonith_enabled if cluster is not None else None,
        devices=fence_devices(cluster),
        history=merge_histories(view.fence_history or () for view in readers),
        history_from=tuple(sorted(view.node for view in readers)),
    )


def _serving(views: Mapping[str, NodeView]) -> frozenset[str]:
    """Reachable nodes whose partition has a VIP bound on some member's interfaces."""
    bound = {name for name, view in views.items()
             if view.reachable and any(view.vip_interfaces.values())}
    return frozenset(name for name, view in views.items()
                     if view.reachable and bound.intersection(view.online or (name,)))


def choose_source(views: Mapping[str, NodeView], cibs: Mapping[str, ClusterSnapshot],
                  previous: str | None = None,
                  serving: frozenset[str] = frozenset()) -> str | None:
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
    best = max(candidates, key=lambda name: _rank(views, cibs, name, serving))
    if (previous is not None and previous in candidates and previous != best
            and views[previous].quorate is True and (previous in serving) == (best in serving)
            and not _same_partition(views[previous], views[best])):
        return previous
    return best


def _same_partition(first: NodeView, second: NodeView) -> bool:
    return first.online == second.online and first.dc == second.dc


def _rank(views: Mapping[str, NodeView], cibs: Mapping[str, ClusterSnapshot],
          name: str, serving: frozenset[str]) -> tuple[bool, bool, CibVersion, bool, str]:
    view = views[name]
    version = view.cib_version or cibs[name].version
    return (view.quorate is True, name in serving, version, view.dc == name, _reverse_key(name))


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
    """The view with `vip_interfaces` computed from its own addresses.

    An unreachable node's last addresses are bound too: they are what it held when last seen
    (`last_facts`); the kernel truth and the verdict count reachable views only.
    """
    if view.addresses is None:
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
                   split_brain: bool,
                   doubt: Mapping[str, tuple[str, ...]] | None = None) -> Verdict:
    """consistent / lagging / partitioned / uncertain / split brain (worst wins), unknown
    without data. `doubt` is `vip_may_be_on`: a VIP that an unreachable, unfenced node may
    still hold makes the verdict uncertain, however well the reachable nodes agree."""
    if split_brain:
        return Verdict.SPLIT_BRAIN
    if doubt:
        return Verdict.UNCERTAIN
    answered = [view for view in views.values()
                if view.reachable and (view.cib_version is not None or view.online)]
    if not answered:
        return Verdict.UNKNOWN
    if len(partitions) > 1 or len({view.dc for view in answered}) > 1:
        return Verdict.PARTITIONED
    if len({view.cib_version for view in answered}) > 1:
        return Verdict.LAGGING
    return Verdict.CONSISTENT
