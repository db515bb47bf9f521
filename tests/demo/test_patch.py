"""Versioned patches on the demo nodes: Pacemaker's compare-and-swap, as guarded actions use it.

Patches are made by the real `crm_diff` from CIBs edited with the real `crm_attribute` and
`cibadmin` (CIB_file), exactly as hacon's actions will make them.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from demo_helpers import TOOL_PATH, new_cluster, view

from console.demo.handler import DemoHandler
from console.demo.scenarios import SCENARIOS

pytestmark = pytest.mark.skipif(
    shutil.which("crm_diff", path=TOOL_PATH) is None,
    reason="LOUD SKIP: Pacemaker's crm_diff is not installed (tests/run installs it as root)")


def make_patch(cib: bytes, tmp_path: Path, *edits: Sequence[str]) -> bytes:
    """A versioned crm_diff patch from `cib` to `cib` with `edits` (CIB_file commands) applied."""
    old, new = tmp_path / "old.xml", tmp_path / "new.xml"
    old.write_bytes(cib)
    new.write_bytes(cib)
    env = {"PATH": TOOL_PATH, "CIB_file": str(new)}
    for argv in edits:
        subprocess.run(list(argv), env=env, check=True, capture_output=True)
    diff = subprocess.run(["crm_diff", "-o", str(old), "-n", str(new)],
                          env={"PATH": TOOL_PATH}, capture_output=True, check=False)
    assert diff.returncode == 1, diff.stderr  # 1: there are differences
    return diff.stdout


def standby(node: str) -> list[str]:
    return ["crm_attribute", "--node", node, "--name", "standby", "--update", "on"]


PATCH = ["cibadmin", "--patch", "--xml-pipe"]


def test_a_fresh_patch_applies_at_its_target_version_and_moves_the_vip(tmp_path: Path) -> None:
    cluster, _ = new_cluster()
    node = DemoHandler(cluster)
    patch = make_patch(view(cluster, "node-b"), tmp_path, standby("node-a"))
    _, epoch, _ = cluster.partition_of("node-b").version
    assert node.answer("node-b", PATCH, patch)[0] == 0
    assert cluster.partition_of("node-a").version[1] > epoch
    assert cluster.partition_of("node-a").config.standby_value("node-a") == "on"
    cluster.timeline.settle()
    assert cluster.holders("ClusterIP") == ("node-b",)


def test_a_replayed_patch_is_refused_with_103(tmp_path: Path) -> None:
    cluster, _ = new_cluster()
    node = DemoHandler(cluster)
    patch = make_patch(view(cluster, "node-b"), tmp_path, standby("node-a"))
    assert node.answer("node-b", PATCH, patch)[0] == 0
    status, _, err = node.answer("node-b", PATCH, patch)
    assert status == 103 and b"Update was older than existing configuration" in err


def test_two_consoles_racing_never_leave_both_nodes_in_standby(tmp_path: Path) -> None:
    cluster, _ = new_cluster()
    node = DemoHandler(cluster)
    cib = view(cluster, "node-a")
    first = make_patch(cib, tmp_path, standby("node-a"))
    second = make_patch(cib, tmp_path, standby("node-b"))
    assert node.answer("node-a", PATCH, first)[0] == 0
    assert node.answer("node-b", PATCH, second)[0] == 103
    config = cluster.partition_of("node-a").config
    assert (config.standby_value("node-a"), config.standby_value("node-b")) == ("on", None)


def test_a_status_change_in_between_makes_the_patch_stale(tmp_path: Path) -> None:
    cluster, _ = new_cluster()
    node = DemoHandler(cluster)
    patch = make_patch(view(cluster, "node-a"), tmp_path, standby("node-a"))
    cluster.fail_service()  # num_updates moves: a spurious but safe conflict
    assert node.answer("node-a", PATCH, patch)[0] == 103
    assert cluster.partition_of("node-a").config.standby_value("node-a") is None


def test_clearing_a_leftover_ban_by_patch(tmp_path: Path) -> None:
    cluster, _ = new_cluster()
    SCENARIOS["cli-ban"].run(cluster)
    cluster.timeline.settle()
    patch = make_patch(view(cluster, "node-a"), tmp_path, [
        "cibadmin", "--delete", "--xml-text", '<rsc_location id="cli-ban-ClusterIP-on-node-a"/>'])
    assert DemoHandler(cluster).answer("node-a", PATCH, patch)[0] == 0
    assert cluster.partition_of("node-a").config.bans == ()


def test_a_patch_beyond_what_the_demo_models_is_refused_whole(tmp_path: Path) -> None:
    cluster, _ = new_cluster()
    before = cluster.partition_of("node-a").version
    patch = make_patch(view(cluster, "node-a"), tmp_path, standby("node-a"), [
        "cibadmin", "--create", "-o", "resources", "--xml-text",
        '<primitive id="extra" class="ocf" provider="pacemaker" type="Dummy"/>'])
    status, _, err = DemoHandler(cluster).answer("node-a", PATCH, patch)
    assert status == 1 and b"models only" in err
    assert cluster.partition_of("node-a").version == before


def test_garbage_is_not_a_patch() -> None:
    cluster, _ = new_cluster()
    status, _, err = DemoHandler(cluster).answer("node-a", PATCH, b"<!DOCTYPE x [<!ENTITY a 'b'>]>")
    assert status == 1 and err.startswith(b"Call failed")


def test_a_preview_runs_pacemakers_scheduler_on_the_piped_cib(tmp_path: Path) -> None:
    cluster, _ = new_cluster()
    whatif = tmp_path / "whatif.xml"
    whatif.write_bytes(view(cluster, "node-a"))
    subprocess.run(standby("node-a"), env={"PATH": TOOL_PATH, "CIB_file": str(whatif)},
                   check=True, capture_output=True)
    status, out, _ = DemoHandler(cluster).answer(
        "node-b", ["crm_simulate", "--xml-pipe", "-R", "--output-as=xml"], whatif.read_bytes())
    assert status == 0
    assert b'action="move" resource="ClusterIP" source="node-a" dest="node-b"' in out


def test_a_preview_may_not_write_files() -> None:
    cluster, _ = new_cluster()
    status, _, _ = DemoHandler(cluster).answer(
        "node-a", ["crm_simulate", "--live-check", "-S", "-O", "/tmp/x.xml"])
    assert status == 64
