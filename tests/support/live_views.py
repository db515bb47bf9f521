"""Hand-made inputs for the live-model tests: small ClusterSnapshots and NodeViews."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from console.model.cluster import ClusterInfo, ClusterSnapshot, Constraints, Node, NodeType, Vip
from console.model.live.snapshot import NodeView
from console.model.types import CibVersion

VIP_IP = "10.213.47.100"
VERSION = CibVersion(0, 9, 14)
NODE_IDS = {"node-a": "1", "node-b": "2", "node-c": "3"}


def cluster_snapshot(*, online: Iterable[str] = ("node-a", "node-b"),
                     nodes: Iterable[str] = ("node-a", "node-b"),
                     vip_on: Iterable[str] = ("node-a",), dc: str | None = "node-b",
                     version: CibVersion = VERSION,
                     vips: Mapping[str, str] | None = None) -> ClusterSnapshot:
    """A CIB as one node sees it: who is online, where the VIP(s) run, its DC and version."""
    online_set = set(online)
    node_map = {name: _node(name, name in online_set, name == dc) for name in nodes}
    vip_map = {vip_id: Vip(vip_id, ip, "24", "eth0", tuple(sorted(vip_on)),
                           "Started" if vip_on else "Stopped", None, vip_id)
               for vip_id, ip in (vips or {"ClusterIP": VIP_IP}).items()}
    info = ClusterInfo(name="lab", version=version, dc=dc, have_quorum=True,
                       stonith_enabled=False, symmetric_cluster=True, no_quorum_policy="stop",
                       maintenance_mode=False, stop_all_resources=False,
                       nodes_configured=len(node_map), resources_configured=len(vip_map),
                       resources_disabled=0, resources_blocked=0)
    return ClusterSnapshot(info=info, nodes=node_map, resources={}, vips=vip_map,
                           failures=(), failcounts={}, bans=(), constraints=Constraints())


def _node(name: str, online: bool, is_dc: bool) -> Node:
    return Node(name=name, id=NODE_IDS.get(name, name), type=NodeType.MEMBER, online=online,
                standby=False, standby_onfail=False, maintenance=False, pending=False,
                unclean=False, shutdown=False, expected_up=online, is_dc=is_dc,
                resources_running=0)


def view(node: str, *, online: Iterable[str] = ("node-a", "node-b"), dc: str | None = "node-b",
         version: CibVersion | None = VERSION, quorate: bool | None = True,
         bound: Iterable[str] = (), fetched_at: float = 100.0) -> NodeView:
    """A reachable node's view; `bound` lists addresses on its eth0."""
    return NodeView(node=node, reachable=True, cib_version=version, dc=dc, quorate=quorate,
                    online=tuple(sorted(online)), fetched_at=fetched_at,
                    addresses={address: ("eth0",) for address in bound})


def unreachable(node: str, reason: str = "connection refused", *,
                last: NodeView | None = None) -> NodeView:
    """An unreachable node, optionally keeping its last (old) view."""
    if last is None:
        return NodeView(node=node, reachable=False, reason=reason)
    from dataclasses import replace
    return replace(last, reachable=False, reason=reason)
