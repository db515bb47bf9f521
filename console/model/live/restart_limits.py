"""Which resources would restart forever on one node: no finite migration-threshold.

Pacemaker's default migration-threshold is INFINITY: a service that starts but keeps failing
its monitor (a broken configuration that crashes it after a while, a full disk) is restarted
on the same node without end, and the other node sits idle. (A failed start moves it away at
once: start-failure-is-fatal.) 0 means the same (the feature is off). With a finite threshold N, the Nth
failure on a node bans the resource there until its failures are cleaned up (or expire), and
it is recovered on another node.
"""

from __future__ import annotations

from console.model.cluster import ClusterSnapshot, Resource
from console.model.types import INFINITY


def restarts_forever(resource: Resource) -> bool:
    """Whether `resource` is restarted in place however often it fails (its effective
    migration-threshold, own meta or rsc_defaults, is unset, 0 or INFINITY)."""
    threshold = resource.migration_threshold
    return threshold is None or threshold <= 0 or threshold >= INFINITY


def primitives_of(snapshot: ClusterSnapshot, resource_id: str) -> list[str]:
    """The primitives a resource stands for: itself, or those inside its group or clone."""
    resource = snapshot.resources.get(resource_id)
    if resource is None:
        return []
    if resource.kind.value == "primitive":
        return [resource_id]
    return [name for child in resource.children for name in primitives_of(snapshot, child)]


def without_limit(snapshot: ClusterSnapshot, resource_ids: list[str]) -> tuple[str, ...]:
    """Those primitives of `resource_ids` that restart forever, in order, each once."""
    primitives = dict.fromkeys(name for resource_id in resource_ids
                               for name in primitives_of(snapshot, resource_id))
    return tuple(name for name in primitives if restarts_forever(snapshot.resources[name]))
