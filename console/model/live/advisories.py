"""Advisories: what an experienced operator would warn about when looking at this cluster.

Pure functions over the frozen snapshots. Each advisory names its subject and says, in one
sentence, what is wrong and why it matters. The seed's lessons are here: a VIP that is not
colocated with or ordered against its service, no stickiness, preferred node or
migration-threshold, stonith off, a two-node cluster without corosync's two_node, a ban on the
only other node, a failcount near its threshold, a node left in standby (or every node), a
service running where the VIP is not, and leftover `crm_resource --move/--ban` constraints.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from console.model.cluster import (
    ClusterSnapshot,
    NodeState,
    NodeType,
    Resource,
    ResourceSet,
    Vip,
)
from console.model.constraints.leftovers import LEFTOVER_ORIGINS, leftover_words
from console.model.live.restart_limits import without_limit
from console.model.types import INFINITY, score_to_int
from console.model.upkeep import (
    OLD_MAINTENANCE_S,
    expired_constraints,
    lifetime_end,
    maintenance_of,
)


class Severity(str, Enum):
    """How urgent an advisory is; the order is the display order."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Advisory:
    """One finding about the cluster, for the operator."""

    code: str
    """Stable machine name, e.g. "vip-not-colocated" (used as a row key with `subject`)."""
    severity: Severity
    subject: str
    """The resource, node or constraint the finding is about."""
    text: str
    """One sentence: what is wrong and why it matters."""

    @property
    def key(self) -> str:
        """A stable identity across snapshots (code + subject)."""
        return f"{self.code}:{self.subject}"


def cluster_advisories(
    snapshot: ClusterSnapshot, *, two_node: bool | None = None
) -> tuple[Advisory, ...]:
    """Every advisory that the CIB alone can show, most urgent first.

    Args:
        snapshot: One parsed CIB.
        two_node: Whether corosync's `quorum { two_node: 1 }` is set; only a live connection can
            read corosync.conf, so None (unknown) skips that check.

    Returns:
        The advisories, sorted by severity, then subject.
    """
    found = [
        *_vip_running(snapshot),
        *_stonith(snapshot),
        *_two_node(snapshot, two_node),
        *_vip_placement(snapshot),
        *_standby(snapshot),
        *_bans_leaving_one_node(snapshot),
        *_failcounts(snapshot),
        *_leftover_cli_constraints(snapshot),
        *_service_apart_from_vip(snapshot),
        *_off_preferred(snapshot),
        *_maintenance_overrides(snapshot),
    ]
    return sorted_advisories(found)


def sorted_advisories(advisories: list[Advisory]) -> tuple[Advisory, ...]:
    """Unique by key, most urgent first, then by subject."""
    unique = {advisory.key: advisory for advisory in advisories}
    return tuple(sorted(unique.values(), key=lambda a: (SEVERITY_ORDER[a.severity], a.subject)))


def member_names(snapshot: ClusterSnapshot) -> tuple[str, ...]:
    """Names of the cluster's full members (remote and ping nodes cannot take over a VIP)."""
    return tuple(sorted(name for name, node in snapshot.nodes.items()
                        if node.type is NodeType.MEMBER))


def _vip_running(snapshot: ClusterSnapshot) -> Iterator[Advisory]:
    for vip in snapshot.vips.values():
        if not vip.holder_nodes:
            yield Advisory("vip-stopped", Severity.CRITICAL, vip.id,
                           f"{vip.id} ({vip.ip or '?'}) runs nowhere: clients cannot reach the "
                           "service")
        elif len(vip.holder_nodes) > 1 and not vip.group and vip.top_level == vip.id:
            yield Advisory("vip-on-several", Severity.CRITICAL, vip.id,
                           f"{vip.id} ({vip.ip or '?'}) runs on {', '.join(vip.holder_nodes)} at "
                           "once: clients reach either node at random")


def _stonith(snapshot: ClusterSnapshot) -> Iterator[Advisory]:
    if not snapshot.info.stonith_enabled:
        yield Advisory("stonith-disabled", Severity.WARNING, "cluster",
                       "stonith-enabled=false: a node that stops answering is never fenced, so "
                       "both sides of a split may bind the VIP")


