"""Each node's own view of the cluster, read from its `crm_mon --output-as=xml`.

The harness only needs a few facts to decide "converged": who is DC, quorum, which nodes are
online and where ClusterIP and OSIPS run. The console has its own full parser; this one is kept
tiny and independent so the lab does not test hacon with hacon.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from xml.etree import ElementTree

LAB_RESOURCES = ("ClusterIP", "OSIPS")


@dataclass(frozen=True)
class NodeView:
    """What one node believes.

    Attributes:
        node: whose view this is.
        dc: the DC it knows, or None (no DC elected yet).
        quorate: whether its partition has quorum.
        online: the nodes it sees online.
        standby: the nodes it sees in standby.
        running: resource id -> nodes where that node sees it Started.
    """

    node: str
    dc: str | None
    quorate: bool
    online: frozenset[str]
    standby: frozenset[str]
    running: Mapping[str, tuple[str, ...]]

    def holder(self) -> str | None:
        """The single node running both lab resources together, else None."""
        places = {self.running.get(rsc, ()) for rsc in LAB_RESOURCES}
        if len(places) == 1:
            (place,) = places
            if len(place) == 1:
                return place[0]
        return None


def parse_crm_mon(node: str, xml_text: str) -> NodeView:
    """Build a NodeView from `crm_mon -1 --output-as=xml` run on `node`."""
    root = ElementTree.fromstring(xml_text)
    dc_element = root.find("summary/current_dc")
    has_dc = dc_element is not None and dc_element.get("present") == "true"
    nodes = root.findall("nodes/node")
    running: dict[str, tuple[str, ...]] = {}
    for resource in root.iter("resource"):
        if resource.get("role") == "Started" and resource.get("active") == "true":
            hosts = tuple(sorted(n.get("name", "") for n in resource.findall("node")))
            running[resource.get("id", "")] = hosts
    return NodeView(
        node=node,
        dc=dc_element.get("name") if has_dc and dc_element is not None else None,
        quorate=has_dc and dc_element is not None and dc_element.get("with_quorum") == "true",
        online=frozenset(n.get("name", "") for n in nodes if n.get("online") == "true"),
        standby=frozenset(n.get("name", "") for n in nodes if n.get("standby") == "true"),
        running=running,
    )


def converged(views: Mapping[str, NodeView], expected_online: frozenset[str]) -> str | None:
    """The single VIP holder when all views agree on one healthy cluster, else None.

    Healthy: one DC for all, every view sees exactly `expected_online` online, and both
    resources run together on one node.
    """
    if not views or set(views) != set(expected_online):
        return None
    dcs = {view.dc for view in views.values()}
    holders = {view.holder() for view in views.values()}
    if len(dcs) != 1 or None in dcs or len(holders) != 1 or None in holders:
        return None
    if any(view.online != expected_online for view in views.values()):
        return None
    (holder,) = holders
    return holder
