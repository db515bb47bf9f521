"""The `live` object of `hacon status --json` on a live cluster (the file-mode document + `live`).

Every node's own view is listed, reachable or not; an unreachable node's last view keeps its old
`fetched_at` and says `"reachable": false`, so no script mistakes it for fresh data. Each
partition is listed from its own members' views (`partition_views`), and a VIP an unreachable,
unfenced node held when last seen is named in `vip_may_be_on`. The top-level `fencing` object
carries the devices and the fencer history merged from every reachable node.
"""

from __future__ import annotations

from typing import Any

from console.model.live.client_view import ClientView
from console.model.export import SCHEMA_VERSION, status_document
from console.model.live.fencing import FenceEvent, FencingState
from console.model.live.snapshot import LiveSnapshot, NodeView
from console.model.live.partitions import LastFacts, PartitionView


def live_status_document(live: LiveSnapshot) -> dict[str, Any]:
    """The status document of the chosen CIB (if any node gave one) plus `live`."""
    document: dict[str, Any] = (status_document(live.cluster) if live.cluster is not None
                                else {"schema_version": SCHEMA_VERSION})
    document["live"] = live_document(live)
    document["fencing"] = fencing_document(live.fencing)
    return document


def live_document(live: LiveSnapshot) -> dict[str, Any]:
    """The `live` object: reached/unreachable nodes, each node's view, verdict, VIP truth."""
    return {
        "verdict": live.verdict.value,
        "split_brain": live.split_brain,
        "source_node": live.source_node,
        "reached": list(live.reached),
        "unreachable": dict(sorted(live.unreachable.items())),
        "views": {name: _view(view) for name, view in sorted(live.views.items())},
        "partitions": [list(partition) for partition in live.partitions],
        "vip_bound": {vip_id: list(truth.bound_on)
                      for vip_id, truth in sorted(live.vip_truth.items())},
        "vip_truth": {vip_id: {"address": truth.address,
                               "cib_holders": list(truth.cib_holders),
                               "bound_on": list(truth.bound_on),
                               "truth": truth.truth.value}
                      for vip_id, truth in sorted(live.vip_truth.items())},
        "partition_views": [_partition(side) for side in live.partition_views],
        "vip_may_be_on": {vip_id: list(nodes)
                          for vip_id, nodes in sorted(live.vip_may_be_on.items())},
        "last_seen": {name: _last_seen(facts) for name, facts in sorted(live.last_facts.items())},
        "client_view": {vip_id: _client(view) for vip_id, view in sorted(live.client_view.items())},
        "fetched_at": live.fetched_at,
        "built_at": live.built_at,
    }


def _partition(side: PartitionView) -> dict[str, Any]:
    return {
        "members": list(side.members),
        "dc": side.dc,
        "quorate": side.quorate,
        "running": {rid: list(nodes) for rid, nodes in side.running.items()},
        "vip_holders": {vip_id: list(nodes) for vip_id, nodes in side.vip_holders.items()},
        "vip_bound": {vip_id: list(nodes) for vip_id, nodes in side.vip_bound.items()},
        "reporters": list(side.reporters),
        "source_node": side.source,
    }


def _client(view: ClientView) -> dict[str, Any]:
    return {
        "arp": {node: list(macs) for node, macs in view.arp.items()},
        "arp_nodes": list(view.arp_nodes),
        "service": {origin: {"answered": answer.answered, "status": answer.status,
                             "server": answer.server, "rtt_ms": answer.rtt_ms,
                             "error": answer.error}
                    for origin, answer in view.service.items()},
        "not_probed": list(view.not_probed),
    }


def _last_seen(facts: LastFacts) -> dict[str, Any]:
    fenced = facts.fenced
    return {
        "seen_at": facts.seen_at,
        "vips_held": list(facts.vips_held),
        "running": list(facts.running),
        "quorate": facts.quorate,
        "members": list(facts.members),
        "in_partition": facts.in_partition,
        "fenced_by": (fenced.delegate or fenced.origin) if fenced is not None else None,
        "fenced_at": fenced.completed if fenced is not None else None,
    }


def fencing_document(fencing: FencingState) -> dict[str, Any]:
    """The top-level `fencing` object: enabled, the devices, the merged history."""
    return {
        "enabled": fencing.enabled,
        "devices": [{"id": device.id, "agent": device.agent, "role": device.role,
                     "active_on": list(device.active_on)} for device in fencing.devices],
        "history": [_fence_event(event) for event in fencing.history],
        "history_from": list(fencing.history_from),
    }


def _fence_event(event: FenceEvent) -> dict[str, Any]:
    return {
        "target": event.target, "action": event.action, "origin": event.origin,
        "delegate": event.delegate, "client": event.client, "status": event.status,
        "completed": event.completed, "exit_reason": event.exit_reason,
        "superseded": event.superseded,
    }


def _view(view: NodeView) -> dict[str, Any]:
    return {
        "reachable": view.reachable,
        "reason": view.reason,
        "dc": view.dc,
        "quorate": view.quorate,
        "online": list(view.online),
        "cib_version": str(view.cib_version) if view.cib_version is not None else None,
        "vip_interfaces": {vip_id: list(interfaces)
                           for vip_id, interfaces in sorted(view.vip_interfaces.items())},
        "service_running": view.service_running,
        "stack_error": view.stack_error,
        "fetched_at": view.fetched_at,
    }
