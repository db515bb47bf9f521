"""The sample CIB shipped in the package: still what Pacemaker says, still what the script makes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from console.commands.sources import sample_cib
from console.model.snapshot import parse_cib
from tests.fixtures.sample_cib import build_sample_cib
from tests.support.paths import REPO_ROOT

SHIPPED = REPO_ROOT / "console" / "data" / "sample-cib.xml"
TOOLS = ("cibadmin", "crm_mon", "crm_simulate", "crm_attribute", "pcs")
missing_tools = [tool for tool in TOOLS if shutil.which(tool) is None]
needs_pacemaker = pytest.mark.skipif(
    bool(missing_tools), reason=f"Pacemaker tools not installed: {' '.join(missing_tools)}"
)


def crm_mon(path: Path) -> etree._Element:
    result = subprocess.run(
        ["crm_mon", "-1", "--output-as=xml"],
        capture_output=True,
        env={**os.environ, "CIB_file": str(path)},
        timeout=60,
        check=True,
    )
    return etree.fromstring(result.stdout)


def test_the_package_ships_the_sample() -> None:
    assert sample_cib() == SHIPPED.read_bytes()


@needs_pacemaker
def test_shipped_sample_still_matches_crm_mon() -> None:
    mon = crm_mon(SHIPPED)
    snapshot = parse_cib(SHIPPED.read_bytes())
    mon_nodes = {
        node.get("name"): node.get("online") == "true"
        for node in mon.iter("node")
        if node.get("online") is not None
    }
    assert mon_nodes == {name: node.online for name, node in snapshot.nodes.items()}
    assert mon_nodes == {"node-a": True, "node-b": True}
    mon_resources = {
        rsc.get("id"): (rsc.get("role"), sorted(n.get("name", "") for n in rsc.iter("node")))
        for rsc in mon.iterfind("resources/resource")
    }
    ours = {rid: (r.role, list(r.active_on)) for rid, r in snapshot.resources.items()}
    assert (
        mon_resources
        == ours
        == {
            "ClusterIP": ("Started", ["node-a"]),
            "OSIPS": ("Started", ["node-a"]),
        }
    )
    current_dc = mon.find("summary/current_dc")
    assert current_dc is not None
    assert current_dc.get("name") == snapshot.info.dc == "node-a"
    assert mon.find("bans") is None and snapshot.bans == ()
    assert mon.find("failures") is None and snapshot.failures == ()
    assert snapshot.vips["ClusterIP"].holder_nodes == ("node-a",)


@needs_pacemaker
@pytest.mark.slow
def test_generator_still_builds_the_shipped_configuration(tmp_path: Path) -> None:
    built = etree.fromstring(build_sample_cib(tmp_path))
    shipped = etree.fromstring(SHIPPED.read_bytes())
    sections = [root.find("configuration") for root in (built, shipped)]
    assert sections[0] is not None and sections[1] is not None
    assert etree.tostring(sections[0], method="c14n") == etree.tostring(sections[1], method="c14n")
    assert {e.get("id") for e in built.iter("lrm_resource")} == {"ClusterIP", "OSIPS"}
