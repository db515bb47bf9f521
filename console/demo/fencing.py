"""Fencing in the demo: each node's fencer history and the device's place in the CIB.

Every fencer keeps its own history and a fencer that joins a membership learns its peers' (the
fencers sync their histories on a membership change), so two sides of a partition can tell
different stories until they merge. `stonith_admin --history '*' [--verbose] --output-as=xml`
is answered from here in the format Pacemaker 2.1 prints, its oldest success alone without
--verbose.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from lxml import etree

FENCE_DEVICE_ID = "fence-demo"
FENCE_AGENT = "fence_lab"
"""The lab's fence agent (tests/lab/README.md), as the demo's one device."""


@dataclass(frozen=True, slots=True)
class FenceRecord:
    """One completed fencing action, as a fencer remembers it."""

    target: str
    action: str
    origin: str
    """The node that asked (its controller)."""
    delegate: str
    """The node whose fencer ran the device."""
    completed: int
    """Wall seconds."""
    status: str = "success"


def merged(*histories: list[FenceRecord]) -> list[FenceRecord]:
    """What every fencer of a new membership knows: the union, oldest first."""
    return sorted({record for history in histories for record in history},
                  key=lambda record: (record.completed, record.target))


def history_xml(history: list[FenceRecord], verbose: bool = True) -> bytes:
    """`stonith_admin --history '*' --verbose --output-as=xml` (newest first, as the fencer
    lists it); without `verbose`, what Pacemaker 2.1.5 prints then: the oldest success alone."""
    request = "stonith_admin --history * --verbose --output-as=xml" if verbose else (
        "stonith_admin --history * --output-as=xml")
    root = etree.Element("pacemaker-result", {"api-version": "2.25", "request": request})
    events = etree.SubElement(root, "fence_history")
    for record in reversed(history) if verbose else _oldest_success(history):
        etree.SubElement(events, "fence_event", {
            "action": record.action, "target": record.target,
            "client": "pacemaker-controld.1234", "origin": record.origin,
            "status": record.status, "delegate": record.delegate,
            "completed": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(record.completed))})
    etree.SubElement(root, "status", code="0", message="OK")
    return etree.tostring(root, pretty_print=True)


def _oldest_success(history: list[FenceRecord]) -> list[FenceRecord]:
    successes = [record for record in history if record.status == "success"]
    return [min(successes, key=lambda record: record.completed)] if successes else []


def device_primitive(resources: etree._Element) -> None:
    """The stonith primitive (no delay: the 2-node fence race the console warns about)."""
    primitive = etree.SubElement(resources, "primitive", id=FENCE_DEVICE_ID, attrib={
        "class": "stonith", "type": FENCE_AGENT})
    params = etree.SubElement(primitive, "instance_attributes",
                              id=f"{FENCE_DEVICE_ID}-instance_attributes")
    etree.SubElement(params, "nvpair", id=f"{FENCE_DEVICE_ID}-instance_attributes-pcmk_host_list",
                     name="pcmk_host_list", value="node-a node-b node-c")
    operations = etree.SubElement(primitive, "operations")
    etree.SubElement(operations, "op", id=f"{FENCE_DEVICE_ID}-monitor-interval-60s",
                     name="monitor", interval="60s")


START_DIGEST = "2b8eeb668a8e15201772c77c13837241"
MONITOR_DIGEST = "68fa72f800b89cc0994a222ae48d00af"
"""The op-digests Pacemaker 2.1.5 computes for the device's parameters (crm_simulate wrote them;
with others it would restart the device)."""


def device_history(lrm_resources: etree._Element, node_name: str, runs: bool, dc_uuid: str,
                   started: int, feature_set: str) -> None:
    """The device's history on a member: started and monitored on the DC, probed elsewhere."""
    resource = etree.SubElement(lrm_resources, "lrm_resource", id=FENCE_DEVICE_ID,
                                type=FENCE_AGENT, attrib={"class": "stonith"})
    ops = ([("last_0", "start", 0, 0, START_DIGEST, 6),
            ("monitor_60000", "monitor", 60000, 0, MONITOR_DIGEST, 7)] if runs
           else [("last_0", "monitor", 0, 7, START_DIGEST, 5)])
    for suffix, operation, interval, rc, digest, call_id in ops:
        key = f"{call_id}:1:{rc}:{dc_uuid}"
        etree.SubElement(resource, "lrm_rsc_op", {
            "id": f"{FENCE_DEVICE_ID}_{suffix}",
            "operation_key": f"{FENCE_DEVICE_ID}_{operation}_{interval}",
            "operation": operation, "crm-debug-origin": "do_update_resource",
            "crm_feature_set": feature_set, "transition-key": key,
            "transition-magic": f"0:{rc};{key}", "exit-reason": "", "on_node": node_name,
            "call-id": str(call_id), "rc-code": str(rc), "op-status": "0",
            "interval": str(interval), "last-rc-change": str(started), "exec-time": "20",
            "queue-time": "0", "op-digest": digest})
