"""OpenSSH config handling (aliases, ProxyJump, -J), keepalive defaults and backoff."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.transport.base import FailureKind, NodeUnreachable, Unreachable
from console.transport.local_server import LocalSshServer
from console.transport.ssh import NodeSession, SshCluster
from console.transport.ssh_config import (
    JumpHop,
    SshSettings,
    client_options,
    liveness,
    parse_jump,
)
from tests.transport.helpers import settings_for


async def test_a_config_alias_resolves_to_its_hostname_and_port(
    settings: SshSettings, fake_nodes: LocalSshServer
) -> None:
    options = await client_options("node-b", settings)
    assert (options.host, options.port) == ("127.0.0.1", fake_nodes.ports["node-b"])
    async with SshCluster(["node-b"], settings) as cluster:
        result = await cluster.run("node-b", ["hostname"], timeout=5)
    assert result.stdout == b"node-b: hostname\n"


async def test_hacon_keepalive_applies_unless_the_config_sets_one(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(
        tmp_path, extra={"node-b": {"ServerAliveInterval": 2, "ServerAliveCountMax": 7}}
    )
    settings = settings_for(files, connect_timeout=None)
    default = liveness(settings, await client_options("node-a", settings))
    configured = liveness(settings, await client_options("node-b", settings))
    assert default == {"connect_timeout": 10.0, "keepalive_interval": 1.0, "keepalive_count_max": 3}
    assert (configured["keepalive_interval"], configured["keepalive_count_max"]) == (2, 7)


async def test_config_proxyjump_reaches_a_node_only_the_jump_host_can_see(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(tmp_path, hidden=["node-b"], proxy_jump="node-a")
    async with SshCluster(["node-b"], settings_for(files)) as cluster:
        result = await cluster.run("node-b", ["whoami"], timeout=5)
    assert result.stdout == b"node-b: whoami\n"


async def test_without_the_jump_the_hidden_node_does_not_resolve(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    """Proves the jump tests really go through the jump host."""
    files = fake_nodes.write_client_files(tmp_path, hidden=["node-b"])
    async with SshCluster(["node-b"], settings_for(files)) as cluster:
        with pytest.raises(NodeUnreachable) as caught:
            await cluster.run("node-b", ["true"], timeout=5)
    assert caught.value.kind is FailureKind.DNS
    assert "node-b does not resolve" in caught.value.reason


@pytest.mark.parametrize("jump", ["node-a", "someone@node-a", "node-c,node-a"])
async def test_dash_j_tunnels_every_node_through_the_jump_chain(
    tmp_path: Path, fake_nodes: LocalSshServer, jump: str
) -> None:
    files = fake_nodes.write_client_files(tmp_path, hidden=["node-b"])
    async with SshCluster(["node-b", "node-c"], settings_for(files, jump=jump)) as cluster:
        states = await cluster.connect_all()
        hidden = await cluster.run("node-b", ["id"], timeout=5)
    assert all(state.label == "connected" for state in states.values())
    assert hidden.stdout == b"node-b: id\n"


async def test_a_dead_jump_host_is_named_in_every_node_reason(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(tmp_path, hidden=["node-b"])
    await fake_nodes.stop_node("node-a")
    async with SshCluster(["node-b"], settings_for(files, jump="node-a")) as cluster:
        with pytest.raises(NodeUnreachable) as caught:
            await cluster.run("node-b", ["true"], timeout=5)
    assert caught.value.reason.startswith("jump host node-a: ")
    assert caught.value.kind is FailureKind.REFUSED


async def test_a_node_the_jump_host_cannot_reach_says_so(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(
        tmp_path, extra={"node-b": {"HostName": "elsewhere", "Port": 22}}
    )
    async with SshCluster(["node-b"], settings_for(files, jump="node-a")) as cluster:
        with pytest.raises(NodeUnreachable) as caught:
            await cluster.run("node-b", ["true"], timeout=5)
    assert caught.value.kind is FailureKind.JUMP
    assert "jump host node-a could not reach it" in caught.value.reason


@pytest.mark.parametrize(
    ("spec", "hops"),
    [
        ("bastion", [JumpHop("bastion")]),
        ("ops@bastion:2222", [JumpHop("bastion", 2222, "ops")]),
        ("a,b@c:1", [JumpHop("a"), JumpHop("c", 1, "b")]),
        ("[fe80::1]:22", [JumpHop("fe80::1", 22)]),
        ("fe80::1", [JumpHop("fe80::1")]),
    ],
)
def test_jump_specs_parse_like_ssh_dash_j(spec: str, hops: list[JumpHop]) -> None:
    assert parse_jump(spec) == hops


@pytest.mark.parametrize("spec", ["", "host:port", "a,,b"])
def test_bad_jump_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_jump(spec)


def test_backoff_doubles_is_capped_and_jittered() -> None:
    settings = SshSettings(backoff_initial=1.0, backoff_max=30.0)
    low = NodeSession("n", settings, rng=lambda: 0.0)
    high = NodeSession("n", settings, rng=lambda: 0.999)
    assert [low.backoff_delay(n) for n in (1, 2, 3, 6, 50)] == [0.5, 1.0, 2.0, 15.0, 15.0]
    assert all(29.9 < high.backoff_delay(n) < 30 for n in (6, 50))


async def test_nodes_behind_a_silent_jump_host_share_one_attempt(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    """Three nodes queued behind one failing jump attempt do not each wait a connect timeout."""
    files = fake_nodes.write_client_files(tmp_path, hidden=["node-b"])
    fake_nodes.freeze_node("node-a")
    settings = settings_for(files, jump="node-a", connect_timeout=0.5)
    async with SshCluster(["node-b", "node-c", "node-a"], settings) as cluster:
        states = await cluster.connect_all()
    assert fake_nodes.open_connections("node-a") == 1
    for state in states.values():
        assert isinstance(state, Unreachable) and state.kind is FailureKind.TIMEOUT
        assert state.reason.startswith("jump host node-a: no SSH connection within 0.5 s")
