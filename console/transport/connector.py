"""Opening one SSH connection, with host key checking and errors made readable; `-J` chains.

`open_connection` is the single place hacon calls `asyncssh.connect`: nodes, jump hops and
`hacon trust`'s follow-up all go through it, so every connection gets the same config handling,
the same refusal of unchecked host keys and the same one-line reasons.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from console.transport.sshlib import asyncssh

from console.transport.base import FailureKind, NodeUnreachable
from console.transport.ssh_config import (
    KNOWN_HOSTS,
    Keepalive,
    SshSettings,
    ciphers,
    client_options,
    keepalive_chosen,
    known_hosts_files,
    liveness,
    parse_jump,
)
from console.transport.ssh_errors import classify, diagnose_host_key

LostCallback = Callable[[Exception | None], None]
MAX_JUMP_DEPTH = 8
"""Config jumps through config jumps: deeper than this is a loop in the ssh config."""


class _WatchedClient(asyncssh.SSHClient):
    """Reports the end of a connection (keepalive expiry, peer closed it) to its owner, and
    remembers whether hacon may change the connection's keepalive (`retune_keepalive`)."""

    def __init__(self, on_lost: LostCallback | None, keepalive_tunable: bool) -> None:
        self._on_lost = on_lost
        self.keepalive_tunable = keepalive_tunable

    def connection_lost(self, exc: Exception | None) -> None:
        if self._on_lost is not None:
            self._on_lost(exc)


async def open_connection(
    name: str,
    settings: SshSettings,
    *,
    port: int | None = None,
    username: str | None = None,
    tunnel: object = (),
    on_lost: LostCallback | None = None,
    depth: int = 0,
    keepalive: Keepalive | None = None,
) -> asyncssh.SSHClientConnection:
    """Connect to `name` (an ssh config alias or a host name) the way OpenSSH would.

    Args:
        name: looked up in the ssh config (Host blocks); known_hosts checking always on.
        settings: config files, timeouts, agent use.
        port / username: explicit overrides (from a `-J user@host:port` hop).
        tunnel: an open `SSHClientConnection` to tunnel through (a `-J` chain), or `()` to let
            the config's ProxyJump decide (hacon opens those hops itself, see `configured_jump`).
        on_lost: called once when the connection ends, with the error if any.
        depth: how many config jumps led here (a ProxyJump loop in the config ends).
        keepalive: hacon's keepalive for it when neither `settings` nor the config choose one
            (None: the console's); see `retune_keepalive` for changing it later.

    Raises:
        NodeUnreachable: with a one-line reason; `HostKeyRefused` for unknown/changed keys.
    """
    jumps: list[JumpChain] = []  # the config's ProxyJump, when hacon opened one for `name`

    def lost(exc: Exception | None) -> None:
        for chain in jumps:
            chain.close_now()  # a config jump serves this one connection: it ends with it
        if on_lost is not None:
            on_lost(exc)

    try:
        return await _open(name, settings, port, username, tunnel, lost, depth, jumps,
                           keepalive)
    except BaseException:
        for chain in jumps:
            chain.close_now()
        raise


async def _open(
    name: str,
    settings: SshSettings,
    port: int | None,
    username: str | None,
    tunnel: object,
    lost: LostCallback,
    depth: int,
    jumps: list[JumpChain],
    keepalive: Keepalive | None,
) -> asyncssh.SSHClientConnection:
    timeout = settings.connect_timeout
    host = name
    tunable = False  # known once the config is read, before asyncssh calls the factory
    try:
        options = await client_options(
            name,
            settings,
            port=port,
            username=username,
            tunnel=tunnel,
            client_factory=lambda: _WatchedClient(lost, tunable),
        )
        timing = liveness(settings, options, keepalive)
        tunable = not keepalive_chosen(settings, options)
        timeout, host = timing["connect_timeout"], options.host
        chain = (configured_jump(name, options, settings, depth, keepalive)
                 if tunnel == () else None)
        if chain is not None:
            jumps.append(chain)
            tunnel = await chain.connection()
        return await _connect(name, options, tunnel, settings, timing)
    except NodeUnreachable:
        raise  # a config jump's failure, already one line naming the jump host
    except asyncssh.HostKeyNotVerifiable:
        raise await diagnose_host_key(name, options, settings, tunnel=tunnel) from None
    except asyncssh.KeyExchangeFailed as error:
        # known_hosts holds only key types the server no longer offers: a changed key too.
        if "host key" not in error.reason.lower():
            raise classify(name, error, connect_timeout=timeout, host=host) from error
        raise await diagnose_host_key(name, options, settings, tunnel=tunnel) from None
    except Exception as error:  # socket, SSH, config... and any surprise: a reason, not a crash
        raise classify(name, error, connect_timeout=timeout, host=host) from error


async def _connect(
    name: str,
    options: asyncssh.SSHClientConnectionOptions,
    tunnel: object,
    settings: SshSettings,
    timing: dict[str, Any],
) -> asyncssh.SSHClientConnection:
    # connect() re-applies its own keyword defaults over `options`: the tunnel, port and config
    # files must be passed again, or a `-J` tunnel would be dropped and a config ProxyJump
    # would open its jump connection without our config (so without its HostName/known_hosts).
    extra: dict[str, Any] = {
        "port": options.port,
        "config": list(settings.config_files) or (),
        "known_hosts": KNOWN_HOSTS.load(known_hosts_files(options)),
        **timing,
    }
    preferred = ciphers(options)
    if preferred is not None:
        extra["encryption_algs"] = preferred
    if tunnel != ():
        extra["tunnel"] = tunnel
    return await asyncssh.connect(name, options=options, **extra)


