"""The per-connection side of `local_server`: sessions, batches, streams and jump forwarding.

Kept apart from `local_server.py` (which manages nodes, ports and client files) so each stays
short. Nothing here is imported by the client side.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, cast

from console.transport.sshlib import asyncssh

from console.transport.argv import unwrap_remote_command
from console.transport.batch import Batch, parse_batch_script

Resolver = Callable[[str, int], "int | None"]


class DropConnection(Exception):
    """Raised by a handler: the fake node cuts the connection mid-command (no exit status).

    With a `reason`, it says goodbye first (an SSH DISCONNECT carrying that text, which a
    hostile server may fill with anything); without, the connection is simply gone.
    """

    def __init__(self, *args: object, reason: str | None = None) -> None:
        super().__init__(*args)
        self.reason = reason


@dataclass
class FakeSessionContext:
    """What every connection of every fake node shares."""

    handler: Any
    max_sessions: int
    resolve: Resolver
    commands: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    peak_sessions: int = 0


class FakeNodeServer(asyncssh.SSHServer):
    """One client connection to one fake node (asyncssh makes one instance per connection)."""

    def __init__(
        self,
        node: str,
        context: FakeSessionContext,
        registry: set[asyncssh.SSHServerConnection],
        frozen: Callable[[], bool] = lambda: False,
    ) -> None:
        self._node = node
        self._context = context
        self._registry = registry
        self._frozen = frozen
        self._conn: asyncssh.SSHServerConnection | None = None
        self._open_sessions = 0

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._registry.add(conn)
        if self._frozen():
            # Paused after asyncio's own start of reading, which is queued behind this call:
            # Debian 12's Python 3.11.2 starts reading even when paused here (3.11.7 does not).
            asyncio.get_running_loop().call_soon(pause_connection, conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._registry.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True  # always authenticate: by the one authorized client key

    def session_requested(self) -> Any:
        """Accept a session unless MaxSessions are open (then the client sees "open failed")."""
        if self._open_sessions >= self._context.max_sessions:
            return False
        self._open_sessions += 1
        self._context.peak_sessions = max(self._context.peak_sessions, self._open_sessions)
        return self._serve

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> Any:
        """direct-tcpip (a client using this node as jump host): only to other fake nodes."""
        port = self._context.resolve(dest_host, dest_port)
        if port is None:
            raise asyncssh.ChannelOpenError(
                asyncssh.OPEN_CONNECT_FAILED, f"{dest_host}:{dest_port}: connection refused"
            )

        async def forward(
            reader: asyncssh.SSHReader[bytes], writer: asyncssh.SSHWriter[bytes]
        ) -> None:
            await _forward(port, reader, writer)

        return forward

    async def _serve(
        self,
        stdin: asyncssh.SSHReader[bytes],
        stdout: asyncssh.SSHWriter[bytes],
        stderr: asyncssh.SSHWriter[bytes],
    ) -> None:
        try:
            await self._serve_until_closed(stdin, stdout, stderr)
        finally:
            self._open_sessions -= 1

    async def _serve_until_closed(
        self,
        stdin: asyncssh.SSHReader[bytes],
        stdout: asyncssh.SSHWriter[bytes],
        stderr: asyncssh.SSHWriter[bytes],
    ) -> None:
        channel = cast(asyncssh.SSHServerChannel[bytes], stdout.channel)
        try:
            argv = unwrap_remote_command(channel.get_command() or "")
        except ValueError as error:
            stderr.write(f"sh: {error}\n".encode())
            channel.exit(2)
            return
        work = asyncio.create_task(self._answer(argv, stdin, stdout, stderr))
        closed = asyncio.create_task(channel.wait_closed())
        await asyncio.wait({work, closed}, return_when=asyncio.FIRST_COMPLETED)
        closed.cancel()
        if not work.done():  # the client closed the channel first: stop the command
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work
            return
        try:
            status = work.result()
        except DropConnection as drop:
            if self._conn is not None and drop.reason is not None:
                self._conn.disconnect(asyncssh.DISC_SERVICE_NOT_AVAILABLE, drop.reason)
            elif self._conn is not None:
                self._conn.abort()
            return
        channel.exit(min(max(status, 0), 255))

    async def _answer(
        self,
        argv: list[str],
        stdin: asyncssh.SSHReader[bytes],
        stdout: asyncssh.SSHWriter[bytes],
        stderr: asyncssh.SSHWriter[bytes],
    ) -> int:
        stream = getattr(self._context.handler, "stream", None)
        chunks = stream(self._node, argv) if stream is not None else None
        if chunks is not None:
            self._context.commands.append((self._node, tuple(argv)))
            return await _pump(chunks, stdout)
        batch = parse_batch_script(argv[2]) if argv[:2] == ["sh", "-c"] and len(argv) == 3 else None
        if batch is not None:
            return await self._answer_batch(batch, stdout, stderr)
        data = await stdin.read()
        status, out, err = await self._handle(argv, data)
        stdout.write(out)
        stderr.write(err)
        return status

    async def _answer_batch(
        self, batch: Batch, stdout: asyncssh.SSHWriter[bytes], stderr: asyncssh.SSHWriter[bytes]
    ) -> int:
        """Answer each command of a hacon batch, framed exactly as `sh` would frame it."""
        for argv in batch.commands:
            status, out, err = await self._handle(list(argv), b"")
            stdout.write(out + b"\n" + batch.marker + f" {min(max(status, 0), 255)}\n".encode())
            stderr.write(err + b"\n" + batch.marker + b"\n")
        return 0

    async def _handle(self, argv: list[str], data: bytes) -> tuple[int, bytes, bytes]:
        self._context.commands.append((self._node, tuple(argv)))
        status, out, err = await self._context.handler.handle(self._node, argv, data)
        return int(status), bytes(out), bytes(err)


def pause_connection(conn: asyncssh.SSHServerConnection) -> None:
    """Stop reading from the client: the fake node goes silent without closing anything.

    Reaches asyncssh's transport attribute (not public API); used only by fakes.
    """
    transport = getattr(conn, "_transport", None)
    if transport is not None:
        transport.pause_reading()


def resume_connection(conn: asyncssh.SSHServerConnection) -> None:
    """Undo `pause_connection`."""
    transport = getattr(conn, "_transport", None)
    if transport is not None and not transport.is_closing():
        transport.resume_reading()


async def _pump(chunks: AsyncIterator[bytes], stdout: asyncssh.SSHWriter[bytes]) -> int:
    """Write a stream's chunks as they come; close the iterator however this ends."""
    try:
        async for chunk in chunks:
            stdout.write(chunk)
            await stdout.drain()
    finally:
        aclose = getattr(chunks, "aclose", None)
        if aclose is not None:
            await aclose()
    return 0


async def _forward(
    port: int, reader: asyncssh.SSHReader[bytes], writer: asyncssh.SSHWriter[bytes]
) -> None:
    """Pipe a jump-host channel to a fake node's loopback port, both ways, until either ends."""
    try:
        tcp_reader, tcp_writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        writer.close()
        return

    async def ssh_to_tcp() -> None:
        while data := await reader.read(65536):
            tcp_writer.write(data)
            await tcp_writer.drain()
        tcp_writer.close()

    async def tcp_to_ssh() -> None:
        while data := await tcp_reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

    pumps = [asyncio.create_task(ssh_to_tcp()), asyncio.create_task(tcp_to_ssh())]
    with contextlib.suppress(OSError, asyncssh.Error):
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
    for pump in pumps:
        pump.cancel()
    writer.close()
    tcp_writer.close()
