"""Connection settings: OpenSSH's config read by asyncssh, plus hacon's own safe defaults.

Nothing here parses `~/.ssh/config`: asyncssh does (Host aliases, HostName, User, Port,
IdentityFile, ProxyJump, UserKnownHostsFile, HostKeyAlias, ServerAlive*, ConnectTimeout...).
hacon only adds what OpenSSH leaves off by default (keepalive, a connect timeout) when the config
does not set it, and refuses a config that would switch host key checking off.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from console.transport.sshlib import asyncssh

DEFAULT_CONNECT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Keepalive:
    """SSH keepalive: a request after `interval` seconds without data from the node; the
    connection is lost when the count of requests not yet answered exceeds `count_max`."""

    interval: float
    count_max: int

    @property
    def silence_bound(self) -> float:
        """Seconds from the node's last byte to the connection being declared lost: asyncssh
        counts one unanswered request per `interval` and gives up at `count_max + 1`."""
        return self.interval * (self.count_max + 1)


# A node that goes silent (power loss, pulled cable) closes nothing: only the keepalive tells.
CONSOLE_KEEPALIVE = Keepalive(1.0, 3)
"""A cluster's own console: lost within 4 s, so "unreachable" shows within 5 s, for one small
request per idle second per node. (5 s x 3 took up to 15-20 s.)"""
OVERVIEW_KEEPALIVE = Keepalive(5.0, 1)
"""A row of the fleet overview: lost within 10 s, for a fifth of the requests (20 clusters are
40 nodes; their keepalives were most of an idle overview's CPU). A node still has 5 s to answer
a request, more than the console's 3 s. `SshCluster.watch_closely` switches between the two on
the live connections."""
CIPHERS_AES_GCM_FIRST = "^aes256-gcm@openssh.com,aes128-gcm@openssh.com"
"""asyncssh's default ciphers with AES-GCM moved before chacha20-poly1305 (OpenSSH syntax: `^`
puts these first, the rest follow in their order): the same AEAD strength, but asyncssh builds
chacha20-poly1305 from several cipher calls per packet (~20 us) while AES-GCM is one call into
OpenSSL's hardware AES (~3 us). Every idle round and keepalive is a few dozen packets, so this
is a tenth of an idle console's CPU. A `Ciphers` line in the ssh config still decides."""
MAX_OUTPUT_BYTES = 64 << 20
"""The default cap on one command's output: the largest real CIBs are a few MB."""


@dataclass(frozen=True, slots=True)
class SshSettings:
    """How hacon opens SSH connections; every field has a safe default.

    Attributes:
        config_files: OpenSSH client config files (`--ssh-config`); empty means asyncssh's
            default, `~/.ssh/config` when readable.
        jump: like `ssh -J`: `[user@]host[:port]`, comma separated for a chain. Each hop is
            looked up in the config too (its own User, IdentityFile, known_hosts...).
        connect_timeout: seconds for TCP + handshake + auth; None: the config's ConnectTimeout,
            else 10 s.
        keepalive_interval / keepalive_count_max: None: the config's ServerAliveInterval /
            ServerAliveCountMax, else hacon's (`CONSOLE_KEEPALIVE`, or `OVERVIEW_KEEPALIVE`
            while the fleet overview watches the cluster loosely).
        max_sessions: concurrent sessions per connection (sshd's MaxSessions default is 10).
        backoff_initial / backoff_max: reconnect delays in seconds (doubling, with jitter).
        use_agent: offer ssh-agent keys (SSH_AUTH_SOCK / IdentityAgent); tests turn it off.
        username: overrides the config's User (`--user` or clusters.toml).
        max_output_bytes: the most output (stdout and stderr together, or one streamed line)
            hacon reads from one command, far above the largest real CIB; past it the command
            is ended with a reason, so a node cannot fill hacon's memory.
    """

    config_files: tuple[str, ...] = ()
    jump: str | None = None
    connect_timeout: float | None = None
    keepalive_interval: float | None = None
    keepalive_count_max: int | None = None
    max_sessions: int = 8
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    use_agent: bool = True
    username: str | None = None
    max_output_bytes: int = MAX_OUTPUT_BYTES


@dataclass(frozen=True, slots=True)
class JumpHop:
    """One hop of a `-J` chain."""

    host: str
    port: int | None = None
    username: str | None = None

    def __str__(self) -> str:
        user = f"{self.username}@" if self.username else ""
        port = f":{self.port}" if self.port else ""
        return f"{user}{self.host}{port}"


def parse_jump(spec: str) -> list[JumpHop]:
    """Split an `ssh -J` value: `[user@]host[:port]` hops, comma separated; `[v6]:port` works.

    Raises:
        ValueError: an empty hop or a port that is not a number.
    """
    hops = []
    for text in spec.split(","):
        text = text.strip()
        user, _, hostport = text.rpartition("@")
        host, port = _split_host_port(hostport)
        if not host:
            raise ValueError(f"bad jump host {text!r}: expected [user@]host[:port]")
        hops.append(JumpHop(host, port, user or None))
    return hops


def _split_host_port(text: str) -> tuple[str, int | None]:
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    else:
        host, port_text = text, ""
    if port_text and not port_text.isdigit():
        raise ValueError(f"bad port in jump host {text!r}")
    return host, int(port_text) if port_text else None


