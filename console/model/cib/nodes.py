"""Nodes and their membership state, as Pacemaker derives them from `<nodes>` and `<node_state>`.

Follows lib/pengine/unpack.c: unpack_nodes, handle_startup_fencing, unpack_node_state,
determine_online_status (with and without fencing) and determine_remote_online_status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from console.model.cib.properties import unpack_sets
from console.model.cib.runtime import NodeRt, Role, Rsc
from console.model.cib.setrules import RuleScope, SetRules
from console.model.types import is_true


@dataclass
class NodeTable:
    """All nodes, findable by id and by name, in Pacemaker's (name-sorted) order."""

    by_name: dict[str, NodeRt] = field(default_factory=dict)
    by_id: dict[str, NodeRt] = field(default_factory=dict)

    def add(self, node: NodeRt) -> None:
        self.by_name.setdefault(node.uname, node)
        self.by_id.setdefault(node.id, node)

    def find(self, node_id: str | None, uname: str | None) -> NodeRt | None:
        """pe_find_node_any: by id first, then by name."""
        if node_id is not None and node_id in self.by_id:
            return self.by_id[node_id]
        return self.by_name.get(uname) if uname is not None else None

    def all(self) -> list[NodeRt]:
        return sorted(self.by_name.values(), key=lambda node: node.uname.lower())


@dataclass
class NodeContext:
    """Cluster facts node unpacking depends on."""

    stonith_enabled: bool
    startup_fencing: bool
    dc_uuid: str | None
    cluster_name: str | None
    have_quorum: bool
    quorum_policy: str
    id_index: Mapping[str, etree._Element]
    set_rules: SetRules | None = None


def base_attributes(node: NodeRt, ctx: NodeContext) -> None:
    """The built-in attributes add_node_attrs() sets before the configured ones."""
    node.attrs["#uname"] = node.uname
    node.attrs["#id"] = node.id
    node.is_dc = ctx.dc_uuid is not None and node.id.lower() == ctx.dc_uuid.lower()
    node.attrs["#is_dc"] = "true" if node.is_dc else "false"
    if ctx.cluster_name:
        node.attrs["#cluster-name"] = ctx.cluster_name


def add_node_attrs(node: NodeRt, xml: etree._Element | None, overwrite: bool,
                   ctx: NodeContext) -> None:
    base_attributes(node, ctx)
    holds = ctx.set_rules.checker(RuleScope()) if ctx.set_rules else (lambda _rule: True)
    unpack_sets(xml, "instance_attributes", node.attrs, overwrite=overwrite,
                id_index=ctx.id_index, rule_holds=holds)
    if "#site-name" not in node.attrs:
        site = node.attrs.get("site-name") or ctx.cluster_name
        if site:
            node.attrs["#site-name"] = site


def startup_fencing(node: NodeRt, ctx: NodeContext) -> None:
    """All nodes are unclean until their status entry has been seen (if fencing is on)."""
    if node.type == "remote" and node.remote_rsc is None:
        return
    node.unclean = ctx.stonith_enabled and ctx.startup_fencing
    node.unseen = True


def new_node(node_id: str, uname: str, node_type: str | None) -> NodeRt:
    kind = (node_type or "member").lower()
    if kind not in ("member", "remote"):
        kind = "ping"
    node = NodeRt(id=node_id, uname=uname, type=kind)
    node.attrs["#kind"] = "remote" if kind == "remote" else "cluster"
    return node


def unpack_nodes(nodes_xml: etree._Element | None, table: NodeTable, ctx: NodeContext) -> None:
    if nodes_xml is None:
        return
    for xml in nodes_xml:
        if xml.tag != "node" or xml.get("id") is None:
            continue
        node = new_node(xml.get("id") or "", xml.get("uname") or "", xml.get("type"))
        table.add(node)
        startup_fencing(node, ctx)
        add_node_attrs(node, xml, False, ctx)


def fence_node(node: NodeRt) -> None:
    """pe_fence_node: cluster and remote nodes become unclean; guests fail their container."""
    if node.is_guest:
        container = node.remote_rsc.container if node.remote_rsc else None
        if container is not None and not container.failed and container.managed:
            node.remote_requires_reset = True
            container.failed = True
        return
    if node.type == "remote":
        connection = node.remote_rsc
        if connection is None or connection.managed:
            node.remote_requires_reset = True  # an unmanaged connection is not fenced
        node.unclean = True
        return
    node.unclean = True


def shutdown_requested(node: NodeRt) -> bool:
    value = node.attrs.get("shutdown")
    return value is not None and value != "0"


