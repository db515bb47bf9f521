"""Unknown and changed host keys are refused with OpenSSH-grade messages; trusting is explicit."""

from __future__ import annotations

from pathlib import Path

import asyncssh
import pytest

from console.transport.base import FailureKind, HostKeyRefused, NodeUnreachable
from console.transport.local_server import LocalSshServer
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings
from console.transport.trust import (
    TrustStatus,
    add_to_known_hosts,
    fetch_host_key,
    trust_host,
)
from tests.transport.helpers import ScriptedHandler, settings_for


def fingerprint(server: LocalSshServer, node: str) -> str:
    return server.host_key(node).get_fingerprint("sha256")


async def refusal(settings: SshSettings, node: str) -> HostKeyRefused:
    async with SshCluster([node], settings) as cluster:
        with pytest.raises(HostKeyRefused) as caught:
            await cluster.run(node, ["true"], timeout=5)
    return caught.value


async def test_an_unknown_host_key_is_refused_with_everything_needed_to_decide(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(tmp_path, trusted=["node-a"])
    error = await refusal(settings_for(files), "node-b")
    port = fake_nodes.ports["node-b"]
    assert error.kind is FailureKind.HOST_KEY_UNKNOWN
    for needed in (
        f"[127.0.0.1]:{port}",
        "ssh-ed25519",
        fingerprint(fake_nodes, "node-b"),
        str(files.known_hosts),
        f"hacon trust node-b --ssh-config {files.config}",  # the exact command that will work
    ):
        assert needed in error.reason
    assert fake_nodes.commands == []


async def test_a_changed_host_key_is_refused_and_never_accepted(
    settings: SshSettings, fake_nodes: LocalSshServer
) -> None:
    old = fingerprint(fake_nodes, "node-a")
    fake_nodes.set_host_key("node-a", asyncssh.generate_private_key("ssh-ed25519"))
    await fake_nodes.stop_node("node-a")
    await fake_nodes.start_node("node-a")
    error = await refusal(settings, "node-a")
    assert error.kind is FailureKind.HOST_KEY_CHANGED
    assert "HOST KEY CHANGED" in error.reason
    assert fingerprint(fake_nodes, "node-a") in error.reason and old not in error.reason
    assert "ssh-keygen -R" in error.reason
    assert error.problem.changed
    assert fake_nodes.commands == []


async def test_a_key_of_another_type_on_record_counts_as_changed(
    tmp_path: Path, handler: ScriptedHandler
) -> None:
    server = LocalSshServer(handler, ["node-a"])
    async with server:
        files = server.write_client_files(tmp_path)
        other = asyncssh.generate_private_key("ecdsa-sha2-nistp256").export_public_key()
        port = server.ports["node-a"]
        files.known_hosts.write_text(f"[127.0.0.1]:{port} {other.decode()}")
        error = await refusal(settings_for(files), "node-a")
    assert error.kind is FailureKind.HOST_KEY_CHANGED


async def test_a_config_that_disables_host_key_checking_is_refused(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(
        tmp_path, trusted=[], extra={"node-a": {"UserKnownHostsFile": "none"}}
    )
    async with SshCluster(["node-a"], settings_for(files)) as cluster:
        with pytest.raises(NodeUnreachable) as caught:
            await cluster.run("node-a", ["true"], timeout=5)
    assert caught.value.kind is FailureKind.CONFIG
    assert "never connects without checking host keys" in caught.value.reason


async def test_trust_records_the_key_then_the_node_works(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(tmp_path, trusted=["node-a"])
    settings = settings_for(files)
    offer = await fetch_host_key("node-b", settings)
    assert offer.status is TrustStatus.NEW
    assert offer.fingerprint == fingerprint(fake_nodes, "node-b")
    assert offer.known_hosts_file == files.known_hosts
    assert offer.known_hosts_name == f"[127.0.0.1]:{fake_nodes.ports['node-b']}"
    add_to_known_hosts(offer)
    async with SshCluster(["node-a", "node-b"], settings) as cluster:
        assert (await cluster.run("node-b", ["true"], timeout=5)).ok
        assert (await cluster.run("node-a", ["true"], timeout=5)).ok
    assert (await fetch_host_key("node-b", settings)).status is TrustStatus.ALREADY_TRUSTED


async def test_trust_uses_the_host_key_alias_as_name(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(
        tmp_path, trusted=[], extra={"node-a": {"HostKeyAlias": "node-a.cluster"}}
    )
    settings = settings_for(files)
    offer = await fetch_host_key("node-a", settings)
    assert offer.known_hosts_name == f"[node-a.cluster]:{fake_nodes.ports['node-a']}"
    add_to_known_hosts(offer)
    async with SshCluster(["node-a"], settings) as cluster:
        assert (await cluster.run("node-a", ["true"], timeout=5)).ok


async def test_trust_goes_to_the_default_known_hosts_without_a_config_entry(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    """No UserKnownHostsFile: ~/.ssh/known_hosts, as OpenSSH (HOME is a tmp dir in tests)."""
    files = fake_nodes.write_client_files(tmp_path)
    config = files.config.read_text().replace(f"    UserKnownHostsFile {files.known_hosts}\n", "")
    files.config.write_text(config)
    settings = settings_for(files)
    offer = await fetch_host_key("node-a", settings)
    assert offer.known_hosts_file == Path.home() / ".ssh" / "known_hosts"
    add_to_known_hosts(offer)
    assert oct(offer.known_hosts_file.stat().st_mode & 0o777) == "0o600"
    async with SshCluster(["node-a"], settings) as cluster:
        assert (await cluster.run("node-a", ["true"], timeout=5)).ok


async def test_trust_refuses_to_replace_a_different_recorded_key(
    settings: SshSettings, fake_nodes: LocalSshServer
) -> None:
    fake_nodes.set_host_key("node-a", asyncssh.generate_private_key("ssh-ed25519"))
    await fake_nodes.stop_node("node-a")
    await fake_nodes.start_node("node-a")
    said: list[str] = []
    status = await trust_host("node-a", settings, confirm=lambda _q: True, say=said.append)
    offer = await fetch_host_key("node-a", settings)
    assert status == 2 and offer.status is TrustStatus.CONFLICT
    assert "DIFFERENT key" in "\n".join(said)
    with pytest.raises(ValueError):
        add_to_known_hosts(offer)


async def test_declining_writes_nothing(tmp_path: Path, fake_nodes: LocalSshServer) -> None:
    files = fake_nodes.write_client_files(tmp_path, trusted=[])
    said: list[str] = []
    status = await trust_host(
        "node-a", settings_for(files), confirm=lambda _q: False, say=said.append
    )
    assert status == 1 and files.known_hosts.read_text() == ""
    assert fingerprint(fake_nodes, "node-a") in said[0]


async def test_an_unreachable_host_cannot_be_trusted(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(tmp_path, trusted=[])
    await fake_nodes.stop_node("node-c")
    said: list[str] = []
    status = await trust_host(
        "node-c", settings_for(files), confirm=lambda _q: True, say=said.append
    )
    assert status == 2 and "connection refused" in said[0]


async def test_a_key_trusted_while_running_is_used_at_the_next_attempt(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    """known_hosts is cached between connections, but never past a change of the file."""
    files = fake_nodes.write_client_files(tmp_path, trusted=["node-a"])
    settings = settings_for(files)
    async with SshCluster(["node-a", "node-b"], settings) as cluster:
        assert (await cluster.run("node-a", ["true"], timeout=5)).ok
        with pytest.raises(HostKeyRefused):
            await cluster.run("node-b", ["true"], timeout=5)
        add_to_known_hosts(await fetch_host_key("node-b", settings))
        await cluster.session("node-b").connect(force=True)
        assert (await cluster.run("node-b", ["true"], timeout=5)).ok


async def test_a_missing_known_hosts_file_means_unknown_keys_not_a_broken_config(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(tmp_path)
    files.known_hosts.unlink()
    error = await refusal(settings_for(files), "node-a")
    assert error.kind is FailureKind.HOST_KEY_UNKNOWN
    assert str(files.known_hosts) in error.reason
