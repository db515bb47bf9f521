"""Which guarded action a key would run on the selection, and whether the guard allows it.

A pane turns its selection into an `ActionRequest` (standby of the node under the cursor, cleanup
of the failure under the cursor, ...). The request asks its pure guard "why not?" through
`console.actions.requests.GuardedRequest`, the one mapping the CLI uses too: the same answer greys
the key, fills the status bar's "standby unavailable: <reason>", filters the command palette, and
is checked again when the action starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.actions.fixes import FIX_KINDS
from console.actions import guards
from console.actions.eligibility import (
    CLI_ORIGINS,
    colocated_services,
    node_unavailable_reason,
    preferred_node,
)
from console.actions.plans import ActionKind
from console.actions.requests import GuardedRequest
from console.model.cluster import ClusterSnapshot, LocationConstraint
from console.model.live.snapshot import LiveSnapshot
from console.model.upkeep import own_unmanaged_setting

@dataclass(frozen=True, slots=True)
class ActionRequest(GuardedRequest):
    """One guarded action on one target, as a key or a palette entry asks for it."""

    unavailable: str | None = None
    """Why the selection offers no target for this action (an advisory row, no row at all)."""

    def blocked_reason(self, snapshot: LiveSnapshot | None, now: float) -> str | None:
        """The guard's sentence, or None when the action may go ahead on `snapshot`."""
        if self.unavailable is not None:
            return self.unavailable
        if snapshot is None:
            return "the cluster has not answered yet"
        return self.guard_reason(snapshot, now=now)


def node_request(kind: ActionKind, node: str | None) -> ActionRequest:
    """Standby or online of the selected node."""
    if node is None:
        return ActionRequest(kind, unavailable="no node is selected")
    return ActionRequest(kind, node=node)


def node_primary_request(snapshot: LiveSnapshot | None, node: str | None) -> ActionRequest:
    """The node action that matters for the selection: online for a node in standby, else
    standby (the one whose reason the status bar explains)."""
    cluster = snapshot.cluster if snapshot is not None else None
    in_standby = (cluster is not None and node is not None and node in cluster.nodes
                  and cluster.nodes[node].standby)
    return node_request(ActionKind.ONLINE if in_standby else ActionKind.STANDBY, node)


def resource_cleanup_request(resource: str | None) -> ActionRequest:
    """Cleanup of the selected resource's failures on every node."""
    if resource is None:
        return ActionRequest(ActionKind.CLEANUP, unavailable="no resource is selected")
    return ActionRequest(ActionKind.CLEANUP, resource=resource)


def failure_cleanup_request(snapshot: LiveSnapshot | None, row_key: str | None) -> ActionRequest:
    """Cleanup of the failed operation under the cursor, on its node."""
    cluster = snapshot.cluster if snapshot is not None else None
    for failure in cluster.failures if cluster is not None else ():
        if row_key == failure_row_key(failure.instance, failure.node, failure.task,
                                      failure.interval_ms):
            return ActionRequest(ActionKind.CLEANUP, resource=failure.resource, node=failure.node)
    return ActionRequest(ActionKind.CLEANUP, unavailable="the selected line is not a failure")


def failure_row_key(instance: str, node: str, task: str, interval_ms: int) -> str:
    """The problems pane's row key of a failed operation (presentation.snapshot_view.problem_rows)."""
    return f"failure:{instance}:{node}:{task}:{interval_ms}"


def constraint_clear_request(snapshot: LiveSnapshot | None,
                             constraint_id: str | None) -> ActionRequest:
    """Clear of the leftover cli-prefer / cli-ban constraint under the cursor (its resource's)."""
    cluster = snapshot.cluster if snapshot is not None else None
    location = _location(cluster, constraint_id)
    if location is None or location.origin not in CLI_ORIGINS:
        return ActionRequest(ActionKind.CLEAR, unavailable="the selected constraint is not a "
                                                           "leftover cli-prefer / cli-ban")
    return ActionRequest(ActionKind.CLEAR, resource=location.resource)


def _location(cluster: ClusterSnapshot | None,
              constraint_id: str | None) -> LocationConstraint | None:
    if cluster is None or constraint_id is None:
        return None
    return next((location for location in cluster.constraints.location
                 if location.id == constraint_id), None)


