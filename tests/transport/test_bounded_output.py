"""Remote output is read with a byte cap: a node that sends too much ends its command, not hacon.

0.1 collected a command's whole output in memory (600 MB of stdout took the process to 1.3 GB).
The cap is far above the largest real CIB (64 MiB by default); here a test cap keeps it light.
"""

from __future__ import annotations

import pytest

from console.transport.base import NodeUnreachable, OutputTooLarge
from console.transport.local_server import ClientFiles
from console.transport.ssh import SshCluster
from console.transport.ssh_config import MAX_OUTPUT_BYTES
from tests.transport.helpers import Answer, ScriptedHandler, settings_for

CAP = 1 << 20


def test_the_default_cap_is_far_above_a_big_cib() -> None:
    assert MAX_OUTPUT_BYTES >= 64 << 20


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
async def test_more_output_than_the_cap_aborts_the_command_with_a_reason(
        stream: str, handler: ScriptedHandler, client_files: ClientFiles) -> None:
    async def flood(node: str, argv: list[str], stdin: bytes) -> Answer:
        huge = b"x" * (4 * CAP)
        return (0, huge, b"") if stream == "stdout" else (0, b"", huge)

    handler.on("cibadmin", flood)
    settings = settings_for(client_files, max_output_bytes=CAP)
    async with SshCluster(["node-a"], settings) as cluster:
        with pytest.raises(OutputTooLarge) as raised:
            await cluster.run("node-a", ["cibadmin", "-Q"], timeout=10)
        assert isinstance(raised.value, NodeUnreachable)
        assert "more than 1 MiB" in raised.value.reason and "cibadmin" in raised.value.reason
        after = await cluster.run("node-a", ["echo", "still", "here"], timeout=5)
    assert after.ok and b"still here" in after.stdout


async def test_output_under_the_cap_comes_back_whole(
        handler: ScriptedHandler, client_files: ClientFiles) -> None:
    body = bytes(range(256)) * (CAP // 512)

    async def big(node: str, argv: list[str], stdin: bytes) -> Answer:
        return 3, body, b"err\n"

    handler.on("cibadmin", big)
    async with SshCluster(["node-a"], settings_for(client_files, max_output_bytes=CAP)) as cluster:
        result = await cluster.run("node-a", ["cibadmin", "-Q"], timeout=10)
    assert (result.exit_status, result.stdout, result.stderr) == (3, body, b"err\n")


async def test_a_streamed_line_longer_than_the_cap_ends_the_stream_with_a_reason(
        handler: ScriptedHandler, client_files: ClientFiles) -> None:
    async def endless_line(node: str):  # type: ignore[no-untyped-def]
        yield b"first line\n"
        for _ in range(8):
            yield b"y" * (CAP // 2)

    handler.feeds["crm_mon"] = endless_line
    async with SshCluster(["node-a"], settings_for(client_files, max_output_bytes=CAP)) as cluster:
        lines = []
        with pytest.raises(OutputTooLarge):
            async with cluster.session("node-a").stream(["crm_mon", "--watch"]) as stream:
                async for line in stream:
                    lines.append(line)
    assert lines == [b"first line\n"]
