"""One node's operation history for one resource, walked the way Pacemaker 2.1.5 walks it.

Follows unpack.c: unpack_lrm_resource and unpack_rsc_op (what each recorded operation means,
when a failure has expired); the outcome of one result is in outcomes.py, entries in ops.py.
"""

from __future__ import annotations

from lxml import etree

from console.model.cib import failcounts
from console.model.cib.onfail import action_on_fail
from console.model.cib.ops import (
    CANCELLED,
    DEGRADED,
    DEGRADED_PROMOTED,
    DONE,
    EXEC_NOT_INSTALLED,
    NO_SECRETS,
    NOT_CONNECTED,
    NOT_RUNNING,
    OK,
    PENDING,
    RUNNING_PROMOTED,
    OpView,
    Walk,
    sorted_ops,
    target_rc,
)
from console.model.cib.outcomes import (
    cmp_on_fail,
    remap_operation,
    unpack_failure,
    update_resource_state,
)
from console.model.cib.placement import (
    create_orphan,
    find_for_history,
    process_rsc_state,
    set_active,
)
from console.model.cib.runtime import NodeRt, OnFail, Role, Rsc, role_from_text
from console.model.cib.world import World


def unpack_lrm_resource(world: World, node: NodeRt, lrm: etree._Element) -> Rsc | None:
    ops = sorted_ops(lrm)
    if not ops and not world.shutdown_lock:
        return None
    plain = _plainly_stopped(world, lrm.get("id") or "", ops)
    if plain is not None:
        return plain
    rsc = find_for_history(world, node, lrm.get("id") or "")
    if rsc is None:
        if not ops:
            return None
        rsc = create_orphan(world, lrm, node)
    saved_role = rsc.role
    rsc.role = Role.UNKNOWN
    walk = Walk()
    for op in ops:
        unpack_rsc_op(world, rsc, node, op, walk)
    process_rsc_state(world, rsc, node, walk.on_fail)
    _apply_target_role(rsc)
    rsc.role = max(rsc.role, saved_role)
    return rsc


def _plainly_stopped(world: World, rsc_id: str, ops: list[etree._Element]) -> Rsc | None:
    """The commonest history by far, a lone probe that found the resource stopped, on a
    resource outside clones and bundles: the full walk would only leave it Stopped here, so
    skip it (big clusters carry one such entry per resource and node)."""
    if len(ops) != 1:
        return None
    op = ops[0]
    if (op.get("operation") != "monitor" or op.get("interval") != "0"
            or op.get("rc-code") != "7" or op.get("op-status") != "0" or target_rc(op) != 7):
        return None
    rsc = world.by_id.get(rsc_id)
    if rsc is None or rsc.variant != "primitive" or rsc.orphan or rsc.in_bundle() \
            or rsc.top().variant == "clone" or rsc.partial_migration_source is not None:
        return None
    rsc.role = max(rsc.role, Role.STOPPED)
    rsc.next_role = Role.UNKNOWN
    _apply_target_role(rsc)
    return rsc


def _apply_target_role(rsc: Rsc) -> None:
    value = rsc.meta.get("target-role")
    if value is None or value.lower() in ("started", "default"):
        return
    wanted = role_from_text(value)
    if wanted == Role.UNKNOWN:
        return
    if wanted > Role.STARTED and (not rsc.top().promotable or wanted > Role.UNPROMOTED):
        return
    if rsc.next_role == Role.UNKNOWN or wanted < rsc.next_role:
        rsc.next_role = wanted