def node_maintenance_request(snapshot: LiveSnapshot | None, node: str | None) -> ActionRequest:
    """Maintenance of the selected node: on, or off when it is in maintenance."""
    if node is None:
        return ActionRequest(ActionKind.MAINTENANCE_ON, unavailable="no node is selected")
    cluster = snapshot.cluster if snapshot is not None else None
    on = cluster is None or node not in cluster.nodes or not cluster.nodes[node].maintenance
    return ActionRequest(ActionKind.MAINTENANCE_ON if on else ActionKind.MAINTENANCE_OFF,
                         node=node)


def cluster_maintenance_request(snapshot: LiveSnapshot | None) -> ActionRequest:
    """The whole cluster's maintenance mode: on, or off when it is on."""
    cluster = snapshot.cluster if snapshot is not None else None
    on = cluster is None or not cluster.info.maintenance_mode
    return ActionRequest(ActionKind.MAINTENANCE_ON if on else ActionKind.MAINTENANCE_OFF)


def resource_maintenance_request(snapshot: LiveSnapshot | None,
                                 resource: str | None) -> ActionRequest:
    """The selected resource's own maintenance (is-managed): on, or off when it has one."""
    if resource is None:
        return ActionRequest(ActionKind.MAINTENANCE_ON, unavailable="no resource is selected")
    cluster = snapshot.cluster if snapshot is not None else None
    rsc = cluster.resources.get(resource) if cluster is not None else None
    on = rsc is None or own_unmanaged_setting(rsc.meta) is None
    return ActionRequest(ActionKind.MAINTENANCE_ON if on else ActionKind.MAINTENANCE_OFF,
                         resource=resource)


def resource_move_request(snapshot: LiveSnapshot | None, resource: str | None) -> ActionRequest:
    """Move of the selected resource to the first other node that could take it."""
    if resource is None:
        return ActionRequest(ActionKind.MOVE, unavailable="no resource is selected")
    cluster = snapshot.cluster if snapshot is not None else None
    rsc = cluster.resources.get(resource) if cluster is not None else None
    if cluster is None or rsc is None:
        return ActionRequest(ActionKind.MOVE, resource=resource)
    others = [name for name, node in sorted(cluster.nodes.items())
              if name not in rsc.active_on and node_unavailable_reason(node) is None]
    if not others:
        return ActionRequest(ActionKind.MOVE, unavailable=f"no other node could take {resource}")
    return ActionRequest(ActionKind.MOVE, resource=resource, node=others[0])


def resource_disable_request(snapshot: LiveSnapshot | None,
                             resource: str | None) -> ActionRequest:
    """Disable of the selected resource, or enable when it is disabled (the console never
    forces an outage: the VIP and its service are refused with the guard's reason)."""
    if resource is None:
        return ActionRequest(ActionKind.DISABLE, unavailable="no resource is selected")
    cluster = snapshot.cluster if snapshot is not None else None
    rsc = cluster.resources.get(resource) if cluster is not None else None
    stopped = rsc is not None and (rsc.target_role or "").lower() == "stopped"
    return ActionRequest(ActionKind.ENABLE if stopped else ActionKind.DISABLE, resource=resource)


def resource_refresh_request(resource: str | None) -> ActionRequest:
    """Refresh (re-probe) of the selected resource on every node."""
    if resource is None:
        return ActionRequest(ActionKind.REFRESH, unavailable="no resource is selected")
    return ActionRequest(ActionKind.REFRESH, resource=resource)


def resource_restart_request(resource: str | None) -> ActionRequest:
    """Restart of the selected resource on its node (never forced from the console)."""
    if resource is None:
        return ActionRequest(ActionKind.RESTART, unavailable="no resource is selected")
    return ActionRequest(ActionKind.RESTART, resource=resource)


def resource_ban_request(snapshot: LiveSnapshot | None, resource: str | None) -> ActionRequest:
    """Ban of the selected resource from the node it runs on."""
    cluster = snapshot.cluster if snapshot is not None else None
    rsc = cluster.resources.get(resource) if cluster is not None and resource else None
    if rsc is None or len(rsc.active_on) != 1:
        return ActionRequest(ActionKind.BAN, unavailable="the selected resource does not run "
                                                         "on exactly one node")
    return ActionRequest(ActionKind.BAN, resource=resource, node=rsc.active_on[0])


