"""VIP starts recorded in a CIB's status section: the check's "failovers in the window".

Pacemaker keeps, per node and resource, only the latest operation of each kind (`<id>_last_0`
for the last non-recurring one). So a CIB can tell, for each node, when the VIP last started
there: a node whose last start lies inside the window took the VIP over (or started it) within
it. Several moves back and forth between the same two nodes count once per node; that is the
most the CIB can say without the scheduler's history files.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from console.model.errors import CibParseError
from console.model.xmlsafe import parse_xml


def vip_start_times(cib_xml: bytes, vip_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    """VIP id -> node -> epoch seconds of its last successful start on that node.

    Clone instances (`id:N`) count under the VIP id. A CIB that cannot be read gives {}.
    """
    wanted = set(vip_ids)
    if not wanted:
        return {}
    try:
        root = parse_xml(cib_xml)
    except CibParseError:  # the CIB's own parse reports it; this is only a count
        return {}
    starts: dict[str, dict[str, int]] = {}
    for state in root.iterfind("status/node_state"):
        node = state.get("uname")
        if not node:
            continue
        for resource in state.iterfind("lrm/lrm_resources/lrm_resource"):
            vip_id = str(resource.get("id", "")).partition(":")[0]
            if vip_id in wanted:
                when = _last_start(resource)
                if when is not None:
                    per_node = starts.setdefault(vip_id, {})
                    per_node[node] = max(when, per_node.get(node, 0))
    return starts


def _last_start(resource: etree._Element) -> int | None:
    times = [int(str(op.get("last-rc-change")))
             for op in resource.iterfind("lrm_rsc_op")
             if op.get("operation") == "start" and op.get("rc-code") == "0"
             and str(op.get("last-rc-change", "")).isdigit()]
    return max(times) if times else None


def starts_within(starts: dict[str, dict[str, int]], now: float, window: float) -> int:
    """How many (VIP, node) last starts lie within `window` seconds before `now`."""
    return sum(1 for per_node in starts.values() for when in per_node.values()
               if now - window <= when <= now + 60)
