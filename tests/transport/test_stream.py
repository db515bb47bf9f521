"""The push channel: lines as they come, stopped by closing the channel, drops not hidden."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from console.transport import argv as argvs
from console.transport.base import FailureKind, NodeUnreachable
from console.transport.local_server import ClientFiles, LocalSshServer
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings
from tests.transport.helpers import ScriptedHandler, settings_for


class Feed:
    """A crm_mon-like event feed the test drives line by line; records when it was stopped."""

    def __init__(self) -> None:
        self.lines: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.stopped = asyncio.Event()

    async def __call__(self, node: str) -> AsyncIterator[bytes]:
        try:
            while (line := await self.lines.get()) is not None:
                yield line
        finally:
            self.stopped.set()


@pytest.fixture
def feed(handler: ScriptedHandler) -> Feed:
    feed = Feed()
    handler.feeds["crm_mon"] = feed
    return feed


async def test_lines_arrive_as_produced_and_closing_stops_the_remote_command(
    settings: SshSettings, feed: Feed, fake_nodes: LocalSshServer
) -> None:
    async with SshCluster(["node-a"], settings) as cluster:
        async with cluster.stream("node-a", argvs.crm_mon_events()) as lines:
            await feed.lines.put(b"CRM_notify_rsc=vip\n")
            assert await anext(lines) == b"CRM_notify_rsc=vip\n"
            await feed.lines.put(b"CRM_notify_task=start\n")
            assert await anext(lines) == b"CRM_notify_task=start\n"
            assert not feed.stopped.is_set()
        await asyncio.wait_for(feed.stopped.wait(), 10)
    assert fake_nodes.commands == [("node-a", argvs.crm_mon_events())]


async def test_a_finished_stream_ends_iteration_with_its_exit_status(
    settings: SshSettings, feed: Feed
) -> None:
    async with SshCluster(["node-a"], settings) as cluster:
        async with cluster.stream("node-a", ["crm_mon"]) as lines:
            await feed.lines.put(b"one\n")
            await feed.lines.put(None)
            assert [line async for line in lines] == [b"one\n"]
        assert lines.exit_status == 0


async def test_a_dropped_connection_raises_instead_of_ending_quietly(
    settings: SshSettings, feed: Feed, fake_nodes: LocalSshServer
) -> None:
    cluster = SshCluster(["node-a"], settings)
    async with cluster, cluster.stream("node-a", ["crm_mon"]) as lines:
        await feed.lines.put(b"first\n")
        assert await anext(lines) == b"first\n"
        fake_nodes.drop_connections("node-a")
        with pytest.raises(NodeUnreachable) as caught:
            await anext(lines)
    assert caught.value.kind is FailureKind.DROPPED


async def test_a_closed_stream_gives_its_session_slot_back(
    client_files: ClientFiles, feed: Feed
) -> None:
    one_slot = settings_for(client_files, max_sessions=1)
    async with SshCluster(["node-a"], one_slot) as cluster:
        async with cluster.stream("node-a", ["crm_mon"]):
            pass
        result = await asyncio.wait_for(cluster.run("node-a", ["true"], timeout=5), 10)
    assert result.ok
