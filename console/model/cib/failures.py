"""Failed operations and fail counts, as crm_mon lists them (<failures>, <node_history>)."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from console.model.cib.failcounts import failcount, has_failure_attributes
from console.model.cib.ops import int_attr, is_probe, masked_probe_failure
from console.model.cib.placement import clone_strip
from console.model.cib.runtime import NodeRt, Rsc
from console.model.cib.world import World
from console.model.cluster import FailedOperation

OCF_TEXT = {
    0: "ok", 1: "error", 2: "invalid parameter", 3: "unimplemented feature",
    4: "insufficient privileges", 5: "not installed", 6: "not configured", 7: "not running",
    8: "promoted", 9: "promoted (failed)", 190: "OCF_DEGRADED", 191: "promoted (degraded)",
}
EXEC_TEXT = {
    -1: "pending", 0: "complete", 1: "Cancelled", 2: "Timed Out", 3: "NOT SUPPORTED",
    4: "Error", 5: "Hard error", 6: "Fatal error", 7: "Not installed",
    8: "Internal communication failure", 9: "Cannot execute now", 10: "No fence device",
    11: "CIB secrets unavailable",
}
_TWO_WORD_TASKS = ("migrate_to", "migrate_from")


def split_op_key(op_key: str) -> tuple[str, str, int] | None:
    """parse_op_key: (resource, task, interval_ms) from "rsc_task_interval"."""
    rest, sep, interval = op_key.rpartition("_")
    if not sep or not interval.isdigit():
        return None
    for task in _TWO_WORD_TASKS:
        if rest.endswith("_" + task):
            return rest[: -len(task) - 1], task, int(interval)
    resource, sep, task = rest.rpartition("_")
    if not sep or not resource:
        return None
    return resource, task, int(interval)


def failed_operations(world: World) -> tuple[FailedOperation, ...]:
    """crm_mon <failures>: recorded failures, masked probe failures left out."""
    found = []
    for failed in world.failed_ops:
        op = failed.xml
        if masked_probe_failure(op):
            continue
        key = op.get("operation_key") or op.get("id") or ""
        parsed = split_op_key(key)
        if parsed is None:
            continue
        found.append(_failure(op, key, failed.node, parsed[0]))
    return tuple(sorted(found, key=lambda f: (f.resource, f.node, f.task, f.interval_ms)))


def _failure(op: etree._Element, key: str, node: str, instance: str) -> FailedOperation:
    rc = int_attr(op, "rc-code")
    status = int_attr(op, "op-status")
    task = op.get("operation") or ""
    reason = op.get("exit-reason")
    return FailedOperation(
        resource=clone_strip(instance),
        instance=instance,
        node=node,
        task=task,
        interval_ms=int_attr(op, "interval"),
        rc=rc,
        rc_text=OCF_TEXT.get(rc, "unknown"),
        status=EXEC_TEXT.get(status, "UNKNOWN!"),
        exit_reason=reason or None,
        call=int_attr(op, "call-id"),
        op_key=key,
        last_rc_change=op.get("last-rc-change"),
    )


def _shown_in_history(entry: etree._Element) -> bool:
    """crm_mon lists a resource's history only if some op is neither notify nor a 7-probe."""
    for op in entry:
        if op.tag != "lrm_rsc_op" or op.get("operation") == "notify":
            continue
        if is_probe(op) and int_attr(op, "rc-code") == 7:
            continue
        return True
    return False


def printable_id(rsc: Rsc) -> str:
    """rsc_printable_id: anonymous clone instances print without ":N"."""
    return rsc.id if rsc.unique else clone_strip(rsc.id)


def failcounts(world: World) -> dict[str, dict[str, int]]:
    """crm_mon node_history fail-count per configured id and node (online nodes only)."""
    counts: dict[str, dict[str, int]] = {}
    for node, state in _online_states(world):
        if not has_failure_attributes(world, node):
            continue  # nothing to count on this node: skip its (possibly long) history
        lrm = state.find("lrm")
        entries = lrm.find("lrm_resources") if lrm is not None else None
        for entry in entries if entries is not None else ():
            if entry.tag != "lrm_resource" or not _shown_in_history(entry):
                continue
            rsc = world.find_resource(entry.get("id") or "")
            if rsc is None:
                continue
            total, _ = failcount(world, node, rsc)
            if total > 0:
                counts.setdefault(clone_strip(printable_id(rsc)), {})[node.uname] = total
    return counts


def _online_states(world: World) -> Iterator[tuple[NodeRt, etree._Element]]:
    status = world.status_xml
    for state in status if status is not None else ():
        if state.tag != "node_state":
            continue
        node = world.nodes.by_id.get(state.get("id") or "")
        if node is not None and node.online:
            yield node, state
