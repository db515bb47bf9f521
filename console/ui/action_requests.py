"""Which guarded action a key would run on the selection, and whether the guard allows it.

A pane turns its selection into an `ActionRequest` (standby of the node under the cursor, cleanup
of the failure under the cursor, ...). The request asks its pure guard "why not?" through
`console.actions.requests.GuardedRequest`, the one mapping the CLI uses too: the same answer greys
the key, fills the status bar's "standby unavailable: <reason>", filters the command palette, and
is checked again when the action starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.actions import guards
from console.actions.eligibility import CLI_ORIGINS, preferred_node
from console.actions.plans import ActionKind
from console.actions.requests import GuardedRequest
from console.model.cluster import ClusterSnapshot, LocationConstraint
from console.model.live.snapshot import LiveSnapshot

VERBS = {ActionKind.STANDBY: "standby", ActionKind.ONLINE: "online",
         ActionKind.CLEANUP: "cleanup", ActionKind.CLEAR: "clear",
         ActionKind.FAILBACK: "failback"}
"""How the status bar names each action ("standby unavailable: ...")."""


@dataclass(frozen=True, slots=True)
class ActionRequest(GuardedRequest):
    """One guarded action on one target, as a key or a palette entry asks for it."""

    unavailable: str | None = None
    """Why the selection offers no target for this action (an advisory row, no row at all)."""

    @property
    def verb(self) -> str:
        """"standby", "cleanup", ..."""
        return VERBS[self.kind]

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
    """The problems pane's row key of a failed operation (console.model.present.problem_rows)."""
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
    return entries
