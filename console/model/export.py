"""status_document: a ClusterSnapshot as the JSON contract of `hacon status --json`.

The contract is a JSON Schema shipped in the package (console/data/status.schema.json, printed
by `hacon status --json-schema`); the tests validate every document they produce against it.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from console.model.cluster import Ban, ClusterSnapshot, FailedOperation, Node, Resource, Vip
from console.model.constraints.parse import constraints_document
from console.model.types import INFINITY

SCHEMA_VERSION = 1
STATUS_SCHEMA = "data/status.schema.json"
"""The JSON Schema of these documents, shipped inside the `console` package."""


def _clamp(value: int) -> int:
    return max(-INFINITY, min(INFINITY, value))


def _cluster(snapshot: ClusterSnapshot) -> dict[str, Any]:
    info = snapshot.info
    return {
        "name": info.name,
        "dc": info.dc,
        "have_quorum": info.have_quorum,
        "stonith_enabled": info.stonith_enabled,
        "symmetric_cluster": info.symmetric_cluster,
        "no_quorum_policy": info.no_quorum_policy,
        "maintenance_mode": info.maintenance_mode,
        "stop_all_resources": info.stop_all_resources,
        "nodes_configured": info.nodes_configured,
        "resources_configured": info.resources_configured,
        "resources_disabled": info.resources_disabled,
        "resources_blocked": info.resources_blocked,
        "version": str(info.version),
    }


def _node(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "type": node.type.value,
        "online": node.online,
        "standby": node.standby,
        "standby_onfail": node.standby_onfail,
        "maintenance": node.maintenance,
        "pending": node.pending,
        "unclean": node.unclean,
        "shutdown": node.shutdown,
        "expected_up": node.expected_up,
        "is_dc": node.is_dc,
        "resources_running": node.resources_running,
        "state": node.state.value,
        "attributes": dict(node.attributes),
    }


def _resource(resource: Resource) -> dict[str, Any]:
    document: dict[str, Any] = {
        "kind": resource.kind.value,
        "agent": resource.agent,
        "parent": resource.parent,
        "children": list(resource.children),
        "role": resource.role,
        "active_on": sorted(resource.active_on),
        "node_roles": dict(sorted(resource.node_roles.items())),
        "failed": resource.failed,
        "managed": resource.managed,
        "blocked": resource.blocked,
        "orphaned": resource.orphaned,
        "failure_ignored": resource.failure_ignored,
        "target_role": resource.target_role,
        "instances": resource.instances,
        "failcount": {node: _clamp(count) for node, count in sorted(resource.failcount.items())},
    }
    configured_role = resource.meta.get("target-role")
    if resource.target_role is None and configured_role is not None:
        document["target_role_config"] = configured_role
    if resource.kind.value in ("clone", "promotable_clone"):
        document["promoted_on"] = sorted(resource.promoted_on)
        document["unpromoted_on"] = sorted(resource.unpromoted_on)
        document["globally_unique"] = resource.globally_unique
    return document


def _vip(vip: Vip) -> dict[str, Any]:
    return {
        "ip": vip.ip,
        "cidr_netmask": vip.cidr_netmask,
        "nic": vip.nic,
        "holder_nodes": sorted(vip.holder_nodes),
        "role": vip.role,
        "group": vip.group,
        "top_level": vip.top_level,
    }


def _failure(failure: FailedOperation) -> dict[str, Any]:
    return {
        "resource": failure.resource,
        "instance": failure.instance,
        "node": failure.node,
        "task": failure.task,
        "interval_ms": failure.interval_ms,
        "rc": failure.rc,
        "rc_text": failure.rc_text,
        "status": failure.status,
        "exit_reason": failure.exit_reason,
        "call": failure.call,
        "op_key": failure.op_key,
    }


def _ban(ban: Ban) -> dict[str, Any]:
    return {"id": ban.id, "resource": ban.resource, "node": ban.node,
            "score": _clamp(ban.score), "promoted_only": ban.promoted_only}


def status_schema_text() -> str:
    """The JSON Schema (draft 2020-12) every `hacon status --json` document satisfies."""
    return resources.files("console").joinpath(STATUS_SCHEMA).read_text(encoding="utf-8")


def status_document(snapshot: ClusterSnapshot) -> dict[str, Any]:
    """The `hacon status --json` document (schema v1) for one snapshot."""
    failures = sorted(snapshot.failures,
                      key=lambda f: (f.resource, f.node, f.task, f.interval_ms))
    return {
        "schema_version": SCHEMA_VERSION,
        "cluster": _cluster(snapshot),
        "nodes": {name: _node(node) for name, node in sorted(snapshot.nodes.items())},
        "resources": {rsc_id: _resource(rsc) for rsc_id, rsc in snapshot.resources.items()},
        "vips": {vip_id: _vip(vip) for vip_id, vip in snapshot.vips.items()},
        "failures": [_failure(failure) for failure in failures],
        "failcounts": {
            rsc_id: {node: _clamp(count) for node, count in sorted(per_node.items())}
            for rsc_id, per_node in sorted(snapshot.failcounts.items())
        },
        "bans": [_ban(ban) for ban in snapshot.bans],
        "constraints": constraints_document(snapshot.constraints),
    }
