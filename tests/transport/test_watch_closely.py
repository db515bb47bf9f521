"""Watching a cluster loosely (a row of the fleet overview) or closely (its own console): the
keepalive its live connections run, and what it notices."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from console.transport import ssh as ssh_module
from console.transport import ssh_config
from console.transport.base import FailureKind, Unreachable
from console.transport.local_server import ClientFiles, LocalSshServer
from console.transport.ssh import SshCluster
from console.transport.ssh_config import (
    CONSOLE_KEEPALIVE,
    OVERVIEW_KEEPALIVE,
    Keepalive,
    client_options,
    liveness,
)
from console.transport.sshlib import asyncssh
from tests.transport.helpers import eventually, settings_for

Recorded = dict[str, list[tuple[float, int]]]


@pytest.fixture
def keepalives(monkeypatch: pytest.MonkeyPatch) -> tuple[Recorded, Recorded]:
    """(keepalive each connection opened with, keepalives set on it later), per node."""
    opened: Recorded = {}
    retuned: Recorded = {}
    connect = asyncssh.connect
    set_keepalive = asyncssh.SSHClientConnection.set_keepalive

    async def recording_connect(host: str, **options: Any) -> asyncssh.SSHClientConnection:
        conn = await connect(host, **options)
        conn.set_extra_info(test_node=host)
        opened.setdefault(host, []).append(
            (options["keepalive_interval"], options["keepalive_count_max"]))
        return conn

    def recording_set(conn: asyncssh.SSHClientConnection, interval: float,
                      count_max: int) -> None:
        retuned.setdefault(conn.get_extra_info("test_node"), []).append((interval, count_max))
        set_keepalive(conn, interval, count_max)

    monkeypatch.setattr(asyncssh, "connect", recording_connect)
    monkeypatch.setattr(asyncssh.SSHClientConnection, "set_keepalive", recording_set)
    return opened, retuned


def pair(keepalive: Keepalive) -> tuple[float, int]:
    return (keepalive.interval, keepalive.count_max)


async def test_a_loosely_watched_cluster_connects_with_the_overview_keepalive_and_an_opened_one_retunes_it_live(  # noqa: E501
    client_files: ClientFiles, keepalives: tuple[Recorded, Recorded]
) -> None:
    opened, retuned = keepalives
    async with SshCluster(["node-a", "node-b"], settings_for(client_files)) as cluster:
        cluster.watch_closely(False)
        await cluster.connect_all()
        assert opened == {"node-a": [pair(OVERVIEW_KEEPALIVE)],
                          "node-b": [pair(OVERVIEW_KEEPALIVE)]}
        cluster.watch_closely(True)
        assert retuned == {"node-a": [pair(CONSOLE_KEEPALIVE)],
                           "node-b": [pair(CONSOLE_KEEPALIVE)]}
        cluster.watch_closely(False)
        assert retuned["node-a"][-1] == pair(OVERVIEW_KEEPALIVE)
        result = await cluster.run("node-a", ["hostname"], timeout=5)
    assert result.ok and opened["node-a"] == [pair(OVERVIEW_KEEPALIVE)]  # no reconnect


async def test_a_keepalive_the_ssh_config_or_the_settings_choose_is_never_retuned(
    tmp_path: Any, fake_nodes: LocalSshServer, keepalives: tuple[Recorded, Recorded]
) -> None:
    opened, retuned = keepalives
    files = fake_nodes.write_client_files(
        tmp_path / "ssh", extra={"node-b": {"ServerAliveInterval": 2, "ServerAliveCountMax": 7}})
    async with SshCluster(["node-a", "node-b"], settings_for(files)) as cluster:
        cluster.watch_closely(False)
        await cluster.connect_all()
        cluster.watch_closely(True)
    assert opened["node-b"] == [(2, 7)] and "node-b" not in retuned
    assert retuned["node-a"] == [pair(CONSOLE_KEEPALIVE)]
    half = settings_for(files, keepalive_interval=2.0)
    timing = liveness(half, await client_options("node-a", half), OVERVIEW_KEEPALIVE)
    # an interval chosen without a count is completed from the console's, not the overview's
    assert (timing["keepalive_interval"], timing["keepalive_count_max"]) == (2.0, 3)


async def test_a_loosely_watched_node_that_goes_silent_is_lost_by_the_overview_keepalive(
    client_files: ClientFiles, fake_nodes: LocalSshServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the console's keepalive off, only the overview's, set before connecting, can tell
    a frozen node is gone (a quick one, so the test does not wait its 10 s)."""
    off = Keepalive(0.0, 3)
    monkeypatch.setattr(ssh_config, "CONSOLE_KEEPALIVE", off)
    monkeypatch.setattr(ssh_module, "CONSOLE_KEEPALIVE", off)
    monkeypatch.setattr(ssh_module, "OVERVIEW_KEEPALIVE", Keepalive(0.2, 1))
    async with SshCluster(["node-a", "node-b"], settings_for(client_files)) as cluster:
        cluster.watch_closely(False)
        await cluster.connect_all()
        fake_nodes.freeze_node("node-a")
        try:
            await eventually(_unreachable(cluster, "node-a"))
        finally:
            fake_nodes.thaw_node("node-a")
        state = cluster.states()["node-a"]
        assert isinstance(state, Unreachable) and state.kind is FailureKind.DROPPED
        assert "keepalive" in state.reason


def _unreachable(cluster: SshCluster, node: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return isinstance(cluster.states()[node], Unreachable)
    return check


def test_the_stated_silence_bounds() -> None:
    """The README states them: a silent node shows within 4 s in a cluster's console, within
    10 s in the overview (asyncssh gives up after count_max + 1 unanswered intervals)."""
    assert CONSOLE_KEEPALIVE.silence_bound == 4.0
    assert OVERVIEW_KEEPALIVE.silence_bound == 10.0


async def test_aes_gcm_is_preferred_unless_the_ssh_config_names_the_ciphers(
    tmp_path: Any, fake_nodes: LocalSshServer
) -> None:
    """Every idle round and keepalive pays the cipher per packet: asyncssh's chacha20-poly1305
    costs several times AES-GCM's. A `Ciphers` line in the ssh config still decides."""
    files = fake_nodes.write_client_files(
        tmp_path / "ssh", extra={"node-b": {"Ciphers": "chacha20-poly1305@openssh.com"}})
    async with SshCluster(["node-a", "node-b"], settings_for(files)) as cluster:
        negotiated = {node: (await cluster.session(node).connect()).get_extra_info("send_cipher")
                      for node in ("node-a", "node-b")}
    assert negotiated == {"node-a": "aes256-gcm@openssh.com",
                          "node-b": "chacha20-poly1305@openssh.com"}