async def client_options(
    host: str,
    settings: SshSettings,
    *,
    port: int | None = None,
    username: str | None = None,
    tunnel: object = (),
    client_factory: Any = None,
) -> asyncssh.SSHClientConnectionOptions:
    """asyncssh options for `host` (a config alias or a name), as its ssh config says.

    Keepalive and connect timeout are not in them yet: see `liveness`.

    Raises:
        ValueError: the config disables host key checking (`UserKnownHostsFile none`).
    """
    # A monitoring console never hands a node the operator's agent or X11 display, whatever
    # ForwardAgent/ForwardX11 the ssh config sets for interactive use.
    common: dict[str, Any] = {"host": host, "config": list(settings.config_files) or (),
                              "agent_forwarding": False, "x11_forwarding": False}
    if port is not None:
        common["port"] = port
    if (username or settings.username) is not None:
        common["username"] = username or settings.username
    if tunnel != ():
        common["tunnel"] = tunnel
    if not settings.use_agent:
        common["agent_path"] = None
    if client_factory is not None:
        common["client_factory"] = client_factory
    options = await asyncssh.SSHClientConnectionOptions.construct(**common)
    if options.known_hosts is None:
        raise ValueError(
            f"the ssh config disables host key checking for {host} (UserKnownHostsFile none);"
            " hacon never connects without checking host keys"
        )
    return cast(asyncssh.SSHClientConnectionOptions, options)


def liveness(
    settings: SshSettings, from_config: asyncssh.SSHClientConnectionOptions,
    keepalive: Keepalive | None = None,
) -> dict[str, Any]:
    """Keepalive and connect timeout for `asyncssh.connect`: explicit settings, else the
    config's (ConnectTimeout, ServerAliveInterval, ServerAliveCountMax), else hacon's defaults
    (`keepalive`, by default the console's).

    Passed as keyword arguments at connect time rather than baked into a second options object:
    each options object re-parses the whole ssh config, which dominates connection set-up.
    """
    config = from_config.config
    # A keepalive half chosen (an interval but no count) is completed from the console's.
    chosen = keepalive_chosen(settings, from_config)
    default = CONSOLE_KEEPALIVE if chosen or keepalive is None else keepalive
    return {
        "connect_timeout": _pick(
            settings.connect_timeout, config.get("ConnectTimeout"), DEFAULT_CONNECT_TIMEOUT
        ),
        "keepalive_interval": _pick(
            settings.keepalive_interval, config.get("ServerAliveInterval"), default.interval
        ),
        "keepalive_count_max": _pick(
            settings.keepalive_count_max, config.get("ServerAliveCountMax"), default.count_max
        ),
    }


def ciphers(from_config: asyncssh.SSHClientConnectionOptions) -> str | None:
    """The `encryption_algs` to ask asyncssh for, or None to keep the ssh config's Ciphers."""
    return None if from_config.config.get("Ciphers") else CIPHERS_AES_GCM_FIRST


def keepalive_chosen(
    settings: SshSettings, from_config: asyncssh.SSHClientConnectionOptions
) -> bool:
    """Whether the settings or the ssh config chose the keepalive (hacon then never changes it
    on the live connection)."""
    config = from_config.config
    return any(value is not None for value in (
        settings.keepalive_interval, settings.keepalive_count_max,
        config.get("ServerAliveInterval"), config.get("ServerAliveCountMax")))


def _pick(explicit: Any, configured: Any, default: Any) -> Any:
    if explicit is not None:
        return explicit
    return configured if configured is not None else default


def known_hosts_name(options: asyncssh.SSHClientConnectionOptions) -> str:
    """The name asyncssh (like OpenSSH) looks up in known_hosts: alias or HostName, [h]:port."""
    name = options.host_key_alias or options.host
    return name if options.port in (22, ()) else f"[{name}]:{options.port}"


def known_hosts_files(options: asyncssh.SSHClientConnectionOptions) -> list[str]:
    """The known_hosts files consulted for this connection, user files first.

    From the config's UserKnownHostsFile/GlobalKnownHostsFile, else `~/.ssh/known_hosts`
    (which asyncssh reads only when it exists: then nothing is trusted). As in OpenSSH, a
    GlobalKnownHostsFile alone does not replace the user's own file: both are read.
    """
    configured: Any = options.known_hosts
    if isinstance(configured, (str, os.PathLike)):
        return [os.path.expanduser(os.fspath(configured))]
    files = ([os.path.expanduser(str(path)) for path in configured]
             if isinstance(configured, Sequence) and not isinstance(configured, bytes) else [])
    if options.config.get("UserKnownHostsFile") is None:
        files.insert(0, _default_user_file())
    return files


def user_known_hosts_file(options: asyncssh.SSHClientConnectionOptions) -> Path:
    """Where `hacon trust` appends: the first UserKnownHostsFile, else ~/.ssh/known_hosts;
    never a GlobalKnownHostsFile (a file shared by every user of the machine)."""
    user_files: Any = options.config.get("UserKnownHostsFile")
    if user_files:
        return Path(os.path.expanduser(str(user_files[0])))
    return Path(_default_user_file())


def _default_user_file() -> str:
    return str(Path("~", ".ssh", "known_hosts").expanduser())


class KnownHostsCache:
    """known_hosts files parsed once, re-read only when one of them changes on disk.

    asyncssh would re-read and re-parse every file for every connection; with 32 nodes (and 32
    entries) that is a visible share of connection set-up. A missing file counts as empty, as
    in OpenSSH: the host key is then "unknown" and `hacon trust` creates the file.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, ...], tuple[tuple[object, ...], asyncssh.SSHKnownHosts]] = {}

    def load(self, files: Sequence[str]) -> asyncssh.SSHKnownHosts:
        """The parsed union of `files` (cached by path, inode, size and mtime)."""
        key = tuple(files)
        stamp = tuple(_stamp(path) for path in key)
        cached = self._entries.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        text = "".join(_read_text(path) + "\n" for path in key)
        known = asyncssh.import_known_hosts(text)
        self._entries[key] = (stamp, known)
        return known


def _stamp(path: str) -> object:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


KNOWN_HOSTS = KnownHostsCache()
"""The process-wide cache used by every connection."""