def configured_jump(name: str, options: asyncssh.SSHClientConnectionOptions,
                    settings: SshSettings, depth: int,
                    keepalive: Keepalive | None = None) -> JumpChain | None:
    """The config's ProxyJump for `name` as a chain hacon opens itself, or None.

    asyncssh would open it on its own, with its own known_hosts handling (a jump host set to
    `UserKnownHostsFile none` would be used unchecked); opened here, each hop gets the same
    rules as a `-J` hop, and its own ProxyJump in turn.

    Raises:
        NodeUnreachable: a malformed ProxyJump, or one that loops.
    """
    spec = options.config.get("ProxyJump")
    if not spec:
        return None
    if depth >= MAX_JUMP_DEPTH:
        raise NodeUnreachable(name, f"more than {MAX_JUMP_DEPTH} ProxyJump hops in the ssh "
                                    "config (does a jump host name itself?)")
    try:
        return JumpChain(str(spec), settings, depth=depth + 1, keepalive=keepalive)
    except ValueError as error:
        raise NodeUnreachable(name, f"ProxyJump in the ssh config: {error}") from None


class JumpChain:
    """The `-J` hops, opened in order (each through the previous) and shared by all nodes.

    The last hop's connection is the `tunnel=` for every node: asyncssh's string tunnels would
    ignore our known_hosts handling (asyncssh opens a string tunnel with only the config files, not
    the `known_hosts=`/`client_keys=` arguments), so hacon opens hops itself.
    """

    def __init__(self, spec: str, settings: SshSettings, *, depth: int = 0,
                 keepalive: Keepalive | None = None) -> None:
        self.hops = parse_jump(spec)
        self._depth = depth
        self._settings = settings
        self._keepalive = keepalive
        self._connections: list[asyncssh.SSHClientConnection] = []
        self._alive = False
        self._lock = asyncio.Lock()
        self._finished_attempts = 0
        self._last_failure: NodeUnreachable | None = None

    async def connection(self) -> asyncssh.SSHClientConnection:
        """The last hop's open connection, (re)opening the chain if needed.

        Callers that queued behind an attempt that failed share its failure instead of each
        trying again: with a silent jump host, three nodes would otherwise wait three connect
        timeouts in a row.

        Raises:
            NodeUnreachable: for the first hop that failed, named in the reason.
        """
        finished_before = self._finished_attempts
        async with self._lock:
            if self._alive and self._connections:
                return self._connections[-1]
            if self._finished_attempts != finished_before and self._last_failure is not None:
                raise self._last_failure  # we queued behind an attempt that just failed
            try:
                return await self._open_chain()
            except NodeUnreachable as failure:
                self._last_failure = failure
                raise
            finally:
                self._finished_attempts += 1

    async def _open_chain(self) -> asyncssh.SSHClientConnection:
        self._close_all()
        tunnel: object = ()
        for hop in self.hops:
            try:
                conn = await open_connection(
                    hop.host,
                    self._settings,
                    port=hop.port,
                    username=hop.username,
                    tunnel=tunnel,
                    on_lost=self._lost,
                    depth=self._depth,
                    keepalive=self._keepalive,
                )
            except NodeUnreachable as failure:
                self._close_all()
                raise NodeUnreachable(
                    failure.node, f"jump host {hop}: {failure.reason}", failure.kind
                ) from failure
            self._connections.append(conn)
            tunnel = conn
        self._alive = True
        self._last_failure = None
        return self._connections[-1]

    def _lost(self, _exc: Exception | None) -> None:
        self._alive = False

    def set_keepalive(self, keepalive: Keepalive) -> None:
        """hacon's keepalive for every hop from now on, the open ones included."""
        self._keepalive = keepalive
        for conn in self._connections:
            retune_keepalive(conn, keepalive)

    def close_now(self) -> None:
        """Close every hop without waiting for the goodbye (from a connection-lost callback)."""
        self._close_all()

    def _close_all(self) -> None:
        for conn in reversed(self._connections):
            conn.close()
        self._connections = []
        self._alive = False

    async def close(self) -> None:
        """Close every hop, last first."""
        connections = list(reversed(self._connections))
        self._connections, self._alive = [], False
        for conn in connections:
            await close_connection(conn)


async def close_connection(conn: asyncssh.SSHClientConnection, *, grace: float = 5.0) -> None:
    """Close politely; a peer that does not finish the goodbye in `grace` seconds (it went
    silent) gets its connection aborted, so closing hacon never hangs on a dead node."""
    conn.close()
    try:
        await asyncio.wait_for(conn.wait_closed(), grace)
    except TimeoutError:
        conn.abort()


def retune_keepalive(conn: asyncssh.SSHClientConnection, keepalive: Keepalive) -> None:
    """Apply hacon's `keepalive` to an open connection, unless the settings or the ssh config
    chose its keepalive. asyncssh restarts the timer from now; requests already unanswered
    still count."""
    client = conn.get_owner()
    if isinstance(client, _WatchedClient) and client.keepalive_tunable:
        conn.set_keepalive(keepalive.interval, keepalive.count_max)


def onward_failure(node: str, error: NodeUnreachable, via: str) -> NodeUnreachable:
    """A node's failure seen through a jump host: says so when the jump host refused onward."""
    if error.kind is FailureKind.JUMP:
        return NodeUnreachable(
            node, f"jump host {via} could not reach it: {error.reason}", error.kind
        )
    return error
