"""Helpers for transport tests: a scripted fake-node handler, test settings, polling waits."""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import AsyncIterator, Awaitable, Callable

from console.transport.local_server import ClientFiles
from console.transport.ssh_config import SshSettings

Answer = tuple[int, bytes, bytes]
Behaviour = Callable[[str, list[str], bytes], Awaitable[Answer]]
NODES = ["node-a", "node-b", "node-c"]


class ScriptedHandler:
    """Fake node behaviour: per command name an async behaviour, else an echo of the argv.

    The echo answers `node-a: <shlex.join(argv)>` plus whatever came on stdin, so a test sees
    exactly which words reached the node.
    """

    def __init__(self) -> None:
        self.behaviours: dict[str, Behaviour] = {}
        self.feeds: dict[str, Callable[[str], AsyncIterator[bytes]]] = {}

    def on(self, command: str, behaviour: Behaviour) -> None:
        self.behaviours[command] = behaviour

    async def handle(self, node: str, argv: list[str], stdin: bytes) -> Answer:
        behaviour = self.behaviours.get(argv[0] if argv else "")
        if behaviour is not None:
            return await behaviour(node, argv, stdin)
        return 0, f"{node}: {shlex.join(argv)}\n".encode() + stdin, b""

    def stream(self, node: str, argv: list[str]) -> AsyncIterator[bytes] | None:
        feed = self.feeds.get(argv[0] if argv else "")
        return feed(node) if feed is not None else None


def settings_for(files: ClientFiles, **overrides: object) -> SshSettings:
    """Test settings: only the written config, never a developer's agent, quick backoff."""
    values: dict[str, object] = {
        "config_files": (str(files.config),),
        "use_agent": False,
        "connect_timeout": 5.0,
        "backoff_initial": 0.05,
        "backoff_max": 0.2,
    }
    values.update(overrides)
    return SshSettings(**values)  # type: ignore[arg-type]


async def eventually(check: Callable[[], Awaitable[bool]], *, limit: float = 10.0) -> None:
    """Retry `check` until it is true; fail after a generous `limit` (not a timing assert)."""
    async with asyncio.timeout(limit):
        while not await check():
            await asyncio.sleep(0.02)
