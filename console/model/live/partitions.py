"""Every partition on its own, what unreachable nodes last showed, and the doubt they leave.

When the nodes' views disagree, no single view is "the cluster": with corosync's two_node both
sides of a cut stay quorate and each runs what it can, so the side hacon happens to show may run
nothing while the other runs the VIP. Each partition is therefore described from its own
members' views: who is in it, its DC and quorum, what it runs where, where it puts each VIP,
and which of its nodes' interfaces really hold each VIP.

A node hacon cannot reach keeps the last facts hacon saw. If it held a VIP then, is not a member
of any partition hacon can see (so no peer's CIB speaks for it), and no fencing of it completed
since, it may still hold that VIP: hacon says so instead of claiming a consistent cluster.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from console.model.cluster import ClusterSnapshot, ResourceKind
from console.model.live.fencing import FenceEvent, FencingState
from console.model.live.snapshot import NodeView


@dataclass(frozen=True, slots=True)
class PartitionView:
    """One partition as its own members report it."""

    members: tuple[str, ...]
    dc: str | None
    quorate: bool | None
    running: Mapping[str, tuple[str, ...]]
    """Primitive resource id -> members of this partition running it (only running ones)."""
    vip_holders: Mapping[str, tuple[str, ...]]
    """VIP id -> members this partition's CIB says run it (empty tuple: it runs it nowhere)."""
    vip_bound: Mapping[str, tuple[str, ...]]
    """VIP id -> members whose interfaces hold the address (the kernel's truth, per side)."""
    reporters: tuple[str, ...]
    """The reachable nodes whose views this partition was built from."""
    source: str | None
    """The member whose CIB gave `running` and `vip_holders` (None: no CIB from this side)."""

    @property
    def runs_vip(self) -> bool:
        return any(self.vip_holders.values()) or any(self.vip_bound.values())


@dataclass(frozen=True, slots=True)
class LastFacts:
    """What an unreachable node showed when hacon last reached it."""

    node: str
    seen_at: float | None
    vips_held: tuple[str, ...]
    """VIP ids bound on its interfaces, or that its own CIB ran on it, at `seen_at`."""
    running: tuple[str, ...]
    """Primitive resources its own CIB said ran on it."""
    quorate: bool | None
    members: tuple[str, ...]
    """Its partition then."""
    fenced: FenceEvent | None = None
    """A successful reboot/off of the node completed since `seen_at` (resolves the doubt)."""
    in_partition: bool = False
    """A reachable partition counts it as a member, so its peers' CIB speaks for it."""

    @property
    def doubtful_vips(self) -> tuple[str, ...]:
        """The VIPs it may still hold: it held them, nobody speaks for it, it was not fenced."""
        return () if self.fenced is not None or self.in_partition else self.vips_held


def partition_views(views: Mapping[str, NodeView],
                    cibs: Mapping[str, ClusterSnapshot]) -> tuple[PartitionView, ...]:
    """One PartitionView per distinct membership among reachable views, sorted by members."""
    groups: dict[tuple[str, ...], list[NodeView]] = {}
    for view in views.values():
        if view.reachable and view.online:
            groups.setdefault(view.online, []).append(view)
    return tuple(_partition(members, reporters, cibs) for members, reporters
                 in sorted(groups.items()))


def _partition(members: tuple[str, ...], reporters: list[NodeView],
               cibs: Mapping[str, ClusterSnapshot]) -> PartitionView:
    source = _best_cib_holder(reporters, cibs)
    cib = cibs.get(source) if source is not None else None
    dcs = [view.dc for view in reporters if view.dc]
    quorums = [view.quorate for view in reporters if view.quorate is not None]
    return PartitionView(
        members=members, dc=dcs[0] if dcs else None,
        quorate=quorums[0] if quorums else None,
        running=_running(cib, members),
        vip_holders={vip_id: tuple(sorted(set(vip.holder_nodes) & set(members)))
                     for vip_id, vip in sorted(cib.vips.items())} if cib else {},
        vip_bound=_bound(reporters),
        reporters=tuple(sorted(view.node for view in reporters)),
        source=source,
    )


def _best_cib_holder(reporters: list[NodeView],
                     cibs: Mapping[str, ClusterSnapshot]) -> str | None:
    """The reporter with the newest CIB, the DC's own copy winning a tie."""
    holders = [view for view in reporters if view.node in cibs]
    if not holders:
        return None
    best = max(holders, key=lambda view: (cibs[view.node].version, view.dc == view.node,
                                          [-ord(char) for char in view.node]))
    return best.node


def _running(cib: ClusterSnapshot | None, members: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    if cib is None:
        return {}
    running: dict[str, tuple[str, ...]] = {}
    for resource_id, resource in sorted(cib.resources.items()):
        nodes = tuple(sorted(set(resource.active_on) & set(members)))
        if resource.kind is ResourceKind.PRIMITIVE and nodes:
            running[resource_id] = nodes
    return running


def _bound(reporters: list[NodeView]) -> dict[str, tuple[str, ...]]:
    bound: dict[str, list[str]] = {}
    for view in reporters:
        for vip_id, interfaces in view.vip_interfaces.items():
            holders = bound.setdefault(vip_id, [])
            if interfaces:
                holders.append(view.node)
    return {vip_id: tuple(sorted(nodes)) for vip_id, nodes in sorted(bound.items())}


def last_facts(views: Mapping[str, NodeView], cibs: Mapping[str, ClusterSnapshot],
               partitions: tuple[PartitionView, ...],
               fencing: FencingState) -> dict[str, LastFacts]:
    """Node -> what it last showed, for every unreachable node hacon once reached."""
    counted = {member for partition in partitions for member in partition.members}
    facts: dict[str, LastFacts] = {}
    for name, view in sorted(views.items()):
        if view.reachable or view.fetched_at is None:
            continue
        cib = cibs.get(name)
        facts[name] = LastFacts(
            node=name, seen_at=view.fetched_at,
            vips_held=_held(view, cib), running=_ran(cib, name),
            quorate=view.quorate, members=view.online,
            fenced=fencing.last_fencing_of(name, after=view.fetched_at),
            in_partition=name in counted,
        )
    return facts


def _held(view: NodeView, cib: ClusterSnapshot | None) -> tuple[str, ...]:
    held = {vip_id for vip_id, interfaces in view.vip_interfaces.items() if interfaces}
    if cib is not None:
        held.update(vip_id for vip_id, vip in cib.vips.items() if view.node in vip.holder_nodes)
    return tuple(sorted(held))


def _ran(cib: ClusterSnapshot | None, node: str) -> tuple[str, ...]:
    if cib is None:
        return ()
    return tuple(sorted(resource_id for resource_id, resource in cib.resources.items()
                        if resource.kind is ResourceKind.PRIMITIVE and node in resource.active_on))


def vip_may_be_on(facts: Mapping[str, LastFacts]) -> dict[str, tuple[str, ...]]:
    """VIP id -> unreachable nodes that may still hold it (held it, unfenced, nobody's member)."""
    doubt: dict[str, list[str]] = {}
    for name, fact in sorted(facts.items()):
        for vip_id in fact.doubtful_vips:
            doubt.setdefault(vip_id, []).append(name)
    return {vip_id: tuple(nodes) for vip_id, nodes in sorted(doubt.items())}
