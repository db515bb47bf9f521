"""Lines from a long-running remote command (the crm_mon event feed), closed by closing its channel.

OpenSSH ignores the SSH "signal" request (seen with OpenSSH 9.2: the process kept running), so
the only reliable stop is to close the channel; `LineStream` does that when its `async with`
block ends, and releases the session slot it held.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Self

from console.transport.sshlib import asyncssh

from console.transport.argv import remote_command
from console.transport.base import Argv, FailureKind, NodeUnreachable, OutputTooLarge
from console.transport.budget import READ_CHUNK
from console.transport.ssh_errors import classify

if TYPE_CHECKING:
    from console.transport.ssh import NodeSession


class LineStream:
    """Async iterator of output lines (bytes, with their newline) of one remote command.

    Iteration ends when the command exits (then `exit_status` is set); a connection dropped
    mid-stream raises `NodeUnreachable` (kind DROPPED) instead of ending quietly, so a silent
    feed is never mistaken for a quiet cluster.
    """

    def __init__(
        self, session: NodeSession, argv: Sequence[str], *, max_lifetime: float | None
    ) -> None:
        self.node = session.node
        self.argv: Argv = tuple(argv)
        self._session = session
        self._command = remote_command(argv, kill_after=max_lifetime)
        self._process: asyncssh.SSHClientProcess[bytes] | None = None
        self._holds_slot = False
        self.exit_status: int | None = None
        self._pending = bytearray()
        self._limit = session.max_output_bytes

    async def open(self) -> Self:
        """Connect if needed, take a session slot, start the command.

        The command's stdin stays open (nothing is sent) until the stream is closed: a remote
        watcher can wait for EOF there to end itself when hacon goes away.

        Raises:
            NodeUnreachable: no connection, or the node refused the session.
        """
        conn = await self._session.connect()
        await self._session.sessions.acquire()
        self._holds_slot = True
        try:
            self._process = await conn.create_process(self._command, encoding=None)
        except (OSError, asyncssh.Error) as error:
            self._release()
            raise classify(self.node, error, connect_timeout=None) from error
        return self

    def __aiter__(self) -> LineStream:
        return self

    async def __anext__(self) -> bytes:
        if self._process is None:
            raise RuntimeError("LineStream used before open() / async with")
        try:
            line = await self._next_line(self._process.stdout)
        except (OSError, asyncssh.Error) as error:
            raise classify(self.node, error, connect_timeout=None) from error
        if line:
            return line
        await self._process.wait_closed()
        self.exit_status = self._process.returncode
        if self.exit_status is None:
            raise NodeUnreachable(
                self.node, "connection dropped while streaming", FailureKind.DROPPED
            )
        raise StopAsyncIteration

    async def _next_line(self, reader: asyncssh.SSHReader[bytes]) -> bytes:
        """The next line (with its newline; the last one may lack it), b"" at the end.

        Read in chunks rather than with `readline()`, which would buffer a line without end:
        a line longer than `max_output_bytes` ends the stream with `OutputTooLarge`.
        """
        while (end := self._pending.find(b"\n")) < 0:
            if len(self._pending) > self._limit:
                raise OutputTooLarge(self.node, self.argv, self._limit)
            chunk = await reader.read(READ_CHUNK)
            if not chunk:
                line, self._pending = bytes(self._pending), bytearray()
                return line
            self._pending += chunk
        line = bytes(self._pending[:end + 1])
        del self._pending[:end + 1]
        return line

    async def close(self) -> None:
        """Close the channel (this is what stops the remote command) and free the slot."""
        process, self._process = self._process, None
        if process is not None:
            process.close()
            try:
                await asyncio.wait_for(process.wait_closed(), timeout=5)
            except (TimeoutError, OSError, asyncssh.Error):
                pass  # the connection is gone anyway; the slot is what matters
        self._release()

    def _release(self) -> None:
        if self._holds_slot:
            self._holds_slot = False
            self._session.sessions.release()

    async def __aenter__(self) -> Self:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
