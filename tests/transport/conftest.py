"""Fake nodes over real SSH on loopback (console.transport.local_server), for transport tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from console.transport.local_server import ClientFiles, LocalSshServer
from console.transport.ssh_config import SshSettings
from tests.transport.helpers import NODES, ScriptedHandler, settings_for


@pytest.fixture
def handler() -> ScriptedHandler:
    return ScriptedHandler()


@pytest.fixture
async def fake_nodes(handler: ScriptedHandler) -> AsyncIterator[LocalSshServer]:
    server = LocalSshServer(handler, NODES)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def client_files(tmp_path: Path, fake_nodes: LocalSshServer) -> ClientFiles:
    return fake_nodes.write_client_files(tmp_path / "ssh")


@pytest.fixture
def settings(client_files: ClientFiles) -> SshSettings:
    return settings_for(client_files)
