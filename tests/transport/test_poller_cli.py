"""`hacon status --nodes/--cluster` against fake nodes over real SSH (real Pacemaker CLI)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from console.commands.status_live import render_live
from console.model.live.snapshot import LiveSnapshot
from console.transport.local_server import LocalSshServer
from tests.support.paths import REPO_ROOT
from tests.support.status_schema import assert_conforms
from tests.transport.poller_nodes import PACEMAKER_MISSING, VIP, PacemakerNodes

NODES = ["node-a", "node-b"]


async def hacon(*argv: str) -> tuple[int, str, str]:
    """Run the real `hacon` entry point in a child process (its own event loop)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "console",
        *argv,
        cwd=REPO_ROOT,
        env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


@pytest.fixture
async def fake_nodes(tmp_path: Path) -> tuple[PacemakerNodes, LocalSshServer, Path]:
    if PACEMAKER_MISSING:
        pytest.skip("Pacemaker's CLI is not installed")
    nodes = PacemakerNodes(tmp_path, NODES)
    server = LocalSshServer(nodes, NODES)
    await server.start()
    files = server.write_client_files(tmp_path / "ssh")
    yield nodes, server, files.config
    await server.stop()


async def test_status_json_has_the_contract_and_the_live_object(fake_nodes) -> None:
    nodes, _, config = fake_nodes
    nodes.bind_vip("node-a", "node-b")
    nodes.members = {"node-a": ["node-a"], "node-b": ["node-b"]}
    status, out, err = await hacon(
        "status", "--nodes", "node-a,node-b", "--ssh-config", str(config), "--json"
    )
    assert status == 0, err
    document = assert_conforms(json.loads(out))
    assert document["vips"]["ClusterIP"]["ip"] == VIP, "the file-mode contract is there"
    live = document["live"]
    assert live["reached"] == ["node-a", "node-b"] and live["unreachable"] == {}
    assert live["split_brain"] is True
    assert live["vip_bound"] == {"ClusterIP": ["node-a", "node-b"]}
    assert live["views"]["node-b"]["online"] == ["node-b"]


async def test_status_text_starts_with_split_brain_and_lists_an_unreachable_node(
    fake_nodes, tmp_path: Path
) -> None:
    nodes, server, config = fake_nodes
    nodes.bind_vip("node-a", "node-b")
    await server.stop_node("node-b")
    home = Path(os.environ["XDG_CONFIG_HOME"]) / "hacon"
    home.mkdir(parents=True)
    (home / "clusters.toml").write_text(
        f'[clusters.lab]\nnodes = ["node-a", "node-b"]\nssh_config = "{config}"\n'
    )
    status, out, err = await hacon("status", "--cluster", "lab")
    assert status == 0, err
    lines = out.splitlines()
    assert "node-b  UNREACHABLE: " in out and "refused" in out
    assert not lines[0].startswith("SPLIT BRAIN"), "node-b's VIP is not seen: cannot claim it"
    assert "\x1b[" not in out, "no colour when stdout is not a terminal"


async def test_status_without_any_cluster_says_what_to_give() -> None:
    status, _, err = await hacon("status")
    assert status == 2
    assert err.startswith("hacon: status needs --cib-file FILE, --nodes A,B or --cluster NAME")


def test_split_brain_line_is_red_only_on_a_terminal() -> None:
    from console.model.live.verdict import build_live_snapshot
    from tests.support.live_views import VIP_IP, cluster_snapshot, view

    views = {
        "node-a": view("node-a", online=["node-a"], dc="node-a", bound=[VIP_IP]),
        "node-b": view("node-b", online=["node-b"], dc="node-b", bound=[VIP_IP]),
    }
    cib = cluster_snapshot(online=["node-a"], vip_on=["node-a"], dc="node-a")
    snapshot: LiveSnapshot = build_live_snapshot(views, {"node-a": cib}, now=100.0)
    plain = render_live(snapshot, color=False, now=100.0).splitlines()
    assert plain[0] == (
        "SPLIT BRAIN: ClusterIP bound on node-a, node-b; partitions: node-a | node-b"
    )
    coloured = render_live(snapshot, color=True, now=100.0).splitlines()
    assert coloured[0].startswith("\x1b[1;31mSPLIT BRAIN") and coloured[0].endswith("\x1b[0m")
