"""The demo's CIBs have the shape of the real lab's (tests/fixtures/lab, captured from Pacemaker).

For each captured lab scenario, the demo is brought into the same state and each node's CIB is
compared element by element (every element path with its attribute names). The only differences
allowed are the demo's own configuration additions, listed here.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from demo_helpers import new_cluster, view
from lxml import etree

from console.demo.cluster import DemoCluster
from console.demo.scenarios import SCENARIOS
from tests.support.paths import REPO_ROOT

LAB = REPO_ROOT / "tests" / "fixtures" / "lab"
Shape = set[tuple[str, tuple[str, ...]]]

DEMO_ADDITIONS: Shape = {
    # the preferred node (a location constraint the lab does not set)
    ("cib/configuration/constraints/rsc_location", ("id", "node", "rsc", "score")),
    # OSIPS's migration-threshold (what makes the flapping scenario move)
    ("cib/configuration/resources/primitive/meta_attributes", ("id",)),
    ("cib/configuration/resources/primitive/meta_attributes/nvpair", ("id", "name", "value")),
}
LAB_LEFTOVERS: Shape = {
    # the lab harness resets standby with --delete, which leaves an empty set behind
    ("cib/configuration/nodes/node/instance_attributes", ("id",)),
}


def _standby_node_a(cluster: DemoCluster) -> None:
    cluster.set_standby("node-a", "node-a", "on", "forever")


def _scenario(name: str) -> Callable[[DemoCluster], object]:
    return SCENARIOS[name].run


CASES: dict[str, tuple[int, Callable[[DemoCluster], object] | None]] = {
    "healthy-2node": (2, None),
    "healthy-3node": (3, None),
    "standby-node-a": (2, _standby_node_a),
    "power-loss-survivor": (2, _scenario("power-loss")),
    "split-brain": (2, _scenario("split-brain")),
    "osips-failed": (2, _scenario("service-failure")),
    "cli-ban": (2, _scenario("cli-ban")),
}


def shape(xml: bytes) -> Shape:
    """Every element's path from the root, with its sorted attribute names."""
    found: Shape = set()
    for element in etree.fromstring(xml).iter():
        if isinstance(element.tag, str):
            path = "/".join([*(a.tag for a in reversed(list(element.iterancestors()))),
                             element.tag])
            found.add((path, tuple(sorted(element.attrib))))
    return found


@pytest.mark.parametrize("case", list(CASES))
def test_each_node_view_has_the_lab_shape(case: str) -> None:
    captured = sorted((LAB / case).glob("*.cib.xml"))
    assert captured, f"no lab capture in {LAB / case}"
    nodes, make = CASES[case]
    cluster, _ = new_cluster(nodes)
    if make is not None:
        make(cluster)
    cluster.timeline.settle()
    for path in captured:
        node = path.name.split(".")[0]
        assert cluster.reachable(node), node
        lab, demo = shape(path.read_bytes()), shape(view(cluster, node))
        assert lab - demo - LAB_LEFTOVERS == set(), node
        assert demo - lab - DEMO_ADDITIONS == set(), node


def test_the_demo_address_layout_is_the_labs() -> None:
    from console.demo.handler import DemoHandler

    lab = (LAB / "healthy-2node" / "node-a.ip-addr.txt").read_text()
    demo = DemoHandler(new_cluster()[0]).answer("node-a", ["ip", "-o", "addr", "show"])[1]
    assert [line.split()[:3] for line in demo.decode().splitlines()] == [
        line.split()[:3] for line in lab.splitlines()]
