"""Shared helpers for the demo cluster's tests: a fresh cluster on a fake clock, views, crm_mon."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from console.demo.cib import render_cib
from console.demo.cluster import DemoCluster
from console.demo.timeline import FakeClock

PACEMAKER_TOOLS = all(shutil.which(tool, path="/usr/sbin:/usr/bin") for tool in
                      ("crm_mon", "crm_simulate"))
TOOL_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def new_cluster(node_count: int = 2) -> tuple[DemoCluster, FakeClock]:
    """A converged demo cluster on a fake clock at t=0."""
    clock = FakeClock()
    return DemoCluster(node_count, clock), clock


def view(cluster: DemoCluster, node_name: str) -> bytes:
    """The node's own `cibadmin -Q`."""
    cluster.catch_up()
    return render_cib(cluster.partition_of(node_name), cluster.runtimes, cluster.node_names)


@dataclass(frozen=True)
class MonView:
    """What real crm_mon makes of a CIB: the fields the demo must get right."""

    dc: str | None
    quorate: bool
    online: tuple[str, ...]
    standby: tuple[str, ...]
    running: dict[str, tuple[str, ...]]
    failed: dict[str, bool]
    fail_counts: dict[tuple[str, str], int]


def crm_mon(cib: bytes, tmp_path: Path) -> MonView:
    """Run the real `crm_mon -1 --output-as=xml` on the CIB and pick the fields."""
    cib_file = tmp_path / "cib.xml"
    cib_file.write_bytes(cib)
    env = {"CIB_file": str(cib_file), "PATH": TOOL_PATH, "LC_ALL": "C"}
    out = subprocess.run(["crm_mon", "-1", "--output-as=xml"], env=env, capture_output=True,
                         check=True, timeout=30).stdout
    root = etree.fromstring(out)
    dc = root.find("summary/current_dc")
    nodes = root.findall("nodes/node")
    resources = root.findall("resources/resource")
    return MonView(
        dc=dc.get("name") if dc is not None and dc.get("present") == "true" else None,
        quorate=dc is not None and dc.get("with_quorum") == "true",
        online=tuple(n.get("name") for n in nodes if n.get("online") == "true"),
        standby=tuple(n.get("name") for n in nodes if n.get("standby") == "true"),
        running={r.get("id"): tuple(sorted(n.get("name") for n in r.findall("node")))
                 for r in resources},
        failed={r.get("id"): r.get("failed") == "true" for r in resources},
        fail_counts={(h.getparent().get("name"), h.get("id")): int(h.get("fail-count"))
                     for h in root.iter("resource_history") if h.get("fail-count")},
    )


def predicted_actions(cib: bytes, tmp_path: Path) -> list[str]:
    """The actions real `crm_simulate -R` would take on the CIB (blocked ones left out)."""
    cib_file = tmp_path / "sim.xml"
    cib_file.write_bytes(cib)
    out = subprocess.run(["crm_simulate", "-x", str(cib_file), "-R", "--output-as=xml"],
                         env={"PATH": TOOL_PATH, "LC_ALL": "C"}, capture_output=True,
                         check=True, timeout=60).stdout
    actions = etree.fromstring(out).findall("actions/rsc_action")
    return [f"{a.get('action')} {a.get('resource')} {a.get('source') or a.get('node') or ''}"
            f"->{a.get('dest') or ''}" for a in actions if a.get("blocked") != "true"]