def unpack_node_state(state: etree._Element, table: NodeTable, ctx: NodeContext) -> None:
    """First pass over one node_state: transient attributes and membership."""
    node_id, uname = state.get("id"), state.get("uname")
    if node_id is None or uname is None:
        return
    node = table.find(node_id, uname)
    if node is None:
        return
    if node.type == "remote":
        node.remote_was_fenced = (state.get("node_fenced") or "0") not in ("0", "")
        return
    transient = state.find("transient_attributes")
    add_node_attrs(node, transient, True, ctx)
    if is_true(node.attrs.get("standby")):
        node.standby = True
    if is_true(node.attrs.get("maintenance")):
        node.maintenance = True
    node.unclean = False
    node.unseen = False
    determine_online_status(state, node, ctx)
    if not ctx.have_quorum and node.online and ctx.quorum_policy == "suicide":
        fence_node(node)


def determine_online_status(state: etree._Element, node: NodeRt, ctx: NodeContext) -> None:
    node.shutdown = False
    node.expected_up = False
    if shutdown_requested(node):
        node.shutdown = True
    elif (state.get("expected") or "").lower() == "member":
        node.expected_up = True
    if node.type == "ping":
        node.unclean = False
        online = False
    elif not ctx.stonith_enabled:
        online = _online_without_fencing(state, node)
    else:
        online = _online_with_fencing(state, node)
    if online:
        node.online = True


def _online_without_fencing(state: etree._Element, node: NodeRt) -> bool:
    in_cluster = state.get("in_ccm")
    if not is_true(in_cluster):
        return False
    if (state.get("crmd") or "").lower() == "online":
        return (state.get("join") or "").lower() == "member"
    if node.expected_up:
        fence_node(node)
    return False


def _terminate_requested(node: NodeRt) -> bool:
    terminate = node.attrs.get("terminate")
    if is_true(terminate):
        return True
    return terminate is not None and terminate[:1].isdigit() and terminate[:1] != "0"


def _online_with_fencing(state: etree._Element, node: NodeRt) -> bool:
    join = (state.get("join") or "").lower() if state.get("join") is not None else None
    in_cluster_text = state.get("in_ccm")
    in_cluster = is_true(in_cluster_text)
    crmd_online = (state.get("crmd") or "").lower() == "online"
    expected = (state.get("expected") or "down").lower()
    terminate = _terminate_requested(node)
    if node.shutdown:
        return crmd_online
    if in_cluster_text is None or join == "banned":
        fence_node(node)
    elif not terminate and expected == "down":
        if in_cluster or crmd_online:
            node.standby = True
            node.pending = True
    elif terminate and join == "down" and not in_cluster and not crmd_online:
        return False
    elif not in_cluster or not crmd_online or terminate:
        fence_node(node)
    elif join in ("pending", "down"):
        node.standby = True  # still joining: not ready to run resources
        node.pending = True
    elif join != "member":
        fence_node(node)  # an unknown join state
    return in_cluster


def determine_remote_online_status(node: NodeRt, nodes: NodeTable) -> None:
    """A remote/guest node is online when its connection (and container) is started."""
    connection = node.remote_rsc
    if connection is None:
        node.online = False
        return
    container = connection.container
    host = None
    if container is not None and len(connection.running_on) == 1:
        host = nodes.by_name.get(connection.running_on[0])
    if connection.role == Role.STARTED:
        node.online = True
        if connection.next_role == Role.STOPPED:
            node.shutdown = True
    if container is not None and container.failed:
        node.online = False
        node.remote_requires_reset = True
    elif connection.failed:
        node.online = False
    elif connection.role == Role.STOPPED or (
            container is not None and container.role == Role.STOPPED):
        node.online = False
        node.remote_requires_reset = False
    elif host is not None and not host.online and host.unclean:
        node.online = False
        node.remote_requires_reset = True


def unpack_remote_attrs(node: NodeRt, state: etree._Element, ctx: NodeContext) -> None:
    """unpack_handle_remote_attrs: transient attributes and flags of a remote/guest node."""
    if node.type != "remote":
        return
    connection = node.remote_rsc
    if not node.remote_requires_reset:
        node.unclean = False
        node.unseen = False
    add_node_attrs(node, state.find("transient_attributes"), True, ctx)
    if shutdown_requested(node):
        node.shutdown = True
    if is_true(node.attrs.get("standby")):
        node.standby = True
    if is_true(node.attrs.get("maintenance")) or (connection is not None
                                                 and not connection.managed):
        node.maintenance = True


def link_remote_node(node: NodeRt, connection: Rsc, ctx: NodeContext) -> None:
    """link_rsc2remotenode: remote nodes get start-up fencing like cluster nodes."""
    node.remote_rsc = connection
    if connection.container is None:
        startup_fencing(node, ctx)
    else:
        node.attrs["#kind"] = "container"
