"""Build the working set from a CIB and walk its status section (Pacemaker's cluster_status).

Order matters and follows lib/pengine/status.c + unpack.c: properties, nodes, remote and guest
nodes, resources, then the status section in passes (cluster nodes first; remote and guest
nodes once their connection is known to be up; offline nodes last).
"""

from __future__ import annotations

from lxml import etree

from console.model.cib.bundles import unpack_bundle
from console.model.cib.history import unpack_node_lrm
from console.model.cib.nodes import (
    NodeContext,
    NodeTable,
    determine_remote_online_status,
    link_remote_node,
    new_node,
    unpack_node_state,
    unpack_nodes,
    unpack_remote_attrs,
)
from console.model.cib.properties import effective_property, property_flag
from console.model.cib.resources_config import (
    ResourceContext,
    guest_node_names,
    setup_containers,
    unpack_clone,
    unpack_group,
    unpack_guest_connection,
    unpack_primitive,
)
from console.model.cib.runtime import NodeRt, Role, Rsc, role_from_text
from console.model.cib.setrules import SetRules
from console.model.cib.world import World
from console.model.types import is_true


def _version_below(version: str | None, reference: tuple[int, ...]) -> bool:
    if not version:
        return True
    try:
        parts = tuple(int(part) for part in version.split("."))
    except ValueError:
        return True
    return parts < reference


def _id_index(configuration: etree._Element) -> dict[str, etree._Element]:
    index: dict[str, etree._Element] = {}
    for element in configuration.iter():
        element_id = element.get("id")
        if element_id is not None and element.get("id-ref") is None:
            index.setdefault(element_id, element)
    return index


def _quorum_policy(root: etree._Element, properties: dict[str, str], stonith: bool) -> str:
    """no-quorum-policy=suicide needs fencing and a cluster that has (had) quorum."""
    policy = effective_property(properties, "no-quorum-policy").lower()
    if policy == "suicide":
        panic = (root.get("no-quorum-panic") or "0").strip() not in ("0", "")
        if not stonith or not (panic or is_true(root.get("have-quorum"))):
            return "stop"
    return policy


def build_world(root: etree._Element, properties: dict[str, str], set_rules: SetRules,
                now: float) -> World:
    """Nodes and resources from the configuration, ready for the status walk."""
    configuration = root.find("configuration")
    assert configuration is not None
    id_index = _id_index(configuration)
    stonith = property_flag(properties, "stonith-enabled")
    node_ctx = NodeContext(
        stonith_enabled=stonith,
        startup_fencing=property_flag(properties, "startup-fencing"),
        dc_uuid=root.get("dc-uuid"),
        cluster_name=properties.get("cluster-name"),
        have_quorum=is_true(root.get("have-quorum")),
        quorum_policy=_quorum_policy(root, properties, stonith),
        id_index=id_index,
        set_rules=set_rules,
    )
    nodes = NodeTable()
    unpack_nodes(configuration.find("nodes"), nodes, node_ctx)
    resources_xml = configuration.find("resources")
    for name in guest_node_names(resources_xml):
        if name not in nodes.by_name:
            nodes.add(new_node(name, name, "remote"))
    rsc_ctx = ResourceContext(
        id_index=id_index,
        rsc_defaults=configuration.find("rsc_defaults"),
        maintenance_mode=property_flag(properties, "maintenance-mode"),
        stonith_enabled=stonith,
        enable_unfencing=False,
        no_quorum_ignore=node_ctx.quorum_policy == "ignore",
        node_count=len(nodes.by_name),
        set_rules=set_rules,
    )
    world = World(
        nodes=nodes, node_ctx=node_ctx, rsc_ctx=rsc_ctx, resources=[],
        stonith_enabled=stonith,
        symmetric=property_flag(properties, "symmetric-cluster"),
        stop_orphans=property_flag(properties, "stop-orphan-resources"),
        shutdown_lock=property_flag(properties, "shutdown-lock"),
        op_defaults=configuration.find("op_defaults"),
        now=now,
        legacy_failcounts=_version_below(root.get("crm_feature_set"), (3, 0, 13)),
        id_index=id_index,
        set_rules=set_rules,
    )
    _unpack_resources(world, resources_xml)
    world.have_stonith_resource = property_flag(properties, "have-watchdog") or any(
        rsc.fence_device for rsc in world.by_id.values())
    return world


