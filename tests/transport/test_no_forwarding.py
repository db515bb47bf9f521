"""hacon's sessions never carry the operator's ssh-agent or X11 to a node.

`ForwardAgent yes` in ~/.ssh/config is the operator's choice for interactive ssh; a monitoring
console that polls every node every few seconds must never hand each of them the agent (root on
any node could then log in anywhere as the operator). The fake node records every request for
agent or X11 forwarding it receives.
"""

from __future__ import annotations

from pathlib import Path

import asyncssh
import pytest

from console.transport.local_server import LocalSshServer
from console.transport.poller import ClusterPoller, PollSettings
from console.transport.ssh import SshCluster
from tests.transport.helpers import settings_for

FORWARDING = {"ForwardAgent": "yes", "IdentityAgent": "{agent}", "ForwardX11": "yes",
              "ForwardX11Trusted": "yes"}


@pytest.fixture
def forwarding_requests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the fake nodes were asked to forward (the server side of every connection)."""
    requests: list[str] = []

    async def agent(self: asyncssh.SSHServerConnection) -> bool:
        requests.append("agent")
        return False

    async def x11(self: asyncssh.SSHServerConnection, *args: object) -> None:
        requests.append("x11")

    monkeypatch.setattr(asyncssh.SSHServerConnection, "create_agent_listener", agent)
    monkeypatch.setattr(asyncssh.SSHServerConnection, "attach_x11_listener", x11)
    return requests


async def test_no_poll_session_requests_agent_or_x11_forwarding_whatever_the_config_says(
        tmp_path: Path, fake_nodes: LocalSshServer, forwarding_requests: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    agent_socket = tmp_path / "agent.sock"
    agent_socket.touch()
    monkeypatch.setenv("DISPLAY", "127.0.0.1:0")
    extra = {name: {key: value.format(agent=agent_socket) for key, value in FORWARDING.items()}
             for name in ("node-a", "node-b")}
    files = fake_nodes.write_client_files(tmp_path / "ssh", extra=extra)
    settings = settings_for(files, use_agent=True)
    async with SshCluster(["node-a", "node-b"], settings) as cluster:
        await cluster.run("node-a", ["true"], timeout=5)
        poll = PollSettings(push=False, command_timeout=5.0, first_snapshot_wait=10.0)
        async with ClusterPoller(cluster, ["node-a", "node-b"], poll) as poller:
            await poller.next_snapshot()
    assert len(fake_nodes.commands) > 2
    assert forwarding_requests == []
