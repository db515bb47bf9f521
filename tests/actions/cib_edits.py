"""Edits of the lab's captured CIBs (tests/fixtures/lab) for table-driven action tests.

Each edit changes what a real cluster would have written (node attributes, node_state, location
constraints, fail counts); the result is always read by hacon's own parser, and the plan tests
check patches against the real Pacemaker tools.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import etree

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lab"
Edit = Callable[[etree._Element], None]


def lab_cib(scenario: str = "healthy-2node", node: str = "node-a") -> bytes:
    """A CIB the real lab wrote (healthy-2node: ClusterIP + OSIPS on node-a)."""
    return (FIXTURES / scenario / f"{node}.cib.xml").read_bytes()


def edited(cib: bytes, *edits: Edit) -> bytes:
    """The CIB with the edits applied."""
    root = etree.fromstring(cib)
    for edit in edits:
        edit(root)
    return etree.tostring(root)


def _node(root: etree._Element, name: str) -> etree._Element:
    return next(n for n in root.iterfind("configuration/nodes/node") if n.get("uname") == name)


def _state(root: etree._Element, name: str) -> etree._Element:
    return next(s for s in root.iterfind("status/node_state") if s.get("uname") == name)


def node_attribute(name: str, attribute: str, value: str) -> Edit:
    """A permanent node attribute (configuration/nodes), as crm_attribute writes it."""
    def edit(root: etree._Element) -> None:
        node = _node(root, name)
        attributes = node.find("instance_attributes")
        if attributes is None:
            attributes = etree.SubElement(node, "instance_attributes", id=f"nodes-{node.get('id')}")
        etree.SubElement(attributes, "nvpair", id=f"{attributes.get('id')}-{attribute}",
                         name=attribute, value=value)
    return edit


def standby(name: str, value: str = "on") -> Edit:
    return node_attribute(name, "standby", value)


def maintenance(name: str) -> Edit:
    return node_attribute(name, "maintenance", "true")


def transient(name: str, attribute: str, value: str) -> Edit:
    """A transient node attribute (status section), as attrd writes it."""
    def edit(root: etree._Element) -> None:
        state = _state(root, name)
        attributes = state.find("transient_attributes/instance_attributes")
        assert attributes is not None
        etree.SubElement(attributes, "nvpair", id=f"status-{state.get('id')}-{attribute}",
                         name=attribute, value=value)
    return edit


def failcount(name: str, resource: str, value: str = "INFINITY") -> Edit:
    return transient(name, f"fail-count-{resource}#monitor_10000", value)


def offline(name: str) -> Edit:
    """The node left the membership cleanly (as after a shutdown)."""
    def edit(root: etree._Element) -> None:
        state = _state(root, name)
        state.set("in_ccm", "false")
        state.set("crmd", "offline")
        state.set("join", "down")
        state.set("expected", "down")
    return edit


def location(constraint_id: str, resource: str, node: str, score: str) -> Edit:
    def edit(root: etree._Element) -> None:
        constraints = root.find("configuration/constraints")
        assert constraints is not None
        etree.SubElement(constraints, "rsc_location", id=constraint_id, rsc=resource, node=node,
                         score=score)
    return edit


def ban(resource: str, node: str) -> Edit:
    return location(f"cli-ban-{resource}-on-{node}", resource, node, "-INFINITY")


def no_quorum(root: etree._Element) -> None:
    root.set("have-quorum", "0")


def maintenance_mode(root: etree._Element) -> None:
    properties = root.find("configuration/crm_config/cluster_property_set")
    assert properties is not None
    etree.SubElement(properties, "nvpair", id="cib-bootstrap-options-maintenance-mode",
                     name="maintenance-mode", value="true")
