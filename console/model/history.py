"""One node's operation history for one resource, walked the way Pacemaker 2.1.5 walks it.

Follows unpack.c: unpack_lrm_resource, unpack_rsc_op, remap_operation, update_resource_state,
unpack_rsc_op_failure, check_operation_expiry and the migration helpers (migrations.py).
Operation results: OCF exit codes (`rc-code`) and executor status codes (`op-status`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cmp_to_key

from lxml import etree

from console.model import failcounts, migrations
from console.model.onfail import action_on_fail
from console.model.placement import (
    add_running,
    create_orphan,
    find_for_history,
    process_rsc_state,
    set_active,
)
from console.model.runtime import NodeRt, OnFail, Role, Rsc, role_from_text
from console.model.world import World

# OCF exit codes and executor statuses used below.
OK, NOT_RUNNING, RUNNING_PROMOTED, FAILED_PROMOTED = 0, 7, 8, 9
NOT_CONFIGURED, UNIMPLEMENTED, NOT_INSTALLED, INVALID_PARAM, INSUFFICIENT_PRIV = 6, 3, 5, 2, 4
DEGRADED, DEGRADED_PROMOTED = 190, 191
PENDING, DONE, CANCELLED, TIMEOUT, NOT_SUPPORTED, ERROR = -1, 0, 1, 2, 3, 4
ERROR_HARD, ERROR_FATAL, EXEC_NOT_INSTALLED, NOT_CONNECTED, INVALID = 5, 6, 7, 8, 9
NO_FENCE_DEVICE, NO_SECRETS = 10, 11


def int_attr(xml: etree._Element, name: str, default: int = 0) -> int:
    value = xml.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        return default


def is_probe(op: etree._Element) -> bool:
    return op.get("operation") == "monitor" and int_attr(op, "interval") == 0


def masked_probe_failure(op: etree._Element) -> bool:
    """pcmk_xe_mask_probe_failure: a probe that found the agent missing or misconfigured."""
    if not is_probe(op):
        return False
    rc = int_attr(op, "rc-code")
    return rc in (NOT_INSTALLED, INVALID_PARAM) or int_attr(op, "op-status", -1) == \
        EXEC_NOT_INSTALLED


def target_rc(op: etree._Element) -> int:
    """The expected result: third field of the transition key (-1 when absent)."""
    key = op.get("transition-key")
    if key is None:
        return -1
    parts = key.split(":")
    try:
        return int(parts[2])
    except (IndexError, ValueError):
        return -1


def _magic(op: etree._Element) -> tuple[str | None, int] | None:
    magic = op.get("transition-magic")
    if not magic or ";" not in magic:
        return None
    parts = magic.split(";", 1)[1].split(":")
    try:
        return (parts[3] if len(parts) > 3 else None), int(parts[1])
    except (IndexError, ValueError):
        return None


def compare_ops(a: etree._Element, b: etree._Element, same_node_default: bool = True) -> int:
    """pe__is_newer_op: by call-id (same node), then time, then transition."""
    node_a, node_b = a.get("on_node"), b.get("on_node")
    same_node = (same_node_default if node_a is None or node_b is None
                 else node_a.lower() == node_b.lower())
    if same_node and a.get("id") == b.get("id"):
        return 0
    call_a, call_b = int_attr(a, "call-id", -1), int_attr(b, "call-id", -1)
    if call_a == -1 and call_b == -1:
        return 0
    if same_node and 0 <= call_a < call_b:
        return -1
    if same_node and call_b >= 0 and call_a > call_b:
        return 1
    if call_a >= 0 and call_b >= 0 and (not same_node or call_a == call_b):
        last_a, last_b = int_attr(a, "last-rc-change", -1), int_attr(b, "last-rc-change", -1)
        if 0 <= last_a < last_b:
            return -1
        if last_b >= 0 and last_a > last_b:
            return 1
        return 0
    magic_a, magic_b = _magic(a), _magic(b)
    if magic_a is None or magic_b is None:
        return 0
    (uuid_a, id_a), (uuid_b, id_b) = magic_a, magic_b
    if (uuid_a or "").lower() != (uuid_b or "").lower() or id_a == id_b:
        if call_b == -1:
            return -1
        if call_a == -1:
            return 1
    elif (id_a >= 0 and id_a < id_b) or id_b == -1:
        return -1
    elif (id_b >= 0 and id_a > id_b) or id_a == -1:
        return 1
    return 0


def sorted_ops(lrm: etree._Element) -> list[etree._Element]:
    """The entries oldest first (Pacemaker's sort_op_by_callid)."""
    # Pacemaker prepends while collecting, so equal entries keep reverse document order.
    ops = [child for child in lrm if child.tag == "lrm_rsc_op"]
    if len(ops) < 2:
        return ops
    ops.reverse()
    calls = [int_attr(op, "call-id", -1) for op in ops]
    nodes = {op.get("on_node") for op in ops}
    if min(calls) >= 0 and len(set(calls)) == len(calls) and len(nodes) == 1:
        # The common case: distinct call ids on one node order the entries by themselves.
        return [op for _, op in sorted(zip(calls, ops, strict=True), key=lambda pair: pair[0])]
    return sorted(ops, key=cmp_to_key(compare_ops))


class OpView:
    """One history entry's attributes, read once (the walk consults them many times)."""

    __slots__ = ("expected", "interval", "masked", "probe", "rc", "status", "task", "xml")

    def __init__(self, xml: etree._Element) -> None:
        self.xml = xml
        self.task = xml.get("operation") or ""
        self.status = int_attr(xml, "op-status", DONE)
        self.rc = int_attr(xml, "rc-code")
        self.expected = target_rc(xml)
        self.interval = int_attr(xml, "interval")
        self.probe = self.task == "monitor" and self.interval == 0
        self.masked = self.probe and (self.rc in (NOT_INSTALLED, INVALID_PARAM)
                                      or self.status == EXEC_NOT_INSTALLED)


@dataclass
class Walk:
    """The state carried through one resource's history on one node."""

    on_fail: OnFail = OnFail.IGNORE
    last_failure: etree._Element | None = None


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


def unpack_node_lrm(world: World, node: NodeRt, state: etree._Element) -> None:
    lrm = state.find("lrm")
    resources = lrm.find("lrm_resources") if lrm is not None else None
    if resources is None:
        return
    for entry in resources:
        if entry.tag == "lrm_resource" and entry.get("id") is not None:
            unpack_lrm_resource(world, node, entry)


__all__ = ["add_running", "unpack_lrm_resource", "unpack_node_lrm"]
