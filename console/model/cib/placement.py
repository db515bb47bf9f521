"""Which resource a history entry belongs to, and what its state means for placement.

Follows unpack.c: unpack_find_resource, find_anonymous_clone, process_orphan_resource and
process_rsc_state, plus native_add_running from native.c.
"""

from __future__ import annotations

from lxml import etree

from console.model.cib.nodes import fence_node, link_remote_node, new_node
from console.model.cib.resources_config import add_clone_instance, is_remote_primitive, new_rsc
from console.model.cib.runtime import NodeRt, OnFail, Recovery, Role, Rsc
from console.model.cib.world import World


def clone_strip(rsc_id: str) -> str:
    """The id without a trailing ":N" instance number."""
    base, sep, number = rsc_id.rpartition(":")
    if sep and base and (number.isdigit() or number == ""):
        return base
    return rsc_id


def set_active(rsc: Rsc) -> None:
    rsc.role = Role.UNPROMOTED if rsc.top().promotable else Role.STARTED


def _locations(rsc: Rsc) -> list[str]:
    """Where an instance is active or pending (location(..., 2))."""
    found: list[str] = []
    for leaf in rsc.primitives():
        for name in leaf.running_on + ([leaf.pending_node] if leaf.pending_node else []):
            if name not in found:
                found.append(name)
    return found


def _member(instance: Rsc, base_id: str) -> Rsc | None:
    """find_rsc(..., pe_find_clone): the member of an instance configured as base_id."""
    for leaf in instance.primitives():
        if leaf.config_id == base_id or leaf.id == base_id:
            return leaf
    return None


def find_anonymous_clone(world: World, node: NodeRt, clone: Rsc, base_id: str) -> Rsc:
    """The instance of an anonymous clone a node's history of base_id belongs to."""
    found: Rsc | None = None
    inactive: Rsc | None = None
    skip_inactive = False
    for instance in clone.children:
        locations = _locations(instance)
        if locations:
            if locations[0] == node.uname:
                member = _member(instance, base_id)
                if member is not None and member.running_on:
                    skip_inactive = True
                elif member is not None:
                    found = member
                if found is not None or skip_inactive:
                    break
        elif not skip_inactive and inactive is None and not instance.blocked:
            candidate = _member(instance, base_id)
            if candidate is not None and candidate.pending_node not in (None, node.uname):
                candidate = None
            inactive = candidate
    if found is None and not skip_inactive and inactive is not None:
        found = inactive
    if (found is not None and not found.needs_fencing and (not node.online or node.unclean)
            and not node.is_guest and not _is_universal(clone, world)):
        found = None
    if found is None:
        instance = add_clone_instance(clone, world.rsc_ctx)
        found = _member(instance, base_id) or instance
    return found


def _is_universal(clone: Rsc, world: World) -> bool:
    """pe__is_universal_clone: exactly one instance per known node."""
    return clone.clone_max == len(world.nodes.by_name)


def find_for_history(world: World, node: NodeRt, rsc_id: str) -> Rsc | None:
    """unpack_find_resource: the runtime resource an lrm_resource entry describes."""
    rsc = world.find_resource(rsc_id)
    parent: Rsc | None = None
    if rsc is None:
        clone0 = world.by_id.get(clone_strip(rsc_id) + ":0")
        if clone0 is not None and not clone0.unique:
            rsc = clone0
            parent = clone0.top()
    elif rsc.variant != "primitive":
        return None
    else:
        parent = rsc.top()
    if parent is not None and parent.is_anonymous_clone():
        if parent.parent is not None and parent.parent.variant == "bundle":
            rsc = _bundle_replica_child(world, parent.parent, node)
        else:
            rsc = find_anonymous_clone(world, node, parent, clone_strip(rsc_id))
    if rsc is not None and rsc_id not in (rsc.id, rsc.clone_name):
        rsc.clone_name = rsc_id
        world.renamed.setdefault(rsc_id, rsc)
    return rsc


def _bundle_replica_child(world: World, bundle: Rsc, node: NodeRt) -> Rsc | None:
    for replica in world.bundle_replicas.get(bundle.id, []):
        if replica.node_name == node.uname:
            return replica.child
    return None


