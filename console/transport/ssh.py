"""One long-lived SSH connection per node, and a cluster of them behind `CommandRunner`.

`NodeSession` opens its connection lazily (or eagerly with `connect()`), keeps it alive with SSH
keepalives, caps concurrent sessions on it (sshd refuses the 11th by default), and reconnects
with exponential backoff plus jitter: while a node is down, calls fail fast with the last reason
instead of each waiting for a connect timeout. Its `state` is what the UI shows.

`SshCluster` holds one `NodeSession` per node, plus the shared `-J` jump chain, and is the
`CommandRunner` the poller and the executor use.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Self

from console.transport.sshlib import asyncssh

from console.transport.argv import remote_command
from console.transport.base import (
    CommandResult,
    CommandTimedOut,
    Connected,
    Connecting,
    ConnectionState,
    FailureKind,
    Idle,
    NodeUnreachable,
    OutputTooLarge,
    Unreachable,
)
from console.transport.budget import READ_CHUNK, OutputBudget
from console.transport.connector import (
    JumpChain,
    close_connection,
    onward_failure,
    open_connection,
    retune_keepalive,
)
from console.transport.ssh_config import (
    CONSOLE_KEEPALIVE,
    OVERVIEW_KEEPALIVE,
    Keepalive,
    SshSettings,
)
from console.transport.ssh_errors import classify
from console.transport.stream import LineStream

StateListener = Callable[[str, ConnectionState], None]


class NodeSession:
    """The SSH connection to one node.

    Args:
        node: the name to connect to: an ssh config Host alias or a host name.
        settings: connection settings shared by the cluster.
        jump: the `-J` chain to tunnel through, if any.
        clock / rng: injectable wall clock and random source (backoff jitter).
    """

    def __init__(
        self,
        node: str,
        settings: SshSettings,
        *,
        jump: JumpChain | None = None,
        clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.node = node
        self._settings = settings
        self._jump = jump
        self._clock = clock
        self._rng = rng
        self._conn: asyncssh.SSHClientConnection | None = None
        self._connect_lock = asyncio.Lock()
        self.sessions = asyncio.Semaphore(settings.max_sessions)
        self._state: ConnectionState = Idle()
        self._failures = 0
        self._closing = False
        self._generation = 0
        self._listeners: list[StateListener] = []
        self._keepalive: Keepalive | None = None

    @property
    def state(self) -> ConnectionState:
        """Idle, Connecting, Connected or Unreachable (with reason, since and next retry)."""
        return self._state

    @property
    def max_output_bytes(self) -> int:
        """The most output hacon reads from one command (or one streamed line)."""
        return self._settings.max_output_bytes

    def add_state_listener(self, listener: StateListener) -> None:
        """Call `listener(node, state)` on every state change (from the event loop)."""
        self._listeners.append(listener)

    def _set_state(self, state: ConnectionState) -> None:
        self._state = state
        for listener in self._listeners:
            listener(self.node, state)

    async def connect(self, *, force: bool = False) -> asyncssh.SSHClientConnection:
        """The open connection, opening it if needed.

        While the node is in backoff, raises at once with the last reason (and when the next
        attempt may start) unless `force` (e.g. the operator pressed refresh).

        Raises:
            NodeUnreachable: connection failed, host key refused, or still backing off.
        """
        async with self._connect_lock:
            if self._conn is not None:
                return self._conn
            refusal = None if force else self._backing_off()
            if refusal is not None:
                raise refusal
            self._closing = False
            self._set_state(Connecting(self._failures + 1))
            try:
                conn = await self._open()
            except NodeUnreachable as failure:
                self._record_failure(failure)
                raise
            except asyncio.CancelledError:
                self._set_state(Idle())  # the caller gave up; nothing is known about the node
                raise
            self._conn = conn
            self._failures = 0
            self._set_state(Connected(self._clock()))
            return conn

    def _backing_off(self) -> NodeUnreachable | None:
        """The last failure again, while the next attempt is not yet due."""
        state, now = self._state, self._clock()
        if not isinstance(state, Unreachable) or state.retry_at is None or now >= state.retry_at:
            return None
        wait = state.retry_at - now
        return NodeUnreachable(self.node, f"{state.reason} (next try in {wait:.0f} s)", state.kind)

    async def _open(self) -> asyncssh.SSHClientConnection:
        tunnel: object = ()
        if self._jump is not None:
            tunnel = await self._jump.connection()
        self._generation += 1
        generation = self._generation
        try:
            return await open_connection(
                self.node,
                self._settings,
                tunnel=tunnel,
                on_lost=lambda exc: self._connection_lost(generation, exc),
                keepalive=self._keepalive,
            )
        except NodeUnreachable as failure:
            if self._jump is None:
                raise
            via = str(self._jump.hops[-1])
            raise onward_failure(self.node, failure, via) from failure

    def _record_failure(self, failure: NodeUnreachable) -> None:
        self._failures += 1
        now = self._clock()
        previous = self._state
        since = previous.since if isinstance(previous, Unreachable) else now
        retry_at = now + self.backoff_delay(self._failures)
        self._set_state(Unreachable(failure.reason, since, failure.kind, retry_at))

    def set_keepalive(self, keepalive: Keepalive) -> None:
        """hacon's keepalive from now on, on the open connection too (a keepalive chosen by
        the settings or the ssh config is kept)."""
        self._keepalive = keepalive
        if self._conn is not None:
            retune_keepalive(self._conn, keepalive)

    def backoff_delay(self, failures: int) -> float:
        """Seconds before attempt `failures + 1`: doubling from backoff_initial, capped at
        backoff_max, then scaled by a random factor in [0.5, 1) so nodes do not retry in step."""
        settings = self._settings
        exponent = min(failures - 1, 30)
        delay = min(settings.backoff_max, settings.backoff_initial * 2**exponent)
        return float(delay * (0.5 + self._rng() / 2))

    def _connection_lost(self, generation: int, exc: Exception | None) -> None:
        """asyncssh says the connection ended: keepalive expiry, peer closed it, or close()."""
        if generation != self._generation or self._conn is None:
            return  # an older connection already replaced, or one that never opened
        self._conn = None
        if self._closing:
            return
        reason = f"connection lost: {exc}" if exc else "connection closed by the node"
        # Retry at once: the first reconnect after a drop is not a repeated failure.
        now = self._clock()
        self._set_state(Unreachable(reason, now, FailureKind.DROPPED, now))

    async def run(
        self, argv: Sequence[str], *, timeout: float, input: bytes | None = None
    ) -> CommandResult:
        """Run `argv` (with LC_ALL=C) in one SSH session; `timeout` covers queueing for a
        session slot plus the command itself, not connecting (see connect_timeout).

        The node also ends the command itself shortly after `timeout` (coreutils `timeout`),
        so an abandoned command never lingers there.

        Raises:
            CommandTimedOut: not finished in time; the channel was closed, its slot freed.
            OutputTooLarge: more output than `settings.max_output_bytes`; likewise ended.
            NodeUnreachable: no connection, or it dropped before the command's exit status.
        """
        conn = await self.connect()
        command = remote_command(argv, kill_after=timeout + 1)
        budget = OutputBudget(self._settings.max_output_bytes)
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout):
                async with self.sessions:
                    status, out, err = await _exchange(conn, command, input, budget)
        except OutputBudget.Exceeded:
            raise OutputTooLarge(self.node, argv, budget.limit) from None
        except TimeoutError:
            raise CommandTimedOut(self.node, argv, timeout) from None
        except (OSError, asyncssh.Error) as error:
            raise self._session_failure(conn, error) from error
        if status is None:
            raise NodeUnreachable(self.node, self._drop_reason(), FailureKind.DROPPED)
        return CommandResult(self.node, tuple(argv), status, out, err, time.monotonic() - started)

    def _drop_reason(self) -> str:
        """Why a command got no exit status: the connection's end, when asyncssh said why
        (a server's DISCONNECT reason), else that it dropped."""
        state = self._state
        if self._conn is None and isinstance(state, Unreachable):
            return f"{state.reason} before the command finished"
        return "connection dropped before the command finished"

    def _session_failure(
        self, conn: asyncssh.SSHClientConnection, error: BaseException
    ) -> NodeUnreachable:
        if self._conn is not conn:  # the connection ended under the command
            return NodeUnreachable(self.node, f"connection lost: {error}", FailureKind.DROPPED)
        if isinstance(error, asyncssh.ChannelOpenError):
            return NodeUnreachable(
                self.node, f"the node refused a new session: {error.reason}", FailureKind.PROTOCOL
            )
        return classify(self.node, error, connect_timeout=None)

    def stream(self, argv: Sequence[str], *, max_lifetime: float | None = None) -> LineStream:
        """Lines of a long-running command, e.g. `argv.crm_mon_events()`.

        Use as `async with session.stream(argv) as lines: async for line in lines: ...`;
        leaving the block closes the channel (OpenSSH ignores the terminate signal). With
        `max_lifetime`, the node ends the command after that many seconds, so a stream the
        console abandoned (killed laptop) cannot outlive it by much; reopen to continue.
        """
        return LineStream(self, argv, max_lifetime=max_lifetime)

    async def close(self) -> None:
        """Close the connection; the state goes back to Idle."""
        self._closing = True
        conn, self._conn = self._conn, None
        if conn is not None:
            await close_connection(conn)
        self._failures = 0
        self._set_state(Idle())


async def _exchange(
    conn: asyncssh.SSHClientConnection, command: str, input: bytes | None,
    budget: OutputBudget,
) -> tuple[int | None, bytes, bytes]:
    """One session: send input then EOF (a command reading stdin never waits), then read both
    outputs as they come, within `budget` (closing the channel past it ends the command)."""
    process = await conn.create_process(command, encoding=None)
    try:
        if input:
            process.stdin.write(input)
        process.stdin.write_eof()
        # Both at once: the channel's flow control is shared, so an unread stderr would stall
        # stdout. Past the budget the other reader is cancelled and the channel closed.
        readers = [asyncio.ensure_future(_read_all(stream, budget))
                   for stream in (process.stdout, process.stderr)]
        try:
            out, err = await asyncio.gather(*readers)
        finally:
            for reader in readers:
                reader.cancel()
        await process.wait_closed()
    finally:
        process.close()
    return process.returncode, out, err


async def _read_all(reader: asyncssh.SSHReader[bytes], budget: OutputBudget) -> bytes:
    chunks = []
    while chunk := await reader.read(READ_CHUNK):
        budget.spend(len(chunk))
        chunks.append(chunk)
    return b"".join(chunks)


class SshCluster:
    """Every node's `NodeSession`, sharing settings and the `-J` chain; a `CommandRunner`.

    Use as an async context manager (closes all connections on exit). Sessions for names not
    given at construction are created on first use.
    """

    def __init__(self, nodes: Iterable[str], settings: SshSettings | None = None) -> None:
        self.settings = settings or SshSettings()
        self._jump = JumpChain(self.settings.jump, self.settings) if self.settings.jump else None
        self._sessions: dict[str, NodeSession] = {}
        self._listeners: list[StateListener] = []
        self._keepalive: Keepalive | None = None
        for node in nodes:
            self.session(node)

    @property
    def nodes(self) -> list[str]:
        """Node names in the order given."""
        return list(self._sessions)

    def session(self, node: str) -> NodeSession:
        """The session for `node`, created (not connected) on first use."""
        if node not in self._sessions:
            session = NodeSession(node, self.settings, jump=self._jump)
            for listener in self._listeners:
                session.add_state_listener(listener)
            if self._keepalive is not None:
                session.set_keepalive(self._keepalive)
            self._sessions[node] = session
        return self._sessions[node]

    def add_state_listener(self, listener: StateListener) -> None:
        """Call `listener(node, state)` on every node's state change, sessions created later
        included (e.g. the UI's "node-b: unreachable (connection refused)" line)."""
        self._listeners.append(listener)
        for session in self._sessions.values():
            session.add_state_listener(listener)

    def watch_closely(self, closely: bool) -> None:
        """Closely (a cluster's own console, the default): `CONSOLE_KEEPALIVE`, a silent node
        is lost within 4 s. Not (one row of the fleet overview): `OVERVIEW_KEEPALIVE`, within
        10 s for a fifth of the keepalive traffic. Applies to the open connections at once,
        jump hops included; a keepalive set in the ssh config or the settings always wins."""
        self._keepalive = CONSOLE_KEEPALIVE if closely else OVERVIEW_KEEPALIVE
        for session in self._sessions.values():
            session.set_keepalive(self._keepalive)
        if self._jump is not None:
            self._jump.set_keepalive(self._keepalive)

    def states(self) -> dict[str, ConnectionState]:
        """Each node's connection state, for the UI."""
        return {node: session.state for node, session in self._sessions.items()}

    async def connect_all(self, *, force: bool = False) -> dict[str, ConnectionState]:
        """Open every node's connection concurrently; failures are in the returned states."""
        await asyncio.gather(
            *(session.connect(force=force) for session in self._sessions.values()),
            return_exceptions=True,
        )
        return self.states()

    async def run(
        self, node: str, argv: Sequence[str], *, timeout: float, input: bytes | None = None
    ) -> CommandResult:
        """`CommandRunner.run`: see `NodeSession.run`."""
        return await self.session(node).run(argv, timeout=timeout, input=input)

    def stream(
        self, node: str, argv: Sequence[str], *, max_lifetime: float | None = None
    ) -> LineStream:
        """See `NodeSession.stream`."""
        return self.session(node).stream(argv, max_lifetime=max_lifetime)

    async def close(self) -> None:
        """Close every node connection, then the jump chain."""
        await asyncio.gather(*(session.close() for session in self._sessions.values()))
        if self._jump is not None:
            await self._jump.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
