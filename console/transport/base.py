"""The transport's contract: what the rest of hacon may rely on, with no SSH library in sight.

The executor (`console.actions.execute`), the poller and the UI import only this module, so it
must stay free of asyncssh. A `CommandRunner` runs one argv on one node and returns a
`CommandResult`; a non-zero exit status is a *result*, not an error. Anything that kept the node
from answering (no connection, refused host key, a command that did not finish in time, a
connection dropped mid-command) raises `NodeUnreachable`, whose `reason` is one line an operator
can read, and whose `kind` lets code and UI tell the cases apart.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

Argv = tuple[str, ...]
"""A command as an argument vector; never a shell string (see `argv.remote_command`)."""


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What one command printed on one node, and how it ended.

    Attributes:
        node: the node name the command ran on (as given to the runner).
        argv: the command as requested, without the `env LC_ALL=C` / `timeout` wrapping.
        exit_status: the command's exit status; negative means killed by that signal number.
        stdout: raw bytes; decoding is the parser's business (CIB XML is bytes to lxml).
        stderr: raw bytes.
        elapsed: seconds from sending the command to its exit, measured on the console side.
    """

    node: str
    argv: Argv
    exit_status: int
    stdout: bytes
    stderr: bytes
    elapsed: float

    @property
    def ok(self) -> bool:
        """True when the command exited with status 0."""
        return self.exit_status == 0

    def stderr_line(self) -> str:
        """The last non-empty stderr line, decoded leniently, for a one-line error message."""
        lines = [line for line in self.stderr.decode("utf-8", "replace").splitlines() if line]
        return lines[-1].strip() if lines else ""


class FailureKind(enum.Enum):
    """Why a node gave no answer; stable values, usable in JSON and CSS class names."""

    REFUSED = "refused"
    """TCP connection refused: nothing listens on the SSH port (sshd down?)."""
    TIMEOUT = "timeout"
    """No SSH connection within the connect timeout (host down, cable pulled, firewall)."""
    DNS = "dns"
    """The host name does not resolve."""
    NETWORK = "network"
    """Another socket-level error (no route to host, network unreachable)."""
    AUTH = "auth"
    """The server refused every key we offered."""
    HOST_KEY_UNKNOWN = "host-key-unknown"
    """The server's host key is in no known_hosts file consulted: `hacon trust HOST`."""
    HOST_KEY_CHANGED = "host-key-changed"
    """known_hosts holds a different key for this host: refused, possible impersonation."""
    CONFIG = "config"
    """The SSH configuration cannot be used (unreadable file, host key checking disabled)."""
    JUMP = "jump"
    """The jump host was reached but could not open the connection onward."""
    DROPPED = "dropped"
    """The connection was lost (keepalive expired, peer closed it) before the answer came."""
    COMMAND_TIMEOUT = "command-timeout"
    """The connection is fine but the command did not finish in time; its channel was closed."""
    PROTOCOL = "protocol"
    """Any other SSH protocol failure."""


class NodeUnreachable(Exception):
    """A node did not give an answer; `reason` is one line for an operator.

    Every failure of `CommandRunner.run` is a `NodeUnreachable` (or a subclass), so callers need
    one `except` clause. Non-zero exit statuses are not errors: they come back as results.
    """

    def __init__(self, node: str, reason: str, kind: FailureKind = FailureKind.PROTOCOL) -> None:
        super().__init__(f"{node}: {reason}")
        self.node = node
        self.reason = reason
        self.kind = kind


class OutputTooLarge(NodeUnreachable):
    """The command sent more output than hacon reads (`limit` bytes); it was stopped there."""

    def __init__(self, node: str, argv: Sequence[str], limit: int) -> None:
        super().__init__(
            node,
            f"{argv[0] if argv else 'command'} sent more than {_size(limit)} of output; "
            "hacon stopped reading and ended the command",
            FailureKind.PROTOCOL,
        )
        self.argv: Argv = tuple(argv)
        self.limit = limit


def _size(count: int) -> str:
    return f"{count / (1 << 20):g} MiB" if count >= 1 << 20 else f"{count} bytes"


