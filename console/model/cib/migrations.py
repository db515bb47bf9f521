"""Live migration in the history: where a migrating resource counts as active.

Follows unpack.c: unpack_migrate_to_success, unpack_migrate_to_failure and
unpack_migrate_from_failure, with their lookups of the other node's history.
"""

from __future__ import annotations

from lxml import etree

from console.model.cib.runtime import NodeRt, Role, Rsc
from console.model.cib.world import World


def _int(op: etree._Element, name: str, default: int) -> int:
    try:
        return int(op.get(name, default))
    except ValueError:
        return default


def find_lrm_op(world: World, rsc_id: str, task: str, node_name: str | None,
                source: str | None = None, target_rc: int = -1) -> etree._Element | None:
    """The first recorded `task` of rsc_id on node_name (optionally checking its result)."""
    if node_name is None:
        return None
    entry = world.lrm_entry(node_name, rsc_id)
    if entry is None:
        return None
    found = None
    for op in entry:
        if op.tag != "lrm_rsc_op" or op.get("operation") != task:
            continue
        if source is not None and task == "migrate_to" and op.get("migrate_target") != source:
            continue
        if source is not None and task == "migrate_from" and op.get("migrate_source") != source:
            continue
        found = op
        break
    if found is not None and target_rc >= 0 and (
            _int(found, "rc-code", 1) != target_rc or _int(found, "op-status", 4) != 0):
        return None
    return found


def _newer(a: etree._Element, b: etree._Element, same_node: bool) -> bool:
    from console.model.cib.ops import compare_ops

    return compare_ops(a, b, same_node) > 0


def _unknown_on(world: World, rsc_id: str, node_name: str) -> bool:
    """No completed history on the node (pending results, rc 193, do not count)."""
    entry = world.lrm_entry(node_name, rsc_id)
    return entry is None or not any(
        child.tag == "lrm_rsc_op" and child.get("rc-code") != "193" for child in entry)


def _non_monitor_after(world: World, rsc_id: str, node_name: str | None,
                       reference: etree._Element, same_node: bool) -> bool:
    entry = world.lrm_entry(node_name, rsc_id)
    if entry is None:
        return False
    for op in entry:
        if op.tag != "lrm_rsc_op" or op is reference:
            continue
        if op.get("operation") in ("start", "stop", "migrate_to", "migrate_from") and \
                _newer(op, reference, same_node):
            return True
    return False


def _monitor_not_running_after(world: World, rsc_id: str, node_name: str,
                               reference: etree._Element, same_node: bool) -> bool:
    monitor = find_lrm_op(world, rsc_id, "monitor", node_name, None, 7)
    return monitor is not None and _newer(monitor, reference, same_node)


def _newer_state_after_migrate(world: World, rsc_id: str, node_name: str | None,
                               migrate_to: etree._Element | None,
                               migrate_from: etree._Element | None) -> bool:
    reference = migrate_from if migrate_from is not None else migrate_to
    assert reference is not None
    source = reference.get("migrate_source")
    target = reference.get("migrate_target")
    same_node = False
    if node_name == target and migrate_from is not None:
        reference, same_node = migrate_from, True
    elif node_name == target and migrate_to is not None:
        reference = migrate_to
    elif node_name == source and migrate_to is not None:
        reference, same_node = migrate_to, True
    elif node_name == source and migrate_from is not None:
        reference = migrate_from
    if node_name is None:
        return False
    return (_non_monitor_after(world, rsc_id, node_name, reference, same_node)
            or _monitor_not_running_after(world, rsc_id, node_name, reference, same_node))


def migrate_to_success(world: World, rsc: Rsc, node: NodeRt, op: etree._Element) -> None:
    from console.model.cib.placement import add_running

    source, target = op.get("migrate_source"), op.get("migrate_target")
    if not source or not target or source != node.uname:
        return
    source_newer = _non_monitor_after(world, rsc.id, source, op, True)
    migrate_from = find_lrm_op(world, rsc.id, "migrate_from", target, source)
    if source_newer and migrate_from is not None:
        return
    target_newer = _newer_state_after_migrate(world, rsc.id, target, op, migrate_from)
    if source_newer and target_newer:
        return
    rsc.role = Role.STARTED
    target_node = world.nodes.by_name.get(target)
    source_node = world.nodes.by_name.get(source)
    if migrate_from is not None and _int(migrate_from, "rc-code", 0) == 0 and \
            _int(migrate_from, "op-status", 0) == 0:
        rsc.role = Role.STOPPED
    elif migrate_from is not None and _int(migrate_from, "op-status", 0) != -1:
        if not target_newer and target_node is not None and target_node.online:
            add_running(world, rsc, target_node)
        else:
            rsc.failed = True
    elif target_node is not None and target_node.online and _unknown_on(world, rsc.id, target):
        # Debian's 2.1.5 carries upstream ad9fd954: a target whose history was cleaned gets
        # probed; until then the resource does not count as active there.
        return
    elif not target_newer and target_node is not None and target_node.online:
        add_running(world, rsc, target_node)
        if source_node is not None and source_node.online:
            rsc.partial_migration_target = target
            rsc.partial_migration_source = source
    elif not source_newer:
        rsc.failed = True


def migrate_to_failure(world: World, rsc: Rsc, node: NodeRt, op: etree._Element) -> None:
    from console.model.cib.placement import add_running

    source, target = op.get("migrate_source"), op.get("migrate_target")
    if not source or not target or source != node.uname:
        return
    rsc.role = Role.STARTED
    target_from = find_lrm_op(world, rsc.id, "migrate_from", target, source, 0)
    if not _unknown_on(world, rsc.id, target) and not _newer_state_after_migrate(
            world, rsc.id, target, op, target_from):
        target_node = world.nodes.by_name.get(target)
        if target_node is not None and target_node.online:
            add_running(world, rsc, target_node)


def migrate_from_failure(world: World, rsc: Rsc, node: NodeRt, op: etree._Element) -> None:
    from console.model.cib.placement import add_running

    source, target = op.get("migrate_source"), op.get("migrate_target")
    if not source or not target or target != node.uname:
        return
    rsc.role = Role.STARTED
    source_to = find_lrm_op(world, rsc.id, "migrate_to", source, target, 0)
    if not _unknown_on(world, rsc.id, source) and not _newer_state_after_migrate(
            world, rsc.id, source, source_to, op):
        source_node = world.nodes.by_name.get(source)
        if source_node is not None and source_node.online:
            add_running(world, rsc, source_node)
