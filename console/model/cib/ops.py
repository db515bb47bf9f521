"""Operation history entries (lrm_rsc_op): their codes, their order, their attributes.

OCF exit codes (`rc-code`) and executor status codes (`op-status`) as Pacemaker 2.1.5 defines
them; entries are ordered by pe__is_newer_op (call id, then time, then transition).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cmp_to_key

from lxml import etree

from console.model.cib.runtime import OnFail

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
