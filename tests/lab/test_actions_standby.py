"""End to end on the real lab: `hacon standby/online` and the two-console race.

`hacon` runs as the operator runs it (a subprocess, the lab's OpenSSH config and known_hosts).
The kernel's truth is read by the harness from the nodes' eth0, never through hacon.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.actions import audit

from .fixtures import FigureRecorder
from .harness import Lab

pytestmark = pytest.mark.lab
REPO = Path(__file__).resolve().parents[2]


def hacon(lab: Lab, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "console", *argv, "--nodes", ",".join(lab.nodes),
               "--ssh-config", os.fspath(lab.files.ssh_config)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                          cwd=REPO)


def config_version(lab: Lab, node: str) -> tuple[int, int]:
    """(admin_epoch, epoch): what any configuration change bumps."""
    root = lab.exec(node, ["cibadmin", "-Q", "-n"], check=True).stdout
    from lxml import etree

    element = etree.fromstring(root.encode())
    return int(element.get("admin_epoch", "0")), int(element.get("epoch", "0"))


def journal() -> list[dict[str, object]]:
    return [dict(entry) for entry in audit.read_entries()]


def test_standby_moves_the_vip_refuses_the_last_node_and_online_brings_it_back(
        healthy_lab: Lab, lab_figures: FigureRecorder) -> None:
    lab = healthy_lab
    holder = lab.vip()[0]
    peer = next(node for node in lab.nodes if node != holder)

    done = hacon(lab, "standby", holder, "--yes")
    assert done.returncode == 0, done.stderr
    assert "failover done in" in done.stdout
    assert lab.vip() == [peer]  # the kernel: the address is on the peer's eth0 only
    assert lab.view(peer).holder() == peer and holder in lab.view(peer).standby
    entry = journal()[-1]
    assert entry["outcome"] == "done" and entry["target"] == holder
    assert isinstance(entry["failover_s"], float)
    lab_figures("hacon standby: failover verified (VIP in kernel + OSIPS)", entry["failover_s"])

    before = config_version(lab, peer)
    refused = hacon(lab, "standby", peer, "--yes")
    assert refused.returncode == 3, refused.stderr
    assert "refused:" in refused.stderr and "no node could run ClusterIP" in refused.stderr
    assert config_version(lab, peer) == before  # nothing changed
    assert lab.vip() == [peer] and peer not in lab.view(peer).standby

    back = hacon(lab, "online", holder, "--yes")
    assert back.returncode == 0, back.stderr
    assert holder not in lab.view(holder).standby and holder in lab.view(holder).online
    assert [e["outcome"] for e in journal()] == ["done", "refused", "done"]


def test_dry_run_previews_with_the_scheduler_and_changes_nothing(healthy_lab: Lab) -> None:
    holder = healthy_lab.vip()[0]
    peer = next(node for node in healthy_lab.nodes if node != holder)
    before = config_version(healthy_lab, holder)
    result = hacon(healthy_lab, "standby", holder, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"ClusterIP moves {holder} → {peer}" in result.stdout
    assert f"OSIPS moves {holder} → {peer}" in result.stdout
    assert config_version(healthy_lab, holder) == before and healthy_lab.vip() == [holder]


def test_json_audit_lines_are_printed_by_hacon_audit(healthy_lab: Lab) -> None:
    hacon(healthy_lab, "clear", "--yes")  # nothing to clear: refused, still audited
    result = subprocess.run([sys.executable, "-m", "console", "audit", "--json"],
                            capture_output=True, text=True, check=True, cwd=REPO)
    last = json.loads(result.stdout.splitlines()[-1])
    assert last["action"] == "clear" and last["outcome"] == "refused"


def test_without_a_terminal_to_confirm_on_nothing_changes_and_the_try_is_journaled(
        healthy_lab: Lab) -> None:
    holder = healthy_lab.vip()[0]
    before = config_version(healthy_lab, holder)
    tried = hacon(healthy_lab, "standby", holder)  # stdin is not a terminal, and no --yes
    assert tried.returncode == 2
    assert tried.stderr.strip() == "hacon: no terminal to confirm on: add --yes (or --dry-run)"
    assert healthy_lab.vip() == [holder] and config_version(healthy_lab, holder) == before
    entry = journal()[-1]
    assert entry["outcome"] == "cancelled" and entry["target"] == holder
    assert entry["message"] == "no terminal to confirm on"
