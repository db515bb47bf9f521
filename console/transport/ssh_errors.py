"""asyncssh and socket failures turned into one-line reasons an operator can act on.

A refused host key gets a second look: hacon fetches the key the server offers (a key exchange
only, no authentication) and compares it with every known_hosts file consulted, so the message
can say, like OpenSSH, *which* key was offered and whether a different one is on record.
"""

from __future__ import annotations

import asyncio
import errno
import shlex
import socket
from typing import Any

from console.transport.sshlib import asyncssh

from console.transport.base import FailureKind, HostKeyProblem, HostKeyRefused, NodeUnreachable
from console.transport.ssh_config import (
    DEFAULT_CONNECT_TIMEOUT,
    SshSettings,
    known_hosts_files,
    known_hosts_name,
    liveness,
)


def classify(
    node: str,
    error: BaseException,
    *,
    connect_timeout: float | None,
    host: str | None = None,
) -> NodeUnreachable:
    """One `NodeUnreachable` for a failure while connecting to (or talking with) `node`.

    Host key refusals are handled by `diagnose_host_key` (it needs the network); here they
    get a plain, still correct, description.
    """
    if isinstance(error, NodeUnreachable):
        return error
    kind, reason = _describe(error, connect_timeout, host or node)
    return NodeUnreachable(node, reason, kind)


def _describe(
    error: BaseException, connect_timeout: float | None, host: str
) -> tuple[FailureKind, str]:
    if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
        limit = f" within {connect_timeout:g} s" if connect_timeout else ""
        return FailureKind.TIMEOUT, f"no SSH connection{limit} (host down or unreachable?)"
    if isinstance(error, asyncssh.HostKeyNotVerifiable):
        return FailureKind.HOST_KEY_UNKNOWN, f"host key not trusted: {error.reason}"
    if isinstance(error, asyncssh.PermissionDenied):
        return FailureKind.AUTH, "authentication failed: the server accepted none of our keys"
    if isinstance(error, asyncssh.KeyExchangeFailed):
        return FailureKind.PROTOCOL, f"key exchange failed: {error.reason}"
    if isinstance(error, asyncssh.ConnectionLost):
        return FailureKind.DROPPED, f"connection lost: {error.reason or 'closed by peer'}"
    if isinstance(error, asyncssh.ChannelOpenError):
        return FailureKind.JUMP, f"could not open a channel: {error.reason}"
    if isinstance(error, asyncssh.DisconnectError):
        return FailureKind.PROTOCOL, f"disconnected: {error.reason}"
    if isinstance(error, (asyncssh.KeyImportError, ValueError)):
        return FailureKind.CONFIG, f"ssh configuration: {error}"
    if isinstance(error, socket.gaierror):
        return FailureKind.DNS, f"host name {host} does not resolve ({error.strerror})"
    if isinstance(error, ConnectionRefusedError):
        return FailureKind.REFUSED, f"{host}: connection refused (is sshd running?)"
    if isinstance(error, (FileNotFoundError, PermissionError)):
        return FailureKind.CONFIG, f"cannot read {error.filename}: {error.strerror}"
    if isinstance(error, OSError):
        return _describe_os_error(error)
    return FailureKind.PROTOCOL, f"{type(error).__name__}: {error}".strip()


def _describe_os_error(error: OSError) -> tuple[FailureKind, str]:
    if error.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN):
        return FailureKind.NETWORK, error.strerror or str(error)
    if error.errno == errno.ETIMEDOUT:
        return FailureKind.TIMEOUT, "TCP connection timed out"
    if error.errno in (errno.ECONNRESET, errno.EPIPE):
        return FailureKind.DROPPED, "connection reset by peer"
    return FailureKind.NETWORK, error.strerror or str(error)


async def diagnose_host_key(
    node: str,
    options: asyncssh.SSHClientConnectionOptions,
    settings: SshSettings,
    *,
    tunnel: Any = (),
) -> NodeUnreachable:
    """Why `node`'s host key was refused: unknown or changed, with the offered fingerprint.

    Opens one extra connection (key exchange only). If that fails too, the plain reason is
    returned: the refusal stands either way; only the message gets less detailed.
    """
    try:
        timeout = liveness(settings, options)["connect_timeout"]
        key = await fetch_server_key(node, settings, tunnel=tunnel, timeout=timeout)
    except (TimeoutError, OSError, asyncssh.Error) as error:
        return NodeUnreachable(
            node,
            f"host key not trusted ({error or type(error).__name__})",
            FailureKind.HOST_KEY_UNKNOWN,
        )
    return HostKeyRefused(node, describe_offered_key(key, options), trust_command(node, settings))


def trust_command(node: str, settings: SshSettings) -> str:
    """The `hacon trust` line that reaches `node` the way this connection tried to."""
    argv = ["hacon", "trust", node]
    for config_file in settings.config_files:
        argv += ["--ssh-config", config_file]
    if settings.jump:
        argv += ["-J", settings.jump]
    return shlex.join(argv)


async def fetch_server_key(
    name: str, settings: SshSettings, *, tunnel: Any = (), timeout: float | None = None
) -> asyncssh.SSHKey:
    """The host key `name` offers (resolved through the ssh config, ProxyJump or `tunnel`).

    Only a key exchange: nothing is authenticated and nothing is trusted by calling this.

    Raises:
        OSError, asyncssh.Error, TimeoutError: could not get that far.
    """
    key = await asyncio.wait_for(
        asyncssh.get_server_host_key(name, tunnel=tunnel, config=list(settings.config_files) or ()),
        timeout=timeout or DEFAULT_CONNECT_TIMEOUT,
    )
    if key is None:  # only with GSS key exchange, which hacon does not configure
        raise asyncssh.KeyExchangeFailed("the server sent no host key")
    return key


def describe_offered_key(
    key: asyncssh.SSHKey, options: asyncssh.SSHClientConnectionOptions
) -> HostKeyProblem:
    """Compare an offered key with what the consulted known_hosts files hold for this host."""
    files = known_hosts_files(options)
    recorded = recorded_keys(files, options)
    offered = key.public_data
    return HostKeyProblem(
        host=known_hosts_name(options),
        key_type=key.get_algorithm(),
        fingerprint=key.get_fingerprint("sha256"),
        known_hosts_files=tuple(files),
        changed=bool(recorded) and all(known.public_data != offered for known in recorded),
    )


def recorded_keys(
    files: list[str], options: asyncssh.SSHClientConnectionOptions
) -> list[asyncssh.SSHKey]:
    """Host keys on record for this connection's host in `files` (missing files are skipped)."""
    name = options.host_key_alias or options.host
    port = None if options.port in (22, ()) else int(options.port)
    keys: list[asyncssh.SSHKey] = []
    for path in files:
        try:
            known = asyncssh.read_known_hosts(path)
        except (OSError, ValueError):
            continue
        keys += known.match(name, "", port)[0]
    return keys