class CommandTimedOut(NodeUnreachable):
    """The command ran longer than its timeout; the session was closed and its slot freed."""

    def __init__(self, node: str, argv: Sequence[str], timeout: float) -> None:
        super().__init__(
            node,
            f"{argv[0] if argv else 'command'} did not finish within {timeout:g} s",
            FailureKind.COMMAND_TIMEOUT,
        )
        self.argv: Argv = tuple(argv)
        self.timeout = timeout


@dataclass(frozen=True, slots=True)
class HostKeyProblem:
    """Details of a refused host key, for a message as clear as OpenSSH's.

    Attributes:
        host: the name looked up in known_hosts (HostKeyAlias, else HostName; `[h]:port` form).
        key_type: the offered key's algorithm, e.g. "ssh-ed25519".
        fingerprint: the offered key's "SHA256:..." fingerprint.
        known_hosts_files: the files that were consulted, in order.
        changed: True when a different key is on record for this host (possible impersonation).
    """

    host: str
    key_type: str
    fingerprint: str
    known_hosts_files: tuple[str, ...]
    changed: bool

    def describe(self, node: str, trust_command: str | None = None) -> str:
        """One line naming everything an operator needs to decide what to do.

        Args:
            trust_command: the exact `hacon trust ...` line to suggest, with the connection
                options in use (default: `hacon trust NODE`).
        """
        trust = trust_command or f"hacon trust {node}"
        files = ", ".join(self.known_hosts_files) or "(none)"
        if self.changed:
            first = self.known_hosts_files[0] if self.known_hosts_files else "~/.ssh/known_hosts"
            return (
                f"HOST KEY CHANGED for {self.host}: it offered {self.key_type} {self.fingerprint},"
                f" which differs from the key on record in {files}; refused (possible"
                f" impersonation). If the node was reinstalled, remove the old key"
                f" (ssh-keygen -R '{self.host}' -f {first}), then run `{trust}`"
            )
        return (
            f"host key of {self.host} is unknown: {self.key_type} {self.fingerprint} is not in"
            f" {files}; refused. Check the fingerprint, then run `{trust}`"
        )


class HostKeyRefused(NodeUnreachable):
    """The node's host key is unknown or differs from the one on record; never accepted."""

    def __init__(self, node: str, problem: HostKeyProblem,
                 trust_command: str | None = None) -> None:
        kind = FailureKind.HOST_KEY_CHANGED if problem.changed else FailureKind.HOST_KEY_UNKNOWN
        super().__init__(node, problem.describe(node, trust_command), kind)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Idle:
    """No connection yet (opened lazily) or closed on purpose."""

    label: str = field(default="idle", init=False)


@dataclass(frozen=True, slots=True)
class Connecting:
    """A connection attempt is under way; `attempt` counts since the last success (1-based)."""

    attempt: int = 1
    label: str = field(default="connecting", init=False)


@dataclass(frozen=True, slots=True)
class Connected:
    """Connected since `since` (epoch seconds, wall clock, for "up 3 min" displays)."""

    since: float
    label: str = field(default="connected", init=False)


@dataclass(frozen=True, slots=True)
class Unreachable:
    """The last attempt failed: `reason` is one line; `retry_at` is when the next try may start.

    Both times are epoch seconds (wall clock). `since` is when the node became unreachable (kept
    across repeated failures, so the UI can say "unreachable for 2 min").
    """

    reason: str
    since: float
    kind: FailureKind = FailureKind.PROTOCOL
    retry_at: float | None = None
    label: str = field(default="unreachable", init=False)


ConnectionState = Idle | Connecting | Connected | Unreachable
"""What the UI shows per node; match on the class, or read `.label`."""


@runtime_checkable
class CommandRunner(Protocol):
    """Runs one command on one node. Implemented by `ssh.SshCluster` and by test fakes."""

    async def run(
        self,
        node: str,
        argv: Sequence[str],
        *,
        timeout: float,
        input: bytes | None = None,
    ) -> CommandResult:
        """Run `argv` on `node` with `LC_ALL=C`, feeding `input` (then EOF) on stdin.

        Raises:
            NodeUnreachable: no answer (connection, host key, timeout, drop); see `kind`.
        """
        ...
