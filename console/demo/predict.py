"""The demo's own what-if preview, for machines without Pacemaker's `crm_simulate`.

A demo node given a CIB on stdin (`crm_simulate --xml-pipe -S --output-as=xml`) and no local
crm_simulate answers from the demo's scheduler instead: the configuration the CIB describes
(standby attributes and cli-bans, as `console.demo.patch` reads them) against where the
resources run now. The answer has the shape of crm_simulate's XML (api-version 2.25):
`<actions><rsc_action .../></actions>` and `<revised_cluster_status>`, so hacon's parser reads
it like the real thing. When crm_simulate is installed, the demo runs it instead (simulate.py).
"""

from __future__ import annotations

from lxml import etree

from console.demo.cluster import DemoCluster
from console.demo.config import RESOURCE_IDS
from console.demo.patch import config_from_cib
from console.demo.scheduler import Step, plan_transition
from console.model.errors import CibParseError
from console.model.xmlsafe import parse_xml

Answer = tuple[int, bytes, bytes]


def predict(cluster: DemoCluster, via: str, cib: bytes) -> Answer:
    """crm_simulate's answer for `cib`, computed by the demo's scheduler on node `via`."""
    try:
        root = parse_xml(cib)
    except CibParseError as error:
        return 1, b"", f"crm_simulate: the CIB on stdin is not usable: {error}\n".encode()
    partition = cluster.partition_of(via)
    config = config_from_cib(root, partition.config)
    runtimes = [rt for rt in cluster.member_runtimes(partition) if rt.powered]
    steps = plan_transition(config, runtimes, partition.quorate)
    running = {rsc: {rt.name for rt in runtimes if rt.running(rsc)} for rsc in RESOURCE_IDS}
    result = etree.Element("pacemaker-result", {"api-version": "2.25",
                                                "request": "crm_simulate (hacon demo)"})
    actions = etree.SubElement(result, "actions")
    for resource in RESOURCE_IDS:
        for attributes in _summary(resource, steps):
            etree.SubElement(actions, "rsc_action", attributes)
    revised = etree.SubElement(etree.SubElement(result, "revised_cluster_status"), "resources")
    for resource in RESOURCE_IDS:
        _revised(revised, resource, _after(running[resource], resource, steps))
    etree.SubElement(result, "status", code="0", message="OK")
    return 0, etree.tostring(result, pretty_print=True), b""


def _summary(resource: str, steps: list[Step]) -> list[dict[str, str]]:
    stops = [s.node for s in steps if s.resource == resource and s.operation == "stop"]
    starts = [s.node for s in steps if s.resource == resource and s.operation == "start"]
    if stops and starts and stops[0] != starts[0]:
        return [{"action": "move", "resource": resource, "source": stops[0],
                 "dest": starts[0]}]
    if stops and starts:
        return [{"action": "restart", "resource": resource, "node": starts[0]}]
    return ([{"action": "stop", "resource": resource, "node": node,
              "reason": "node availability"} for node in stops]
            + [{"action": "start", "resource": resource, "node": node} for node in starts])


def _after(running: set[str], resource: str, steps: list[Step]) -> list[str]:
    for step in steps:
        if step.resource == resource and step.operation == "stop":
            running.discard(step.node)
        elif step.resource == resource and step.operation == "start":
            running.add(step.node)
    return sorted(running)


def _revised(parent: etree._Element, resource: str, nodes: list[str]) -> None:
    element = etree.SubElement(parent, "resource", id=resource,
                               role="Started" if nodes else "Stopped",
                               active="true" if nodes else "false",
                               nodes_running_on=str(len(nodes)))
    for node in nodes:
        etree.SubElement(element, "node", name=node)
