"""Several commands in one SSH session, with output split back per command, reliably.

Each SSH session costs ~160 ms on OpenSSH's sshd (fork + login), while `cibadmin -Q -n` itself
takes ~11 ms, so a poll round sends one session running `sh -c SCRIPT`. After each command the
script prints, on stdout, a line `<marker> <exit status>` and, on stderr, a line `<marker>`.
The marker holds 128 random bits chosen per batch, and the script never contains the marker as
one piece (it is printed from two arguments), so no command output, not even a process listing
showing the script itself, can forge a boundary.

The script is an argv (`sh -c SCRIPT`), so `remote_command()` quotes it like any other command,
and each command inside it is quoted with `shlex.join`.
"""

from __future__ import annotations

import re
import secrets
import shlex
import time
from collections.abc import Sequence
from dataclasses import dataclass

from console.transport import argv as argvs
from console.transport.base import Argv, CommandResult, CommandRunner, FailureKind, NodeUnreachable

MARKER_PREFIX = "HACON-BATCH-"


class BatchOutputError(ValueError):
    """The session's output does not hold one boundary per command (cut short, or not a shell)."""


@dataclass(frozen=True, slots=True)
class BatchPart:
    """One command's share of a batch's output."""

    argv: Argv
    exit_status: int
    stdout: bytes
    stderr: bytes


@dataclass(frozen=True, slots=True)
class Batch:
    """Commands to run in one session, and the random marker that separates their outputs."""

    commands: tuple[Argv, ...]
    token: str

    @property
    def marker(self) -> bytes:
        """The boundary text as it appears in the output (never contiguous in the script)."""
        return (MARKER_PREFIX + self.token).encode("ascii")

    def script(self) -> str:
        """The POSIX sh script: each command with stdin from /dev/null, then its boundaries."""
        return "\n".join(shlex.join(argv) + self._suffix() for argv in self.commands)

    def argv(self) -> Argv:
        """The batch as one command for a `CommandRunner`."""
        return argvs.shell_script(self.script())

    def split(self, stdout: bytes, stderr: bytes) -> list[BatchPart]:
        """Each command's exit status, stdout and stderr, in order.

        Raises:
            BatchOutputError: the boundaries found do not match the number of commands.
        """
        statuses_and_outs = split_batch_output(stdout, self.marker)
        errs = _split_stderr(stderr, self.marker)
        if len(statuses_and_outs) != len(self.commands):
            raise BatchOutputError(
                f"batch output has {len(statuses_and_outs)} of {len(self.commands)} boundaries"
            )
        errs += [b""] * (len(self.commands) - len(errs))
        return [
            BatchPart(argv, status, out, err)
            for argv, (status, out), err in zip(self.commands, statuses_and_outs, errs)
        ]

    def _suffix(self) -> str:
        # `$?` is expanded before printf runs, so it is the command's status; the leading \n
        # guarantees the boundary starts a line even if the output did not end with one.
        return (
            f" </dev/null; printf '\\n%s%s %s\\n' {MARKER_PREFIX} {self.token} \"$?\";"
            f" printf '\\n%s%s\\n' {MARKER_PREFIX} {self.token} >&2"
        )


def batch_script(commands: Sequence[Sequence[str]]) -> Batch:
    """A new batch for `commands` with a fresh random marker.

    Raises:
        ValueError: no commands, or an empty argv among them.
    """
    if not commands or any(not argv for argv in commands):
        raise ValueError("a batch needs at least one non-empty command")
    return Batch(tuple(tuple(argv) for argv in commands), secrets.token_hex(16))


def split_batch_output(output: bytes, marker: bytes) -> list[tuple[int, bytes]]:
    """Split a batch's stdout into (exit status, stdout) per command that completed."""
    boundary = re.compile(b"\n" + re.escape(marker) + rb" (\d{1,3})\n")
    parts: list[tuple[int, bytes]] = []
    start = 0
    for match in boundary.finditer(output):
        parts.append((int(match.group(1)), output[start : match.start()]))
        start = match.end()
    return parts


def _split_stderr(errors: bytes, marker: bytes) -> list[bytes]:
    boundary = b"\n" + marker + b"\n"
    pieces = errors.split(boundary)
    return pieces[:-1]


_TOKEN_IN_SCRIPT = re.compile(
    r" </dev/null; printf '\\n%s%s %s\\n' " + re.escape(MARKER_PREFIX) + r" ([0-9a-f]{32}) "
)


def parse_batch_script(script: str) -> Batch | None:
    """The `Batch` that produced `script`, or None if it is not exactly one of ours.

    The in-process server uses this to answer batches command by command, so fake nodes see
    plain argv. The parse is checked by rebuilding the script and comparing.
    """
    found = _TOKEN_IN_SCRIPT.search(script)
    if found is None:
        return None
    template = Batch((), found.group(1))
    suffix = template._suffix()
    pieces = (script + "\n").split(suffix + "\n")
    try:
        commands = tuple(tuple(shlex.split(piece)) for piece in pieces[:-1])
    except ValueError:
        return None
    batch = Batch(commands, template.token)
    return batch if pieces[-1] == "" and commands and batch.script() == script else None


async def run_batch(
    runner: CommandRunner, node: str, commands: Sequence[Sequence[str]], *, timeout: float
) -> list[CommandResult]:
    """Run `commands` on `node` in one session; one `CommandResult` per command, in order.

    Each result's `elapsed` is the whole batch's (the commands' own times are not measured).

    Raises:
        NodeUnreachable: the session failed, or its output was cut short or not ours
            (kind PROTOCOL, e.g. a login shell that printed a banner is fine, a missing `sh`
            is not).
    """
    batch = batch_script(commands)
    started = time.monotonic()
    whole = await runner.run(node, batch.argv(), timeout=timeout)
    try:
        parts = batch.split(whole.stdout, whole.stderr)
    except BatchOutputError as error:
        detail = whole.stderr_line() or f"exit status {whole.exit_status}"
        raise NodeUnreachable(node, f"{error} ({detail})", FailureKind.PROTOCOL) from error
    elapsed = time.monotonic() - started
    return [
        CommandResult(node, part.argv, part.exit_status, part.stdout, part.stderr, elapsed)
        for part in parts
    ]
