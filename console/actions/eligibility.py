"""Who could run the VIP: the facts the guards reason about, read from one snapshot (pure).

A VIP "could run" on a node when the node takes resources at all (online, member, not unclean,
pending, shutting down, in standby, in maintenance, or being fenced by another hacon: a fresh
`console.model.fencing_mark`), nothing bans the VIP or a service that
must run with it from that node (a -INFINITY location constraint, cli-ban included), and none of
them has reached its migration-threshold there. The services are the resources colocated with
the VIP at INFINITY (either direction) and the other members of the VIP's group.
"""

from __future__ import annotations

from collections.abc import Iterable

from console.model.cluster import ClusterSnapshot, LocationConstraint, Node, Vip
from console.model.fencing_mark import fresh_mark
from console.model.types import INFINITY

CLI_ORIGINS = ("cli-prefer", "cli-ban")
"""Location constraints left behind by `crm_resource --move/--ban` (and pcs move/ban)."""


def node_unavailable_reason(node: Node, now: float | None = None) -> str | None:
    """Why the node takes no resources now (a few words), or None when it does (a fencing mark
    is judged fresh or stale at `now`, the wall clock by default)."""
    if node.unclean:
        return "unclean"
    if node.pending:
        return "pending"
    if not node.online:
        return "offline"
    if node.shutdown:
        return "shutting down"
    if node.standby or node.standby_onfail:
        return "in standby"
    if node.maintenance:
        return "in maintenance"
    mark = fresh_mark(node, now)
    return mark.words() if mark is not None else None


def colocated_services(snapshot: ClusterSnapshot, vip: Vip) -> tuple[str, ...]:
    """Resources that must run with the VIP: INFINITY colocations and group members."""
    vip_ids = {vip.id, vip.top_level} | ({vip.group} if vip.group else set())
    found: list[str] = []
    for colocation in snapshot.constraints.colocation:
        if colocation.score_int != INFINITY or colocation.sets:
            continue
        if colocation.with_resource in vip_ids and colocation.resource:
            found.append(colocation.resource)
        elif colocation.resource in vip_ids and colocation.with_resource:
            found.append(colocation.with_resource)
    if vip.group and vip.group in snapshot.resources:
        found += [child for child in snapshot.resources[vip.group].children if child != vip.id]
    return tuple(dict.fromkeys(rid for rid in found if rid not in vip_ids))


def resource_family(snapshot: ClusterSnapshot, resource_id: str) -> set[str]:
    """The resource, its ancestors and its descendants: a ban on any of them applies."""
    family = {resource_id}
    current = snapshot.resources.get(resource_id)
    while current is not None and current.parent is not None and current.parent not in family:
        family.add(current.parent)
        current = snapshot.resources.get(current.parent)
    pending = [resource_id]
    while pending:
        resource = snapshot.resources.get(pending.pop())
        if resource is not None:
            children = [child for child in resource.children if child not in family]
            family.update(children)
            pending += children
    return family


def vip_blockers_on(snapshot: ClusterSnapshot, vip: Vip, node_name: str,
                    now: float | None = None) -> str | None:
    """Why the VIP (with its services) could not run on the node, or None when it could."""
    node = snapshot.nodes.get(node_name)
    if node is None:
        return "not a cluster node"
    unavailable = node_unavailable_reason(node, now)
    if unavailable is not None:
        return unavailable
    for resource_id in (vip.id, *colocated_services(snapshot, vip)):
        reason = _resource_blocker(snapshot, resource_id, node_name)
        if reason is not None:
            return reason
    return None


def _resource_blocker(snapshot: ClusterSnapshot, resource_id: str, node_name: str) -> str | None:
    family = resource_family(snapshot, resource_id)
    for ban in snapshot.bans:
        if ban.resource in family and ban.node == node_name and ban.score <= -INFINITY:
            return f"{resource_id} banned there by {ban.id}"
    for member in sorted(family):
        resource = snapshot.resources.get(member)
        if resource is None:
            continue
        threshold = resource.migration_threshold or INFINITY
        count = resource.failcount.get(node_name, 0)
        if count >= threshold:
            return f"{member} failcount {count} reached migration-threshold {threshold}"
    return None


def vip_candidates(snapshot: ClusterSnapshot, vip: Vip,
                   excluding: Iterable[str] = (), now: float | None = None
                   ) -> dict[str, str | None]:
    """Every node (minus `excluding`) -> why it could not run the VIP, None when it could."""
    skipped = set(excluding)
    return {name: vip_blockers_on(snapshot, vip, name, now)
            for name in sorted(snapshot.nodes) if name not in skipped}


def preferred_node(snapshot: ClusterSnapshot, vip: Vip) -> tuple[str, LocationConstraint] | None:
    """The node with the highest positive user location score for the VIP (or its parents)."""
    family = resource_family(snapshot, vip.id) - _descendants_only(snapshot, vip.id)
    best: tuple[int, str, LocationConstraint] | None = None
    for location in snapshot.constraints.location:
        if location.origin != "user" or location.resource not in family:
            continue
        if location.node is None or location.score_int is None or location.score_int <= 0:
            continue
        if location.node not in snapshot.nodes:
            continue
        if best is None or location.score_int > best[0]:
            best = (location.score_int, location.node, location)
    return (best[1], best[2]) if best is not None else None


def _descendants_only(snapshot: ClusterSnapshot, resource_id: str) -> set[str]:
    resource = snapshot.resources.get(resource_id)
    return set(resource.children) if resource is not None else set()


def cli_constraints(snapshot: ClusterSnapshot,
                    resource: str | None = None) -> tuple[LocationConstraint, ...]:
    """Leftover cli-prefer / cli-ban constraints (of one resource, or all)."""
    return tuple(location for location in snapshot.constraints.location
                 if location.origin in CLI_ORIGINS
                 and (resource is None or location.resource == resource))
