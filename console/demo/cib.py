"""Each demo node's own CIB, shaped like `cibadmin -Q` on a lab node (Pacemaker 2.1.5).

A node renders the CIB copy of its partition: its version triple, its DC and quorum, the
configuration, and the status of its members (non-members are offline, without history or
transient attributes, as the DC records a lost peer when fencing is disabled).
"""

from __future__ import annotations

import time

from lxml import etree

from console.demo.config import (
    DC_VERSION,
    FEATURE_SET,
    MIGRATION_THRESHOLD,
    MONITOR_DIGESTS,
    MONITOR_INTERVAL_MS,
    OP_DIGESTS,
    PREFERRED_NODE_SCORE,
    SERVICE_BINARY,
    SERVICE_ID,
    VIP_ADDRESS,
    VIP_ID,
    VIP_NETMASK,
    VIP_NIC,
    DemoConfig,
    node_id,
)
from console.demo.fencing import device_history, device_primitive
from console.demo.partition import Partition
from console.demo.state import NodeRuntime, OpRecord, ResourceHistory

Element = etree._Element


def render_cib(partition: Partition, runtimes: dict[str, NodeRuntime],
               node_names: tuple[str, ...], *, root_only: bool = False) -> bytes:
    """The CIB as a member of `partition` reads it (`cibadmin -Q`, or `-Q -n` with root_only)."""
    root = _root(partition)
    if not root_only:
        configuration = etree.SubElement(root, "configuration")
        _configuration(configuration, partition.config)
        status = etree.SubElement(root, "status")
        for name in node_names:
            _node_state(status, name, partition, runtimes)
    return etree.tostring(root, pretty_print=True)


def _root(partition: Partition) -> Element:
    admin, epoch, updates = partition.version
    written = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(partition.written))
    return etree.Element("cib", {
        "crm_feature_set": FEATURE_SET, "validate-with": "pacemaker-3.9",
        "epoch": str(epoch), "num_updates": str(updates), "admin_epoch": str(admin),
        "cib-last-written": written, "update-origin": partition.update_origin,
        "update-client": partition.update_client, "update-user": "root",
        "have-quorum": "1" if partition.quorate else "0", "dc-uuid": node_id(partition.dc)})


def _nvpairs(parent: Element, tag: str, set_id: str, pairs: dict[str, str]) -> Element:
    holder = etree.SubElement(parent, tag, id=set_id)
    for name, value in pairs.items():
        safe = name.replace("#", ".")
        etree.SubElement(holder, "nvpair", id=f"{set_id}-{safe}", name=name, value=value)
    return holder


def _configuration(configuration: Element, config: DemoConfig) -> None:
    crm_config = etree.SubElement(configuration, "crm_config")
    # The order the lab's CIB has: what the harness set, then what the first DC added.
    _nvpairs(crm_config, "cluster_property_set", "cib-bootstrap-options", {
        "stonith-enabled": "true" if config.fencing else "false", "no-quorum-policy": "stop",
        "cluster-name": config.cluster_name, "dc-deadtime": "5s", "have-watchdog": "false",
        "dc-version": DC_VERSION, "cluster-infrastructure": "corosync"})
    nodes = etree.SubElement(configuration, "nodes")
    for name in config.node_names:
        node = etree.SubElement(nodes, "node", id=node_id(name), uname=name)
        attributes = config.node_attributes(name)
        if attributes:
            _nvpairs(node, "instance_attributes", f"nodes-{node_id(name)}", attributes)
    resources = etree.SubElement(configuration, "resources")
    _primitive(resources, VIP_ID, "IPaddr2",
               {"ip": VIP_ADDRESS, "cidr_netmask": VIP_NETMASK, "nic": VIP_NIC}, {})
    _primitive(resources, SERVICE_ID, "anything",
               {"binfile": SERVICE_BINARY, "cmdline_options": "-F"},
               {"migration-threshold": str(MIGRATION_THRESHOLD)})
    if config.fencing:
        device_primitive(resources)
    _constraints(etree.SubElement(configuration, "constraints"), config)
    defaults = etree.SubElement(configuration, "rsc_defaults")
    _nvpairs(defaults, "meta_attributes", "build-resource-defaults",
             {"resource-stickiness": "1"})


def _primitive(resources: Element, rsc_id: str, agent: str, params: dict[str, str],
               meta: dict[str, str]) -> None:
    primitive = etree.SubElement(resources, "primitive", id=rsc_id, attrib={
        "class": "ocf", "provider": "heartbeat", "type": agent})
    _nvpairs(primitive, "instance_attributes", f"{rsc_id}-instance_attributes", params)
    if meta:
        _nvpairs(primitive, "meta_attributes", f"{rsc_id}-meta_attributes", meta)
    operations = etree.SubElement(primitive, "operations")
    for name, interval in (("monitor", "10s"), ("start", "0s"), ("stop", "0s")):
        etree.SubElement(operations, "op", id=f"{rsc_id}-{name}-interval-{interval}", name=name,
                         interval=interval, timeout="20s")