def unpack_rsc_op(world: World, rsc: Rsc, node: NodeRt, op_xml: etree._Element,
                  walk: Walk) -> None:
    """One history entry: update the resource's role and failure handling on this node."""
    if op_xml.get("operation") in (None, "notify", "meta-data"):
        return
    view = OpView(op_xml)
    op, task, interval, expected = op_xml, view.task, view.interval, view.expected
    status = view.status
    if not PENDING <= status <= NO_SECRETS:
        return
    rc = view.rc
    expired = status != EXEC_NOT_INSTALLED and _expired(world, rsc, node, rc, view)
    old_rc = rc
    maskable = view.masked and not rsc.in_bundle()
    rc, status = remap_operation(world, rsc, node, view, walk, maskable)
    if expired and maskable and old_rc != expected:
        if rsc.role <= Role.STOPPED:
            rsc.role = Role.UNKNOWN
        return
    if expired and rc != expected and (interval == 0 or (node.online and not node.unclean)):
        return  # an expired failure no longer counts
    if maskable:
        update_resource_state(world, rsc, node, view, expected, walk, maskable)
        world.record_failed_op(op, node.uname, rsc)
        return
    if status == CANCELLED:
        return
    if status == PENDING:
        _pending(rsc, node, task, interval)
        return
    if status == DONE:
        update_resource_state(world, rsc, node, view, rc, walk, maskable)
        return
    if status == EXEC_NOT_INSTALLED:
        if action_on_fail(world, rsc, op) == OnFail.IGNORE:
            walk.on_fail = OnFail.MIGRATE
        unpack_failure(world, rsc, node, rc, view, walk)
        return
    if status == NOT_CONNECTED and node.type == "remote" and node.remote_rsc is not None \
            and node.remote_rsc.managed:
        node.remote_rsc.failed = True
    strategy = action_on_fail(world, rsc, op)
    if strategy == OnFail.IGNORE or (strategy == OnFail.RESTART_CONTAINER and task == "stop"):
        update_resource_state(world, rsc, node, view, expected, walk, maskable)
        rsc.failure_ignored = True
        world.record_failed_op(op, node.uname, rsc)
        if strategy == OnFail.RESTART_CONTAINER and cmp_on_fail(walk.on_fail,
                                                                OnFail.RECOVER) <= 0:
            walk.on_fail = strategy
    else:
        unpack_failure(world, rsc, node, rc, view, walk)


def _pending(rsc: Rsc, node: NodeRt, task: str, interval: int) -> None:
    if task == "start":
        set_active(rsc)
    elif task == "promote":
        rsc.role = Role.PROMOTED
    if rsc.pending_task is None and (interval != 0 or task != "monitor"):
        rsc.pending_task = task
        rsc.pending_node = node.uname


def _expired(world: World, rsc: Rsc, node: NodeRt, rc: int, view: OpView) -> bool:
    """check_operation_expiry: a failure older than failure-timeout no longer counts."""
    if rsc.failure_timeout <= 0:
        return False
    last_run = view.xml.get("last-rc-change")
    if last_run is None or not last_run.lstrip("-").isdigit():
        return False
    expired = world.now >= int(last_run) + rsc.failure_timeout
    interval = view.interval
    if expired and rsc.remote_reconnect_ms and world.stonith_enabled and interval and \
            view.task == "monitor":
        remote = world.nodes.by_name.get(rsc.id)
        if remote is not None and not remote.remote_was_fenced:
            expired = False
    if expired:
        total, last_failure = failcounts.failcount(world, node, rsc)
        if total and (last_failure <= 0 or world.now <= last_failure + rsc.failure_timeout):
            expired = False  # the resource as a whole still has an unexpired fail count
    if expired and view.probe and \
            rc in (OK, NOT_RUNNING, RUNNING_PROMOTED, DEGRADED, DEGRADED_PROMOTED):
        expired = False
    return expired


def unpack_node_lrm(world: World, node: NodeRt, state: etree._Element) -> None:
    lrm = state.find("lrm")
    resources = lrm.find("lrm_resources") if lrm is not None else None
    if resources is None:
        return
    for entry in resources:
        if entry.tag == "lrm_resource" and entry.get("id") is not None:
            unpack_lrm_resource(world, node, entry)


__all__ = ["unpack_lrm_resource", "unpack_node_lrm"]
