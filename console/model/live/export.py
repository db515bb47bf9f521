"""The `live` object of `hacon status --json` on a live cluster (the file-mode document + `live`).

Every node's own view is listed, reachable or not; an unreachable node's last view keeps its old
`fetched_at` and says `"reachable": false`, so no script mistakes it for fresh data.
"""

from __future__ import annotations

from typing import Any

from console.model.export import SCHEMA_VERSION, status_document
from console.model.live.snapshot import LiveSnapshot, NodeView


def live_status_document(live: LiveSnapshot) -> dict[str, Any]:
    """The status document of the chosen CIB (if any node gave one) plus `live`."""
    document: dict[str, Any] = (status_document(live.cluster) if live.cluster is not None
                                else {"schema_version": SCHEMA_VERSION})
    document["live"] = live_document(live)
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
        "fetched_at": live.fetched_at,
        "built_at": live.built_at,
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
