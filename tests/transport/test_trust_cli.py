"""`hacon trust HOST` as an operator runs it: a real process, the answer piped on stdin."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from console.transport.local_server import LocalSshServer
from console.transport.ssh import SshCluster
from tests.transport.helpers import settings_for


async def hacon(*args: str, answer: str = "") -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "console",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(answer.encode()), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_confirmed_trust_shows_the_fingerprint_and_then_the_node_works(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(tmp_path, trusted=[])
    status, out, err = await hacon(
        "trust", "node-a", "--ssh-config", str(files.config), answer="y\n"
    )
    assert (status, err) == (0, "")
    assert fake_nodes.host_key("node-a").get_fingerprint("sha256") in out
    assert f"Add it to {files.known_hosts}" in out
    async with SshCluster(["node-a"], settings_for(files)) as cluster:
        assert (await cluster.run("node-a", ["true"], timeout=5)).ok


async def test_anything_but_yes_writes_nothing(tmp_path: Path, fake_nodes: LocalSshServer) -> None:
    files = fake_nodes.write_client_files(tmp_path, trusted=[])
    for answer in ("n\n", "", "maybe\n"):
        status, out, _ = await hacon(
            "trust", "node-a", "--ssh-config", str(files.config), answer=answer
        )
        assert status == 1 and "Not trusted" in out
    assert files.known_hosts.read_text() == ""


async def test_yes_through_a_jump_host_for_a_hidden_node(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(tmp_path, hidden=["node-b"], trusted=["node-a"])
    status, out, _ = await hacon(
        "trust", "node-b", "--ssh-config", str(files.config), "-J", "node-a", "--yes"
    )
    assert status == 0, out
    assert files.known_hosts.read_text().splitlines()[-1].startswith("node-b ssh-ed25519 ")
    async with SshCluster(["node-b"], settings_for(files, jump="node-a")) as cluster:
        assert (await cluster.run("node-b", ["true"], timeout=5)).ok


async def test_an_unreachable_host_exits_2_with_the_reason(
    tmp_path: Path, fake_nodes: LocalSshServer
) -> None:
    files = fake_nodes.write_client_files(tmp_path, trusted=[])
    await fake_nodes.stop_node("node-c")
    status, out, err = await hacon("trust", "node-c", "--ssh-config", str(files.config), "--yes")
    assert status == 2 and out == ""
    assert err.startswith("hacon: cannot get the host key: node-c") and err.count("\n") == 1
    assert "connection refused" in err


async def test_a_malformed_jump_is_a_one_line_error() -> None:
    status, _, err = await hacon("trust", "node-a", "-J", "host:port")
    assert status == 2 and err.startswith("hacon: ") and err.count("\n") == 1
