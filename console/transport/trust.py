"""Trusting a node's host key on first contact: an explicit, confirmed operator step.

asyncssh, like hacon, never accepts an unknown host key by itself. `hacon trust HOST` fetches the
key the host offers (a key exchange only), shows its SHA256 fingerprint, and on confirmation
appends it to the known_hosts file OpenSSH and asyncssh read for that host (the config's first
UserKnownHostsFile, else ~/.ssh/known_hosts), under the name they look up: the HostKeyAlias or
HostName, as `[name]:port` when the port is not 22. A host whose recorded key differs is not
touched: that needs the operator to remove the old key first, as with OpenSSH.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from console.transport.sshlib import asyncssh

from console.transport.base import NodeUnreachable
from console.transport.connector import JumpChain, configured_jump
from console.transport.ssh_config import (
    SshSettings,
    client_options,
    known_hosts_files,
    known_hosts_name,
    liveness,
    user_known_hosts_file,
)
from console.transport.ssh_errors import classify, fetch_server_key, recorded_keys


class TrustStatus(enum.Enum):
    """How the offered key relates to what is on record for the host."""

    NEW = "new"
    ALREADY_TRUSTED = "already-trusted"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class HostKeyOffer:
    """The key a host offered, and where trusting it would be recorded.

    Attributes:
        node: the name the operator gave (an ssh config alias or a host name).
        known_hosts_name: the name written in known_hosts (`[host]:port` when port != 22).
        key_type / fingerprint / public_key: the offered key ("SHA256:..." fingerprint).
        known_hosts_file: the file `add_to_known_hosts` appends to.
        status: new, already trusted, or in conflict with a recorded key.
        recorded_fingerprints: fingerprints already on record for this host.
    """

    node: str
    known_hosts_name: str
    key_type: str
    fingerprint: str
    public_key: str
    known_hosts_file: Path
    status: TrustStatus
    recorded_fingerprints: tuple[str, ...]


async def fetch_host_key(node: str, settings: SshSettings) -> HostKeyOffer:
    """Ask `node` for its host key, through the config's ProxyJump or `settings.jump`.

    Raises:
        NodeUnreachable: the host could not be reached far enough to offer a key.
    """
    jump = JumpChain(settings.jump, settings) if settings.jump else None
    try:
        tunnel: object = await jump.connection() if jump is not None else ()
        options = await client_options(node, settings, tunnel=tunnel)
        if jump is None:  # the config's ProxyJump, opened with hacon's host key rules
            jump = configured_jump(node, options, settings, 0)
            tunnel = await jump.connection() if jump is not None else ()
        timeout = liveness(settings, options)["connect_timeout"]
        key = await fetch_server_key(node, settings, tunnel=tunnel, timeout=timeout)
    except (OSError, asyncssh.Error, TimeoutError, ValueError) as error:
        raise classify(node, error, connect_timeout=settings.connect_timeout) from error
    finally:
        if jump is not None:
            await jump.close()
    return _offer(node, key, options)


def _offer(
    node: str, key: asyncssh.SSHKey, options: asyncssh.SSHClientConnectionOptions
) -> HostKeyOffer:
    recorded = recorded_keys(known_hosts_files(options), options)
    if any(known.public_data == key.public_data for known in recorded):
        status = TrustStatus.ALREADY_TRUSTED
    else:
        status = TrustStatus.CONFLICT if recorded else TrustStatus.NEW
    return HostKeyOffer(
        node=node,
        known_hosts_name=known_hosts_name(options),
        key_type=key.get_algorithm(),
        fingerprint=key.get_fingerprint("sha256"),
        public_key=key.export_public_key("openssh").decode("ascii").split()[1],
        known_hosts_file=user_known_hosts_file(options),
        status=status,
        recorded_fingerprints=tuple(known.get_fingerprint("sha256") for known in recorded),
    )


def add_to_known_hosts(offer: HostKeyOffer) -> Path:
    """Append the offered key to its known_hosts file (created 0600, its directory 0700).

    Raises:
        ValueError: the offer conflicts with a recorded key (never overwritten here).
        OSError: the file cannot be written.
    """
    if offer.status is TrustStatus.CONFLICT:
        raise ValueError(f"{offer.known_hosts_name} already has a different key on record")
    path = offer.known_hosts_file
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    line = f"{offer.known_hosts_name} {offer.key_type} {offer.public_key}\n"
    existing = path.read_bytes() if path.exists() else b""
    if existing and not existing.endswith(b"\n"):
        line = "\n" + line  # never glue our entry onto an unterminated last line
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="ascii") as file:
        file.write(line)
    return path


def describe_offer(offer: HostKeyOffer) -> str:
    """The lines shown before asking, in the spirit of OpenSSH's first-contact prompt."""
    lines = [
        f"Host {offer.node} ({offer.known_hosts_name}) offers this host key:",
        f"  {offer.key_type} key fingerprint is {offer.fingerprint}",
    ]
    if offer.status is TrustStatus.CONFLICT:
        recorded = ", ".join(offer.recorded_fingerprints)
        lines += [
            f"WARNING: {offer.known_hosts_file} already holds a DIFFERENT key for it ({recorded}).",
            (
                "Someone could be impersonating the host, or it was reinstalled. If you are sure,"
                f" remove the old key (ssh-keygen -R '{offer.known_hosts_name}'"
                f" -f {offer.known_hosts_file}) and run this again."
            ),
        ]
    return "\n".join(lines)


async def trust_host(
    node: str,
    settings: SshSettings,
    *,
    confirm: Callable[[str], bool],
    say: Callable[[str], None],
    complain: Callable[[str], None] | None = None,
) -> int:
    """`hacon trust HOST`: fetch, show, ask, record. Returns the process exit status.

    Args:
        confirm: asked "Add it to FILE? [y/N]"-style questions; True means yes (`--yes`
            answers True without asking).
        say: prints a line for the operator.
        complain: prints the one-line reason when the host cannot be reached (default: `say`).

    Exit statuses: 0 trusted (or already trusted), 1 declined, 2 unreachable or conflict.
    """
    try:
        offer = await fetch_host_key(node, settings)
    except NodeUnreachable as failure:
        # The reason already names the host it tried (alias or HostName).
        (complain or say)(f"cannot get the host key: {failure.reason}")
        return 2
    say(describe_offer(offer))
    if offer.status is TrustStatus.ALREADY_TRUSTED:
        say(f"Already trusted in {offer.known_hosts_file}; nothing to do.")
        return 0
    if offer.status is TrustStatus.CONFLICT:
        return 2
    if not confirm(f"Add it to {offer.known_hosts_file} as {offer.known_hosts_name}? [y/N] "):
        say("Not trusted; nothing written.")
        return 1
    path = add_to_known_hosts(offer)
    say(f"Trusted: {offer.known_hosts_name} {offer.key_type} {offer.fingerprint} -> {path}")
    return 0