def _constraints(constraints: Element, config: DemoConfig) -> None:
    score = str(PREFERRED_NODE_SCORE)
    etree.SubElement(constraints, "rsc_location", rsc=VIP_ID, node=config.preferred_node,
                     score=score, id=f"location-{VIP_ID}-{config.preferred_node}-{score}")
    etree.SubElement(constraints, "rsc_colocation", id=f"colocation-{SERVICE_ID}-{VIP_ID}-INFINITY",
                     rsc=SERVICE_ID, score="INFINITY", attrib={"with-rsc": VIP_ID})
    etree.SubElement(constraints, "rsc_order", id=f"order-{VIP_ID}-{SERVICE_ID}-mandatory",
                     first=VIP_ID, then=SERVICE_ID, attrib={
                         "first-action": "start", "then-action": "start"})
    for prefer in config.prefers:
        etree.SubElement(constraints, "rsc_location", id=prefer.constraint_id,
                         rsc=prefer.resource, role="Started", node=prefer.node, score="INFINITY")
    for ban in config.bans:
        etree.SubElement(constraints, "rsc_location", id=ban.constraint_id, rsc=ban.resource,
                         role="Started", node=ban.node, score="-INFINITY")


def _node_state(status: Element, name: str, partition: Partition,
                runtimes: dict[str, NodeRuntime]) -> None:
    """A member with its attributes and history; a non-member offline, with the history this
    side last saw (the lab's CIB keeps it; lost transient attributes are erased)."""
    state = etree.SubElement(status, "node_state", id=node_id(name), uname=name)
    if name not in partition.members:
        # A fenced node is known to be down (expected=down, history erased), not unclean.
        state.attrib.update({"in_ccm": "false", "crmd": "offline",
                             "crm-debug-origin": "do_state_transition", "join": "down",
                             "expected": "down" if name in partition.fenced else "member"})
        if name in partition.departed:
            _lrm(state, name, partition.departed[name])
        return
    state.attrib.update({"in_ccm": "true", "crmd": "online",
                         "crm-debug-origin": "do_update_resource", "join": "member",
                         "expected": "member"})
    transient = etree.SubElement(state, "transient_attributes", id=node_id(name))
    _nvpairs(transient, "instance_attributes", f"status-{node_id(name)}",
             runtimes[name].transient)
    resources = _lrm(state, name, runtimes[name].history)
    if partition.config.fencing:
        device_history(resources, name, name == partition.dc, partition.dc_uuid,
                       partition.written, FEATURE_SET)


def _lrm(state: Element, name: str, history: dict[str, ResourceHistory]) -> Element:
    lrm = etree.SubElement(state, "lrm", id=node_id(name))
    resources = etree.SubElement(lrm, "lrm_resources")
    for rsc_id, entry in history.items():
        records = [(suffix, record) for suffix, record in
                   (("last_0", entry.last), ("last_failure_0", entry.last_failure),
                    (f"monitor_{MONITOR_INTERVAL_MS}", entry.monitor)) if record is not None]
        if not records:
            continue
        agent = "IPaddr2" if rsc_id == VIP_ID else "anything"
        resource = etree.SubElement(resources, "lrm_resource", id=rsc_id, type=agent,
                                    attrib={"class": "ocf", "provider": "heartbeat"})
        for suffix, record in records:
            _op(resource, f"{rsc_id}_{suffix}", record, name)
    return resources


def _op(parent: Element, op_id: str, record: OpRecord, node_name: str) -> None:
    digests = MONITOR_DIGESTS if record.interval_ms else OP_DIGESTS
    op = etree.SubElement(parent, "lrm_rsc_op", {
        "id": op_id, "operation_key": record.operation_key, "operation": record.operation,
        "crm-debug-origin": "do_update_resource", "crm_feature_set": FEATURE_SET,
        "transition-key": record.action_key,
        "transition-magic": f"0:{record.rc};{record.action_key}",
        "exit-reason": record.exit_reason, "on_node": node_name,
        "call-id": str(record.call_id), "rc-code": str(record.rc), "op-status": "0",
        "interval": str(record.interval_ms), "last-rc-change": str(record.when),
        "exec-time": str(record.exec_ms), "queue-time": "0",
        "op-digest": digests[record.resource]})
    if record.resource == SERVICE_ID and (record.interval_ms or record.operation != "monitor"):
        # The anything agent declares a private parameter ("user"): the controller records
        # which ones and a digest without them (the lab's CIB; probes go without).
        op.attrib.update({"op-secure-params": "  user  ",
                          "op-secure-digest": digests[record.resource]})
