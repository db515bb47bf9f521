"""An in-process SSH server on loopback: the demo cluster's nodes, and fake nodes for tests.

Each fake node is its own asyncssh server (own port on 127.0.0.1, own host key) in this process.
What a node answers is up to a plain-Python handler (no asyncssh types):

    class Handler:
        async def handle(self, node, argv, stdin) -> tuple[int, bytes, bytes]: ...
        def stream(self, node, argv) -> AsyncIterator[bytes] | None: ...   # optional

The server hands the handler the *plain* argv: `env LC_ALL=C` and `timeout` wrappers are
removed, and hacon's batches (`sh -c SCRIPT` from `batch.py`) are answered command by command
in the batch output format, so a handler never parses shell. Like OpenSSH's sshd it limits
concurrent sessions per connection (MaxSessions 10), and any node can serve as a jump host:
direct-tcpip to another fake node's name (port 22) or to its loopback port is forwarded.

`write_client_files()` writes an ssh config, a known_hosts file and a client key, so clients
connect through exactly the code path used for real nodes (`SshSettings(config_files=...)`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

from console.transport.sshlib import asyncssh

from console.transport.local_sessions import (
    DropConnection,
    FakeNodeServer,
    FakeSessionContext,
    pause_connection,
    resume_connection,
)

__all__ = [
    "ClientFiles",
    "CommandHandler",
    "DropConnection",
    "LocalSshServer",
    "StreamingHandler",
]

LOOPBACK = "127.0.0.1"


class CommandHandler(Protocol):
    """What a fake node answers to one command."""

    async def handle(self, node: str, argv: list[str], stdin: bytes) -> tuple[int, bytes, bytes]:
        """Return (exit status, stdout, stderr) for `argv` run on `node`.

        Raise `DropConnection` to make the node cut the SSH connection (no exit status).
        """
        ...


class StreamingHandler(CommandHandler, Protocol):
    """A handler that can also feed long-running commands (crm_mon's event feed)."""

    def stream(self, node: str, argv: list[str]) -> AsyncIterator[bytes] | None:
        """Chunks to write as they come, or None to answer with `handle` instead.

        The iterator is closed when the client closes the channel; when it ends, the command
        exits 0.
        """
        ...


@dataclass(frozen=True, slots=True)
class ClientFiles:
    """Files a client needs to reach the fake nodes, as `--ssh-config` would name them."""

    directory: Path
    config: Path
    known_hosts: Path
    identity: Path


@dataclass
class _Node:
    name: str
    host_key: asyncssh.SSHKey
    port: int = 0
    acceptor: asyncssh.SSHAcceptor | None = None
    connections: set[asyncssh.SSHServerConnection] = field(default_factory=set)
    frozen: bool = False


class LocalSshServer:
    """Fake nodes served over real SSH on 127.0.0.1 (each on its own port).

    Args:
        handler: answers commands (see `CommandHandler`, `StreamingHandler`).
        nodes: node names; each gets a port and, unless given in `host_keys`, a fresh
            ed25519 host key.
        host_keys: fixed host keys per node (e.g. to simulate a reinstalled node).
        client_key: the one client key the nodes accept; generated if not given.
        max_sessions: concurrent sessions per connection, like sshd's MaxSessions.
    """

    def __init__(
        self,
        handler: CommandHandler,
        nodes: Sequence[str],
        *,
        host_keys: Mapping[str, asyncssh.SSHKey] | None = None,
        client_key: asyncssh.SSHKey | None = None,
        max_sessions: int = 10,
    ) -> None:
        keys = dict(host_keys or {})
        self._nodes = {
            name: _Node(name, keys.get(name) or asyncssh.generate_private_key("ssh-ed25519"))
            for name in nodes
        }
        self.client_key = client_key or asyncssh.generate_private_key("ssh-ed25519")
        self._context = FakeSessionContext(
            handler=handler,
            max_sessions=max_sessions,
            resolve=self._resolve_forward,
        )

    @property
    def ports(self) -> dict[str, int]:
        """Each node's listening port (0 until started)."""
        return {name: node.port for name, node in self._nodes.items()}

    @property
    def commands(self) -> list[tuple[str, tuple[str, ...]]]:
        """Every (node, argv) handled so far, batches expanded, in arrival order."""
        return self._context.commands

    @property
    def peak_sessions(self) -> int:
        """The most sessions ever open at once on one connection."""
        return self._context.peak_sessions

    def open_connections(self, node: str) -> int:
        """How many SSH connections to `node` are open now (as the server sees them)."""
        return len(self._nodes[node].connections)

    def host_key(self, node: str) -> asyncssh.SSHKey:
        """The node's current host key (private; use `.convert_to_public()` to share)."""
        return self._nodes[node].host_key

    def set_host_key(self, node: str, key: asyncssh.SSHKey) -> None:
        """Change a node's host key; takes effect at its next `start_node` (a reinstall)."""
        self._nodes[node].host_key = key

    async def start(self) -> Self:
        """Start every node that is not running."""
        for name, node in self._nodes.items():
            if node.acceptor is None:
                await self.start_node(name)
        return self

    async def start_node(self, name: str) -> int:
        """Start (or restart, on the same port) one node; returns its port."""
        node = self._nodes[name]
        node.acceptor = await asyncssh.create_server(
            lambda: FakeNodeServer(name, self._context, node.connections, lambda: node.frozen),
            LOOPBACK,
            node.port,
            server_host_keys=[node.host_key],
            authorized_client_keys=asyncssh.import_authorized_keys(
                self.client_key.export_public_key().decode("ascii")
            ),
            encoding=None,
            reuse_address=True,
        )
        node.port = node.acceptor.sockets[0].getsockname()[1]
        return node.port

    async def stop_node(self, name: str) -> None:
        """Power a node off: stop listening and cut its connections (clients see a drop)."""
        node = self._nodes[name]
        acceptor, node.acceptor = node.acceptor, None
        if acceptor is not None:
            acceptor.close()
        # Cut connections before waiting: newer Pythons' wait_closed() waits for them too.
        self.drop_connections(name)
        if acceptor is not None:
            await acceptor.wait_closed()

    def drop_connections(self, name: str) -> None:
        """Cut every SSH connection to `name` at once, without a goodbye (sshd killed)."""
        for conn in list(self._nodes[name].connections):
            conn.abort()

    def freeze_node(self, name: str) -> None:
        """A pulled cable: the node stops answering (no close, no reset), new connections too.

        Only keepalives (or timeouts) can tell; `thaw_node` plugs the cable back in.
        """
        node = self._nodes[name]
        node.frozen = True
        for conn in node.connections:
            pause_connection(conn)

    def thaw_node(self, name: str) -> None:
        """Undo `freeze_node`: connections that survived resume where they stopped."""
        node = self._nodes[name]
        node.frozen = False
        for conn in node.connections:
            resume_connection(conn)

    async def stop(self) -> None:
        """Stop every node."""
        for name in self._nodes:
            await self.stop_node(name)

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def _resolve_forward(self, host: str, port: int) -> int | None:
        """The loopback port a jump host forwards `host:port` to, or None (refused).

        A fake node's name with port 22 is "that node on its usual port"; 127.0.0.1 with one of
        our ports is allowed too. Nothing else: the fake jump host opens no other sockets.
        """
        if host in self._nodes and port == 22:
            return self._nodes[host].port or None
        if host in (LOOPBACK, "localhost") and port in self.ports.values():
            return port
        return None

    def write_client_files(
        self,
        directory: Path,
        *,
        hidden: Iterable[str] = (),
        proxy_jump: str | None = None,
        trusted: Iterable[str] | None = None,
        extra: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> ClientFiles:
        """Write `config`, `known_hosts` and `id_ed25519` for these nodes into `directory`.

        Args:
            hidden: nodes reachable only through a jump host: their config block says
                `HostName <node> Port 22`, which resolves nowhere but on a fake jump host.
            proxy_jump: `ProxyJump` for the hidden nodes (else use `-J`).
            trusted: nodes whose host keys go into known_hosts (default: all).
            extra: more config lines per node, e.g. {"node-a": {"HostKeyAlias": "x"}}.
        """
        directory.mkdir(parents=True, exist_ok=True)
        files = ClientFiles(
            directory, directory / "config", directory / "known_hosts", directory / "id_ed25519"
        )
        self.client_key.write_private_key(str(files.identity))
        os.chmod(files.identity, 0o600)
        hidden_set = set(hidden)
        blocks = [
            self._config_block(name, files, name in hidden_set, proxy_jump, (extra or {}).get(name))
            for name in self._nodes
        ]
        files.config.write_text("\n".join(blocks), encoding="utf-8")
        trusted_names = self._nodes if trusted is None else list(trusted)
        lines = [self.known_hosts_line(name, name in hidden_set) for name in trusted_names]
        files.known_hosts.write_text("".join(lines), encoding="utf-8")
        return files

    def known_hosts_line(self, name: str, hidden: bool = False) -> str:
        """The known_hosts line for a node as a client addresses it (`[127.0.0.1]:port`)."""
        host = name if hidden else f"[{LOOPBACK}]:{self._nodes[name].port}"
        public = self._nodes[name].host_key.export_public_key().decode("ascii").split()
        return f"{host} {public[0]} {public[1]}\n"

    def _config_block(
        self,
        name: str,
        files: ClientFiles,
        hidden: bool,
        proxy_jump: str | None,
        extra: Mapping[str, Any] | None,
    ) -> str:
        options: dict[str, Any] = {
            "HostName": name if hidden else LOOPBACK,
            "Port": 22 if hidden else self._nodes[name].port,
            "IdentityFile": files.identity,
            "IdentitiesOnly": "yes",
            "UserKnownHostsFile": files.known_hosts,
        }
        if hidden and proxy_jump:
            options["ProxyJump"] = proxy_jump
        options.update(extra or {})
        body = "".join(f"    {key} {_config_value(value)}\n" for key, value in options.items())
        return f"Host {name}\n{body}"


def _config_value(value: Any) -> str:
    text = str(value)
    return f'"{text}"' if any(char.isspace() for char in text) else text
