"""The outcome of one recorded operation: success or failure, role, and failure handling.

Follows unpack.c: remap_operation, update_resource_state, unpack_rsc_op_failure,
check_recoverable and cmp_on_fail (with pe_can_fence from utils.c).
"""

from __future__ import annotations

from lxml import etree

from console.model.cib import migrations
from console.model.cib.onfail import action_on_fail
from console.model.cib.ops import (
    DEGRADED,
    DEGRADED_PROMOTED,
    DONE,
    ERROR,
    ERROR_FATAL,
    ERROR_HARD,
    FAILED_PROMOTED,
    INSUFFICIENT_PRIV,
    INVALID_PARAM,
    NOT_CONFIGURED,
    NOT_INSTALLED,
    NOT_RUNNING,
    NOT_SUPPORTED,
    OK,
    RUNNING_PROMOTED,
    UNIMPLEMENTED,
    OpView,
    Walk,
)
from console.model.cib.placement import set_active
from console.model.cib.runtime import NodeRt, OnFail, Role, Rsc
from console.model.cib.world import World


def remap_operation(world: World, rsc: Rsc, node: NodeRt, view: OpView, walk: Walk,
                    maskable: bool) -> tuple[int, int]:
    """Decide whether a result counts as success or failure, given what was expected."""
    op, task, expected, rc, status = view.xml, view.task, view.expected, view.rc, view.status
    if task == "monitor":
        effective = {DEGRADED: OK, DEGRADED_PROMOTED: RUNNING_PROMOTED}.get(rc, rc)
        if effective != rc:
            if not node.shutdown or node.online:
                world.record_failed_op(op, node.uname, rsc)
            rc = effective
    if maskable:
        status, rc = DONE, NOT_RUNNING
    if status not in (DONE, ERROR):
        return rc, status
    status = DONE
    probe = view.probe
    if expected < 0 or expected != rc:
        status = ERROR
    if rc == OK:
        if probe and expected == NOT_RUNNING:
            status = DONE
    elif rc == NOT_RUNNING:
        if probe or expected == rc or not rsc.managed:
            status = DONE
            rsc.role = Role.STOPPED
            walk.on_fail = OnFail.IGNORE
            rsc.next_role = Role.UNKNOWN
    elif rc == RUNNING_PROMOTED:
        if probe and rc != expected:
            status = DONE
        rsc.role = Role.PROMOTED
    elif rc in (DEGRADED_PROMOTED, FAILED_PROMOTED):
        rsc.role = Role.PROMOTED
        status = ERROR
    elif rc == NOT_CONFIGURED:
        status = ERROR_FATAL
    elif rc == UNIMPLEMENTED:
        if view.interval == 0:
            _check_recoverable(world, rsc, node, task)
            status = ERROR_HARD
        else:
            status = NOT_SUPPORTED
    elif rc in (NOT_INSTALLED, INVALID_PARAM, INSUFFICIENT_PRIV):
        _check_recoverable(world, rsc, node, task)
        status = ERROR_HARD
    elif status == DONE:
        status = ERROR
    return rc, status


def _check_recoverable(world: World, rsc: Rsc, node: NodeRt, task: str) -> None:
    """A failed stop that fencing cannot recover blocks the resource."""
    if task != "stop" or can_fence(world, node):
        return
    rsc.managed = False
    rsc.blocked = True


def can_fence(world: World, node: NodeRt) -> bool:
    """pe_can_fence: guests via their container's host; others need fencing configured,
    a fence device, and quorum (or no-quorum-policy=ignore, or the node in our membership)."""
    if node.is_guest:
        assert node.remote_rsc is not None and node.remote_rsc.container is not None
        for host_name in node.remote_rsc.container.running_on:
            host = world.nodes.by_name.get(host_name)
            if host is not None and not host.online and not can_fence(world, host):
                return False
        return True
    if not world.stonith_enabled or not world.have_stonith_resource:
        return False
    if world.node_ctx.have_quorum or world.node_ctx.quorum_policy == "ignore":
        return True
    return node.online


def update_resource_state(world: World, rsc: Rsc, node: NodeRt, view: OpView, rc: int,
                          walk: Walk, maskable: bool) -> None:
    """A completed (or deemed completed) operation: what role it leaves the resource in."""
    op, task = view.xml, view.task
    clear_past_failure = False
    if rc == NOT_INSTALLED or maskable:
        rsc.role = Role.STOPPED
    elif rc == NOT_RUNNING:
        clear_past_failure = True
    elif task == "monitor":
        if walk.last_failure is not None and _op_key(op) == _op_key(walk.last_failure):
            clear_past_failure = True
        if rsc.role < Role.STARTED:
            set_active(rsc)
    elif task in ("start", "migrate_from"):
        rsc.role = Role.STARTED
        clear_past_failure = True
    elif task == "stop":
        rsc.role = Role.STOPPED
        clear_past_failure = True
    elif task == "promote":
        rsc.role = Role.PROMOTED
        clear_past_failure = True
    elif task == "demote":
        if walk.on_fail == OnFail.DEMOTE:
            clear_past_failure = True
        rsc.role = Role.UNPROMOTED
    elif task == "migrate_to":
        migrations.migrate_to_success(world, rsc, node, op)
    elif rsc.role < Role.STARTED:
        set_active(rsc)
    if clear_past_failure:
        _clear_past_failure(rsc, walk)


def _clear_past_failure(rsc: Rsc, walk: Walk) -> None:
    if walk.on_fail in (OnFail.BLOCK, OnFail.IGNORE, OnFail.DEMOTE, OnFail.RECOVER,
                        OnFail.RESTART_CONTAINER) or walk.on_fail == OnFail.RESET_REMOTE and rsc.remote_reconnect_ms == 0:
        walk.on_fail = OnFail.IGNORE
        rsc.next_role = Role.UNKNOWN


def _op_key(op: etree._Element) -> str:
    return op.get("operation_key") or op.get("id") or ""


def cmp_on_fail(first: OnFail, second: OnFail) -> int:
    """cmp_on_fail: how severe one failure handling is compared with another."""
    return int(first) - int(second)


def unpack_failure(world: World, rsc: Rsc, node: NodeRt, rc: int, view: OpView,
                   walk: Walk) -> None:
    """unpack_rsc_op_failure: the resource is active (and failed) where the op failed."""
    op, task = view.xml, view.task
    if world.symmetric or rc != NOT_INSTALLED:
        world.record_failed_op(op, node.uname, rsc)
    strategy = action_on_fail(world, rsc, op)
    if cmp_on_fail(walk.on_fail, strategy) < 0:
        walk.on_fail = strategy
        walk.last_failure = op
    if task == "migrate_to":
        migrations.migrate_to_failure(world, rsc, node, op)
    elif task == "migrate_from":
        migrations.migrate_from_failure(world, rsc, node, op)
    elif task == "promote":
        rsc.role = Role.PROMOTED
    elif task == "demote":
        if strategy == OnFail.BLOCK:
            rsc.role = Role.PROMOTED
            rsc.next_role = Role.STOPPED
        elif rc == NOT_RUNNING:
            rsc.role = Role.STOPPED
        else:
            rsc.role = Role.UNPROMOTED
    if view.probe and rc == NOT_INSTALLED:
        rsc.role = Role.STOPPED
    elif rsc.role < Role.STARTED:
        set_active(rsc)
    if strategy == OnFail.STOP and rsc.next_role < Role.STOPPED:
        rsc.next_role = Role.STOPPED