def palette_requests(snapshot: LiveSnapshot | None) -> list[tuple[str, str, ActionRequest]]:
    """Every guarded action the cluster offers a target for: (scope, label, request).

    The palette keeps those whose guard passes ("node: Standby node-b").
    """
    cluster = snapshot.cluster if snapshot is not None else None
    if cluster is None:
        return []
    entries: list[tuple[str, str, ActionRequest]] = []
    for name, node in sorted(cluster.nodes.items()):
        kind = ActionKind.ONLINE if node.standby else ActionKind.STANDBY
        entries.append(("node", f"{kind.value.capitalize()} {name}",
                        ActionRequest(kind, node=name)))
        entries.append(("node", f"Fence (reboot) {name}", ActionRequest(ActionKind.FENCE,
                                                                          node=name)))
    vip = guards.main_vip(cluster)
    preferred = preferred_node(cluster, vip) if vip is not None else None
    if vip is not None and preferred is not None:
        entries.append(("vip", f"Fail {vip.id} back to {preferred[0]}",
                        ActionRequest(ActionKind.FAILBACK)))
    failed = dict.fromkeys((failure.resource, failure.node) for failure in cluster.failures)
    entries += [("failure", f"Clean up {resource} on {node}",
                 ActionRequest(ActionKind.CLEANUP, resource=resource, node=node))
                for resource, node in failed]
    leftovers = sorted({location.resource for location in cluster.constraints.location
                        if location.origin in CLI_ORIGINS and location.resource})
    entries += [("constraint", f"Clear cli-prefer / cli-ban of {resource}",
                 ActionRequest(ActionKind.CLEAR, resource=resource)) for resource in leftovers]
    if leftovers:
        entries.append(("constraint", "Clear expired move/ban constraints",
                        ActionRequest(ActionKind.CLEAR_EXPIRED)))
    entries += [("resource", f"Enable {rid}", ActionRequest(ActionKind.ENABLE, resource=rid))
                for rid, rsc in sorted(cluster.resources.items())
                if (rsc.target_role or "").lower() == "stopped"]
    entries += [("resource", f"Refresh {rid}", ActionRequest(ActionKind.REFRESH, resource=rid))
                for rid in _vip_family(cluster)]
    return entries + _maintenance_entries(snapshot, cluster) + _placement_entries(cluster)


def _maintenance_entries(snapshot: LiveSnapshot | None,
                         cluster: ClusterSnapshot) -> list[tuple[str, str, ActionRequest]]:
    request = cluster_maintenance_request(snapshot)
    on = request.kind is ActionKind.MAINTENANCE_ON
    entries = [("cluster", f"{'Start' if on else 'End'} maintenance of the cluster", request)]
    for name in sorted(cluster.nodes):
        request = node_maintenance_request(snapshot, name)
        on = request.kind is ActionKind.MAINTENANCE_ON
        entries.append(("node", f"{'Start' if on else 'End'} maintenance of {name}", request))
    for resource_id in _vip_family(cluster):
        request = resource_maintenance_request(snapshot, resource_id)
        on = request.kind is ActionKind.MAINTENANCE_ON
        verb = "Unmanage (maintenance)" if on else "Manage again"
        entries.append(("resource", f"{verb} {resource_id}", request))
    return entries


def _placement_entries(cluster: ClusterSnapshot) -> list[tuple[str, str, ActionRequest]]:
    entries: list[tuple[str, str, ActionRequest]] = []
    for resource_id in _vip_family(cluster):
        rsc = cluster.resources[resource_id]
        for node in sorted(cluster.nodes):
            if node not in rsc.active_on:
                entries.append(("resource", f"Move {resource_id} to {node}",
                                ActionRequest(ActionKind.MOVE, resource=resource_id, node=node)))
            else:
                entries.append(("resource", f"Ban {resource_id} from {node}",
                                ActionRequest(ActionKind.BAN, resource=resource_id, node=node)))
    return entries


def _vip_family(cluster: ClusterSnapshot) -> list[str]:
    """The VIP and its services: what the palette offers to move, ban or unmanage (any other
    resource has its pane's keys)."""
    vip = guards.main_vip(cluster)
    if vip is None:
        return []
    wanted = (vip.top_level, *colocated_services(cluster, vip))
    return [rid for rid in dict.fromkeys(wanted)
            if rid in cluster.resources and cluster.resources[rid].parent is None]


def fix_request(row_key: str | None) -> ActionRequest:
    """The fix of the configuration advisory on the Failures row `row_key` ("code:subject")."""
    code = (row_key or "").partition(":")[0]
    if code not in FIX_KINDS:
        return ActionRequest(ActionKind.FIX_COLOCATION,
                             unavailable="the selected line has no fix (hacon fix --list)")
    return ActionRequest(FIX_KINDS[code])
