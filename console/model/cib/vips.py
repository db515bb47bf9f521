"""Virtual IPs: every ``ocf:heartbeat:IPaddr2`` primitive seen as a floating address."""

from __future__ import annotations

from collections.abc import Mapping

from console.model.cluster import Resource, ResourceKind, Vip

VIP_AGENT = "ocf:heartbeat:IPaddr2"
"""The resource agent whose resources hacon treats as virtual IPs."""


def derive_vips(resources: Mapping[str, Resource]) -> dict[str, Vip]:
    """One `Vip` per IPaddr2 primitive, keyed by resource id, in the resources' order.

    ``holder_nodes`` are the nodes the resource is active on: empty when stopped, two or more when
    Pacemaker finds it active on several nodes (an address conflict the operator must see).
    """
    return {
        resource.id: _vip_of(resource, resources)
        for resource in resources.values()
        if resource.kind is ResourceKind.PRIMITIVE and resource.agent == VIP_AGENT
    }


def _vip_of(resource: Resource, resources: Mapping[str, Resource]) -> Vip:
    parent = resources.get(resource.parent) if resource.parent else None
    group = parent.id if parent is not None and parent.kind is ResourceKind.GROUP else None
    return Vip(
        id=resource.id,
        ip=resource.params.get("ip"),
        cidr_netmask=resource.params.get("cidr_netmask"),
        nic=resource.params.get("nic"),
        holder_nodes=tuple(sorted(resource.active_on)),
        role=resource.role,
        group=group,
        top_level=_outermost(resource, resources),
    )


def _outermost(resource: Resource, resources: Mapping[str, Resource]) -> str:
    current = resource
    seen = {current.id}
    while current.parent is not None and current.parent in resources:
        current = resources[current.parent]
        if current.id in seen:
            # A cycle cannot come from a valid CIB; stop rather than loop forever.
            break
        seen.add(current.id)
    return current.id
