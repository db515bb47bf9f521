"""A ProxyJump from the ssh config is opened by hacon like a `-J` hop: same host key rules.

0.1 let asyncssh open config jumps itself, so hacon's refusal of `UserKnownHostsFile none` did
not apply to them: a jump host whose key nobody checks carried every node's session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from console.transport.base import NodeUnreachable
from console.transport.local_server import LocalSshServer
from console.transport.ssh import SshCluster
from console.transport.trust import fetch_host_key
from tests.transport.helpers import settings_for


async def test_a_config_jump_host_without_host_key_checking_is_refused(
        tmp_path: Path, fake_nodes: LocalSshServer) -> None:
    files = fake_nodes.write_client_files(tmp_path, hidden=["node-b"], proxy_jump="node-a",
                                          extra={"node-a": {"UserKnownHostsFile": "none"}})
    async with SshCluster(["node-b"], settings_for(files)) as cluster:
        with pytest.raises(NodeUnreachable) as caught:
            await cluster.run("node-b", ["true"], timeout=5)
    assert "jump host node-a" in caught.value.reason
    assert "disables host key checking" in caught.value.reason
    assert fake_nodes.commands == []


async def test_a_config_jump_host_with_an_unknown_key_is_refused_by_name(
        tmp_path: Path, fake_nodes: LocalSshServer) -> None:
    files = fake_nodes.write_client_files(tmp_path, hidden=["node-b"], proxy_jump="node-a",
                                          trusted=["node-b"])
    async with SshCluster(["node-b"], settings_for(files)) as cluster:
        with pytest.raises(NodeUnreachable) as caught:
            await cluster.run("node-b", ["true"], timeout=5)
    assert "jump host node-a" in caught.value.reason and "host key" in caught.value.reason


async def test_trust_through_a_config_jump_checks_the_jump_host_too(
        tmp_path: Path, fake_nodes: LocalSshServer) -> None:
    files = fake_nodes.write_client_files(tmp_path, hidden=["node-b"], proxy_jump="node-a",
                                          extra={"node-a": {"UserKnownHostsFile": "none"}})
    with pytest.raises(NodeUnreachable) as caught:
        await fetch_host_key("node-b", settings_for(files))
    assert "disables host key checking" in caught.value.reason


async def test_a_config_jump_still_reaches_the_hidden_node_and_closes_with_it(
        tmp_path: Path, fake_nodes: LocalSshServer) -> None:
    files = fake_nodes.write_client_files(tmp_path, hidden=["node-b"], proxy_jump="node-a")
    async with SshCluster(["node-b"], settings_for(files)) as cluster:
        result = await cluster.run("node-b", ["whoami"], timeout=5)
        assert fake_nodes.open_connections("node-a") == 1
    assert result.stdout == b"node-b: whoami\n"
    for _ in range(100):
        if fake_nodes.open_connections("node-a") == 0:
            break
        await __import__("asyncio").sleep(0.02)
    assert fake_nodes.open_connections("node-a") == 0