def _two_node(snapshot: ClusterSnapshot, two_node: bool | None) -> Iterator[Advisory]:
    if two_node is False and len(member_names(snapshot)) == 2:
        yield Advisory("two-node-missing", Severity.WARNING, "corosync",
                       "a 2-node cluster without corosync two_node: 1 loses quorum (and stops "
                       "everything) as soon as one node fails")


# --- the VIP and its service --------------------------------------------------------------


def vip_members(snapshot: ClusterSnapshot, vip: Vip) -> frozenset[str]:
    """The ids that stand for the VIP in constraints: itself, its group, its top-level clone."""
    return frozenset(name for name in (vip.id, vip.group, vip.top_level) if name)


def vip_services(snapshot: ClusterSnapshot, vip: Vip) -> tuple[str, ...]:
    """Resources that must run with the VIP: its group siblings and positive colocations."""
    own = vip_members(snapshot, vip)
    services: list[str] = []
    if vip.group and vip.group in snapshot.resources:
        services.extend(c for c in snapshot.resources[vip.group].children if c != vip.id)
    for colocation in snapshot.constraints.colocation:
        if (colocation.score_int or 0) <= 0:
            continue
        pair = _colocated_ids(colocation.resource, colocation.with_resource, colocation.sets)
        if pair & own:
            services.extend(sorted(pair - own))
    return tuple(dict.fromkeys(s for s in services if s not in snapshot.vips))


def _colocated_ids(
    resource: str | None, with_resource: str | None, sets: tuple[ResourceSet, ...] | None
) -> frozenset[str]:
    ids = {name for name in (resource, with_resource) if name}
    for resource_set in sets or ():
        ids.update(resource_set.resources)
    return frozenset(ids)


def _is_ordered(snapshot: ClusterSnapshot, vip: Vip, service: str) -> bool:
    group = snapshot.resources.get(vip.group) if vip.group else None
    if group is not None and service in group.children:
        return True  # a group is ordered and colocated by construction
    own = vip_members(snapshot, vip)
    service_ids = {service, *_ancestors(snapshot, service)}
    for order in snapshot.constraints.order:
        ids = {name for name in (order.first, order.then) if name}
        for resource_set in order.sets or ():
            ids.update(resource_set.resources)
        if ids & own and ids & service_ids:
            return True
    return False


def _ancestors(snapshot: ClusterSnapshot, resource_id: str) -> list[str]:
    chain: list[str] = []
    parent = snapshot.resources[resource_id].parent if resource_id in snapshot.resources else None
    while parent:
        chain.append(parent)
        parent = snapshot.resources[parent].parent if parent in snapshot.resources else None
    return chain


def _service_candidates(snapshot: ClusterSnapshot) -> list[Resource]:
    """Primitives that are neither VIPs nor fencing devices: what a VIP could front."""
    return [r for r in snapshot.resources.values()
            if r.kind.value == "primitive" and r.id not in snapshot.vips
            and not (r.agent or "").startswith("stonith:")]


def _vip_placement(snapshot: ClusterSnapshot) -> Iterator[Advisory]:
    has_services = bool(_service_candidates(snapshot))
    for vip in snapshot.vips.values():
        services = vip_services(snapshot, vip)
        if not services and has_services:
            yield Advisory("vip-not-colocated", Severity.WARNING, vip.id,
                           f"{vip.id} is not colocated with any service: the address can move "
                           "to a node where the service is not running")
        for service in services:
            if not _is_ordered(snapshot, vip, service):
                yield Advisory("vip-not-ordered", Severity.WARNING, f"{vip.id}/{service}",
                               f"{vip.id} and {service} are colocated but not ordered: clients "
                               "may reach the address before the service is up")
        yield from _stickiness(snapshot, vip, services)
        yield from _restart_limit(snapshot, vip)