def create_orphan(world: World, lrm: etree._Element, node: NodeRt) -> Rsc:
    """process_orphan_resource: history of a resource that is no longer configured."""
    rsc_id = lrm.get("id") or ""
    xml = etree.Element("primitive")
    for name, value in lrm.attrib.items():
        xml.set(name, value)
    xml.set("id", rsc_id)
    rsc = new_rsc(xml, None, world.rsc_ctx)
    rsc.orphan = True
    if is_remote_primitive(xml):
        remote = world.nodes.by_name.get(rsc_id)
        if remote is None:
            remote = new_node(rsc_id, rsc_id, "remote")
            world.nodes.add(remote)
        link_remote_node(remote, rsc, world.node_ctx)
        remote.shutdown = True
    if not world.stop_orphans:
        rsc.managed = False
    world.resources.append(rsc)
    world.by_id.setdefault(rsc_id, rsc)
    return rsc


def add_running(world: World, rsc: Rsc, node: NodeRt) -> None:
    """native_add_running: record that rsc is active on node."""
    if node.uname in rsc.running_on:
        return
    rsc.running_on.append(node.uname)
    node.running_rsc.append(rsc)
    if node.maintenance:
        rsc.managed = False
    if not rsc.managed:
        parent = rsc.parent
        while parent is not None and node.online:
            parent.running_on.append(node.uname)
            parent = parent.parent
        return
    if len(rsc.running_on) > 1 and rsc.recovery == Recovery.BLOCK:
        _block(rsc)
        owner = rsc.parent
        if owner is not None and owner.variant in ("group", "bundle") and \
                owner.recovery == Recovery.BLOCK:
            for sibling in owner.children:
                _block(sibling)
    parent = rsc.parent
    while parent is not None:
        if node.uname not in parent.running_on:
            parent.running_on.append(node.uname)
        parent = parent.parent


def _block(rsc: Rsc) -> None:
    rsc.managed = False
    rsc.blocked = True


def process_rsc_state(world: World, rsc: Rsc, node: NodeRt, on_fail: OnFail) -> None:
    """What the final state of one node's history means (failed, blocked, fencing...)."""
    if rsc.role > Role.STOPPED and not node.online and not node.maintenance and rsc.managed:
        if node.is_guest:
            rsc.failed = True
            fence_node(node)
        elif world.stonith_enabled:
            if node.type == "remote" and node.remote_rsc is not None \
                    and not node.remote_rsc.failed:
                node.unseen = True
            fence_node(node)
    if node.unclean:
        on_fail = OnFail.IGNORE  # fencing the node recovers everything on it
    _apply_on_fail(world, rsc, node, on_fail)
    if rsc.failed and rsc.is_remote_node:
        remote = world.nodes.by_name.get(rsc.id)
        if remote is not None and remote.unclean:
            remote.unseen = False
    if rsc.role not in (Role.STOPPED, Role.UNKNOWN):
        add_running(world, rsc, node)
        if on_fail != OnFail.IGNORE:
            rsc.failed = True
    elif rsc.clone_name and ":" in rsc.clone_name:
        rsc.clone_name = None
    if (rsc.role == Role.STOPPED and rsc.partial_migration_source == node.uname
            and rsc.partial_migration_target and rsc.running_on):
        rsc.role = Role.STARTED


def _apply_on_fail(world: World, rsc: Rsc, node: NodeRt, on_fail: OnFail) -> None:
    active = rsc.role not in (Role.STOPPED, Role.UNKNOWN)
    if on_fail == OnFail.DEMOTE:
        rsc.failed = True
    elif on_fail == OnFail.FENCE:
        fence_node(node)
    elif on_fail == OnFail.STANDBY:
        node.standby = True
        node.standby_onfail = True
    elif on_fail == OnFail.BLOCK:
        _block(rsc)
    elif on_fail == OnFail.STOP:
        rsc.next_role = Role.STOPPED
    elif on_fail == OnFail.RECOVER and active or on_fail == OnFail.RESTART_CONTAINER:
        rsc.failed = True
    elif on_fail == OnFail.RESET_REMOTE:
        rsc.failed = True
        if world.stonith_enabled and rsc.is_remote_node:
            remote = world.nodes.by_name.get(rsc.id)
            if remote is not None and remote.type == "remote" and not remote.is_guest \
                    and not remote.remote_was_fenced:
                fence_node(remote)
        if rsc.remote_reconnect_ms:
            rsc.next_role = Role.STOPPED
