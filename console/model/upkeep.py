"""Work left switched on: maintenance (cluster, node, resource) and move/ban lifetimes (pure).

Maintenance carries no start time in Pacemaker's CIB, so hacon writes one beside the setting it
changes (`SINCE_ATTRIBUTE`, an ISO time: a cluster property, a node attribute or a resource
meta attribute, all ignored by Pacemaker) and removes it with the setting. Maintenance switched
on by another tool has no such stamp: its age is unknown, and said so.

A move or ban with a lifetime is the constraint `crm_resource --move/--ban --lifetime` writes: a
rule with `#uname eq NODE` and `date_expression operation="lt" end=...`. It stops applying at
that end; Pacemaker leaves it in the CIB until someone clears it (`crm_resource --clear
--expired`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from console.model.cluster import ClusterSnapshot, LocationConstraint
from console.model.constraints.dates import parse_iso_datetime
from console.model.types import is_true

SINCE_ATTRIBUTE = "hacon-maintenance-since"
"""Where hacon writes when it switched maintenance on (ISO 8601, UTC)."""
OLD_MAINTENANCE_S = 3600.0
"""Maintenance on for longer than this is flagged: people forget to switch it off."""


@dataclass(frozen=True, slots=True)
class Maintenance:
    """One thing in maintenance."""

    scope: str
    """"cluster", "node" or "resource"."""
    subject: str
    """The node or resource name ("cluster" for the whole cluster)."""
    since: datetime | None
    """When hacon switched it on; None when it was not hacon (age unknown)."""
    setting: str
    """What holds it: "maintenance-mode=true", "maintenance=on", "is-managed=false"."""

    def age_s(self, now: float) -> float | None:
        """Seconds in maintenance at `now`, or None when unknown."""
        return None if self.since is None else max(0.0, now - self.since.timestamp())


def maintenance_of(cluster: ClusterSnapshot) -> tuple[Maintenance, ...]:
    """Everything in maintenance: the cluster, then nodes, then resources by their own setting."""
    found: list[Maintenance] = []
    if cluster.info.maintenance_mode:
        found.append(Maintenance("cluster", "cluster", _since(cluster.info.properties),
                                 "maintenance-mode=true"))
    for name, node in sorted(cluster.nodes.items()):
        if node.maintenance:
            found.append(Maintenance("node", name, _since(node.attributes), "maintenance=on"))
    for resource_id, resource in sorted(cluster.resources.items()):
        setting = own_unmanaged_setting(resource.meta)
        if setting is not None:
            found.append(Maintenance("resource", resource_id, _since(resource.meta), setting))
    return tuple(found)


def own_unmanaged_setting(meta: Mapping[str, str]) -> str | None:
    """The resource's own meta attribute that keeps it unmanaged, or None."""
    managed = meta.get("is-managed")
    if managed is not None and managed.lower() != "default" and not is_true(managed):
        return f"is-managed={managed}"
    if is_true(meta.get("maintenance")):
        return f"maintenance={meta['maintenance']}"
    return None


def _since(attributes: Mapping[str, str]) -> datetime | None:
    return parse_iso_datetime(attributes.get(SINCE_ATTRIBUTE))


# --- move/ban lifetimes -----------------------------------------------------------------------


def lifetime_end(location: LocationConstraint) -> datetime | None:
    """When a move/ban with a lifetime stops applying (its rule's `date_expression lt end`)."""
    for rule in location.rules or ():
        for expression in rule.expressions:
            if expression.type == "date" and expression.attributes.get("operation") == "lt":
                return parse_iso_datetime(expression.attributes.get("end"))
    return None


def lifetime_node(location: LocationConstraint) -> str | None:
    """The node a lifetime rule names (`#uname eq NODE`), else the constraint's `node`."""
    for rule in location.rules or ():
        for expression in rule.expressions:
            attributes = expression.attributes
            if (expression.type == "attribute" and attributes.get("attribute") == "#uname"
                    and attributes.get("operation") == "eq"):
                return attributes.get("value")
    return location.node


def remaining_s(location: LocationConstraint, now: float) -> float | None:
    """Seconds left before the constraint expires (negative: expired); None without lifetime."""
    end = lifetime_end(location)
    return None if end is None else end.timestamp() - now


def expired_constraints(cluster: ClusterSnapshot, now: float,
                        resource: str | None = None) -> tuple[LocationConstraint, ...]:
    """cli-prefer / cli-ban constraints whose lifetime has ended (of `resource`, or all)."""
    return tuple(location for location in cluster.constraints.location
                 if location.origin in ("cli-prefer", "cli-ban")
                 and (resource is None or location.resource == resource)
                 and (left := remaining_s(location, now)) is not None and left <= 0)