def _stickiness(snapshot: ClusterSnapshot, vip: Vip, services: tuple[str, ...]) -> Iterator[Advisory]:
    ids = [vip.id, *vip_members(snapshot, vip), *services]
    sticky = [snapshot.resources[i].meta.get("resource-stickiness") for i in ids
              if i in snapshot.resources]
    sticky.append(snapshot.rsc_defaults.get("resource-stickiness"))
    if not any((score_to_int(value) or 0) > 0 for value in sticky):
        yield Advisory("no-stickiness", Severity.INFO, vip.id,
                       f"no resource-stickiness for {vip.id}: it moves back as soon as a "
                       "better-scored node returns, interrupting calls twice")
    if not _preferred_nodes(snapshot, vip):
        yield Advisory("no-preferred-node", Severity.INFO, vip.id,
                       f"no preferred node for {vip.id}: where it runs after a failover is left "
                       "to chance")


def restarting_forever(snapshot: ClusterSnapshot, vip: Vip) -> tuple[str, ...]:
    """The VIP's services (the VIP itself when it fronts none) without a finite
    migration-threshold: what the no-migration-threshold advisory names.

    The service is what crashes again after each restart; a VIP's restart in place usually
    cures it (and a failed start moves it away at once: start-failure-is-fatal).
    """
    return without_limit(snapshot, list(vip_services(snapshot, vip)) or [vip.id])


def _restart_limit(snapshot: ClusterSnapshot, vip: Vip) -> Iterator[Advisory]:
    unlimited = restarting_forever(snapshot, vip)
    if unlimited:
        yield Advisory("no-migration-threshold", Severity.WARNING, vip.id,
                       f"no migration-threshold for {', '.join(unlimited)}: a broken "
                       "configuration restarts forever on one node while the other sits idle")


def _preferred_nodes(snapshot: ClusterSnapshot, vip: Vip) -> list[str]:
    own = vip_members(snapshot, vip)
    return [c.node for c in snapshot.constraints.location
            if c.origin == "user" and c.resource in own and c.node and (c.score_int or 0) > 0]


def _service_apart_from_vip(snapshot: ClusterSnapshot) -> Iterator[Advisory]:
    for vip in snapshot.vips.values():
        if not vip.holder_nodes:
            continue
        for service in vip_services(snapshot, vip):
            resource = snapshot.resources.get(service)
            if resource is None or not resource.active_on:
                continue
            apart = sorted(set(resource.active_on) - set(vip.holder_nodes))
            if apart and resource.kind.value == "primitive":
                yield Advisory("service-apart-from-vip", Severity.CRITICAL, service,
                               f"{service} runs on {', '.join(apart)}, where {vip.id} is not")


# --- nodes, bans, failcounts, leftovers -------------------------------------------------------


def _standby(snapshot: ClusterSnapshot) -> Iterator[Advisory]:
    members = member_names(snapshot)
    standby = [name for name in members if snapshot.nodes[name].standby]
    if members and len(standby) == len(members):
        yield Advisory("all-standby", Severity.CRITICAL, "cluster",
                       "every node is in standby: nothing can run the VIP or the service")
        return
    for name in standby:
        yield Advisory("node-standby", Severity.WARNING, name,
                       f"{name} is in standby: it cannot take over if the active node fails")


def _bans_leaving_one_node(snapshot: ClusterSnapshot) -> Iterator[Advisory]:
    members = member_names(snapshot)
    if len(members) < 2:
        return
    banned: dict[str, set[str]] = {}
    for ban in snapshot.bans:
        if ban.score <= -INFINITY and not ban.promoted_only and ban.node in members:
            banned.setdefault(ban.resource, set()).add(ban.node)
    for resource, nodes in sorted(banned.items()):
        allowed = [name for name in members if name not in nodes]
        if len(allowed) <= 1:
            where = allowed[0] if allowed else "no node"
            yield Advisory("ban-leaves-one-node", Severity.WARNING, resource,
                           f"{resource} is banned from {', '.join(sorted(nodes))}: it can run "
                           f"only on {where}, a failover has nowhere to go")


def _failcounts(snapshot: ClusterSnapshot) -> Iterator[Advisory]:
    for resource_id, per_node in sorted(snapshot.failcounts.items()):
        resource = snapshot.resources.get(resource_id)
        threshold = resource.migration_threshold if resource else None
        for node, count in sorted(per_node.items()):
            if count <= 0:
                continue
            yield _failcount_advisory(resource_id, node, count, threshold)