def _unpack_resources(world: World, resources_xml: etree._Element | None) -> None:
    ctx = world.rsc_ctx
    guests: list[etree._Element] = []
    for xml in resources_xml if resources_xml is not None else ():
        if not xml.get("id"):
            continue
        ctx.node_count = len(world.nodes.by_name)
        rsc = _unpack_one(world, xml)
        if rsc is not None:
            world.resources.append(rsc)
        if xml.tag == "primitive":
            guests.append(xml)
        elif xml.tag == "group":
            guests.extend(member for member in xml if member.tag == "primitive")
    for xml in guests:
        connection = unpack_guest_connection(xml, ctx)
        if connection is not None:
            world.resources.append(connection)
    setup_containers(world.resources, ctx.by_id)
    _link_remote_nodes(world)


def _unpack_one(world: World, xml: etree._Element) -> Rsc | None:
    ctx = world.rsc_ctx
    if xml.tag == "primitive":
        return unpack_primitive(xml, None, ctx)
    if xml.tag == "group":
        return unpack_group(xml, None, ctx)
    if xml.tag in ("clone", "master"):
        return unpack_clone(xml, None, ctx)
    if xml.tag == "bundle":
        unpacked = unpack_bundle(xml, ctx)
        if unpacked is None:
            return None
        bundle, replicas = unpacked
        world.bundle_replicas[bundle.id] = replicas
        for replica in replicas:
            if replica.node_name and replica.node_name not in world.nodes.by_name:
                world.nodes.add(new_node(replica.node_name, replica.node_name, "remote"))
        return bundle
    return None


def _link_remote_nodes(world: World) -> None:
    for top in world.resources:
        for leaf in top.primitives():
            if not leaf.is_remote_node:
                continue
            node = world.nodes.by_name.get(leaf.id)
            if node is not None and node.remote_rsc is None:
                link_remote_node(node, leaf, world.node_ctx)


def walk_status(world: World, status: etree._Element | None) -> None:
    """unpack_status: node states, then histories in dependency order."""
    world.status_xml = status
    states = [child for child in status if child.tag == "node_state"] if status is not None \
        else []
    for state in states:
        unpack_node_state(state, world.nodes, world.node_ctx)
    while _unpack_histories(world, states, fence=False):
        pass
    _unpack_histories(world, states, fence=world.stonith_enabled)
    world.counts = _counts(world)
    for node in world.nodes.by_name.values():
        if node.type != "remote":
            continue
        if node.shutdown and node.remote_rsc is not None:
            node.remote_rsc.next_role = Role.STOPPED
        if not node.unpacked:
            determine_remote_online_status(node, world.nodes)


def _counted_leaves(world: World, rsc: Rsc) -> list[Rsc]:
    if rsc.variant == "bundle":
        return [part for replica in world.bundle_replicas.get(rsc.id, [])
                for part in (replica.ip, replica.child, replica.container, replica.remote)
                if part is not None]
    return rsc.primitives()


def _counts(world: World) -> tuple[int, int, int]:
    """pe__count_common: every instance that is configured or active, disabled and blocked."""
    configured = disabled = blocked = 0
    for top in world.resources:
        for leaf in _counted_leaves(world, top):
            if leaf.orphan and leaf.role <= Role.STOPPED:
                continue
            configured += 1
            wanted = role_from_text(leaf.meta.get("target-role"))
            if wanted == Role.STOPPED or (wanted == Role.UNPROMOTED and leaf.top().promotable):
                disabled += 1
            blocked += leaf.blocked
    return configured, disabled, blocked


def _ready(world: World, node: NodeRt, fence: bool) -> bool:
    if fence:
        return True
    connection = node.remote_rsc
    if node.is_guest:
        assert connection is not None and connection.container is not None
        return connection.role == Role.STARTED and connection.container.role == Role.STARTED
    if node.type == "remote":
        return connection is not None and (world.shutdown_lock
                                           or connection.role == Role.STARTED)
    return world.stonith_enabled or world.shutdown_lock or node.online


def _unpack_histories(world: World, states: list[etree._Element], fence: bool) -> bool:
    progressed = False
    for state in states:
        node_id, uname = state.get("id"), state.get("uname")
        if node_id is None or uname is None:
            continue
        node = world.nodes.find(node_id, uname)
        if node is None or node.unpacked or not _ready(world, node, fence):
            continue
        if node.type == "remote":
            determine_remote_online_status(node, world.nodes)
            unpack_remote_attrs(node, state, world.node_ctx)
        node.unpacked = True
        unpack_node_lrm(world, node, state)
        progressed = True
    return progressed