def _failcount_advisory(resource_id: str, node: str, count: int, threshold: int | None) -> Advisory:
    subject = f"{resource_id}@{node}"
    if threshold is None or threshold >= INFINITY or threshold <= 0:
        return Advisory("failcount", Severity.INFO, subject,
                        f"{resource_id} failed {count}x on {node} (no migration-threshold: it "
                        "is restarted there forever)")
    if count >= threshold:
        return Advisory("failcount-reached", Severity.CRITICAL, subject,
                        f"{resource_id} failcount {count}/{threshold} on {node}: it may no "
                        "longer run there until cleaned up")
    severity = Severity.WARNING if count >= threshold - 1 else Severity.INFO
    return Advisory("failcount-near", severity, subject,
                    f"{resource_id} failcount {count}/{threshold} on {node}: "
                    f"{threshold - count} more failure(s) and it moves away")


def _leftover_cli_constraints(snapshot: ClusterSnapshot) -> Iterator[Advisory]:
    for location in snapshot.constraints.location:
        if location.origin not in LEFTOVER_ORIGINS:
            continue
        yield Advisory("leftover-cli-constraint", Severity.WARNING, location.id,
                       f"{location.id} {leftover_words(location)}: left by a move/ban, it "
                       "decides the next failover until it is cleared")


def _maintenance_overrides(snapshot: ClusterSnapshot) -> Iterator[Advisory]:
    """A resource's own is-managed/maintenance left behind: it wins over the cluster's setting."""
    if snapshot.info.maintenance_mode:
        return
    for item in maintenance_of(snapshot):
        if item.scope == "resource":
            yield Advisory("maintenance-override", Severity.WARNING, item.subject,
                           f"{item.subject} is unmanaged by its own {item.setting}: it stays "
                           "unmanaged whatever the cluster's maintenance-mode says; end it with "
                           f"`hacon maintenance off --resource {item.subject}`")


def leftover_upkeep(snapshot: ClusterSnapshot, now: float) -> Iterator[Advisory]:
    """Maintenance on for too long; move/ban constraints whose lifetime has ended."""
    hours = OLD_MAINTENANCE_S / 3600
    for item in maintenance_of(snapshot):
        age = item.age_s(now)
        if age is not None and age > OLD_MAINTENANCE_S:
            subject = "the cluster" if item.scope == "cluster" else item.subject
            yield Advisory("maintenance-old", Severity.WARNING, item.subject,
                           f"{subject} has been in maintenance for over {hours:g} h: nothing "
                           "there is monitored or recovered; forgotten?")
    for location in expired_constraints(snapshot, now):
        end = lifetime_end(location)
        yield Advisory("expired-cli-constraint", Severity.INFO, location.id,
                       f"{location.id} expired at {end:%Y-%m-%d %H:%M:%SZ} and no longer "
                       "applies; remove it with `hacon clear --expired`")


def preferred_home(snapshot: ClusterSnapshot, vip: Vip) -> str | None:
    """The node with the highest positive user location score for the VIP (or its group or
    clone), as failback reads it; None without one."""
    own = vip_members(snapshot, vip)
    best: tuple[int, str] | None = None
    for location in snapshot.constraints.location:
        score = location.score_int
        if (location.origin != "user" or location.resource not in own or location.node is None
                or score is None or score <= 0 or location.node not in snapshot.nodes):
            continue
        if best is None or score > best[0]:
            best = (score, location.node)
    return best[1] if best else None


def _off_preferred(snapshot: ClusterSnapshot) -> Iterator[Advisory]:
    """After an online or a power-on the VIP stays where it is (stickiness): say that its
    preferred node could take it back now."""
    for vip in snapshot.vips.values():
        home = preferred_home(snapshot, vip)
        node = snapshot.nodes.get(home) if home else None
        if (node is None or node.state is not NodeState.ONLINE or len(vip.holder_nodes) != 1
                or home in vip.holder_nodes):
            continue
        yield Advisory("vip-off-preferred", Severity.INFO, vip.id,
                       f"{vip.id} runs on {vip.holder_nodes[0]}, not on its preferred node "
                       f"{home}: it can fail back now")
