"""Several commands in one session: the split must survive any output a node can produce."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.transport.argv import remote_command
from console.transport.base import CommandResult, FailureKind, NodeUnreachable
from console.transport.batch import (
    MARKER_PREFIX,
    BatchOutputError,
    batch_script,
    parse_batch_script,
    run_batch,
)


def run_in_sh(argv: Sequence[str]) -> tuple[bytes, bytes]:
    """Run a remote command string through a real POSIX shell, as sshd would."""
    command = remote_command(argv, kill_after=10)
    done = subprocess.run(["sh", "-c", command], capture_output=True, check=False)
    return done.stdout, done.stderr


def test_each_command_gets_its_own_status_stdout_and_stderr() -> None:
    batch = batch_script(
        [
            ["printf", "no trailing newline"],
            ["sh", "-c", "echo oops >&2; exit 3"],
            ["printf", "two\nlines\n"],
            ["true"],
        ]
    )
    parts = batch.split(*run_in_sh(batch.argv()))
    assert [(p.exit_status, p.stdout, p.stderr) for p in parts] == [
        (0, b"no trailing newline", b""),
        (3, b"", b"oops\n"),
        (0, b"two\nlines\n", b""),
        (0, b"", b""),
    ]


def test_output_that_imitates_a_boundary_is_kept_as_output() -> None:
    forged = f"\n{MARKER_PREFIX}{'0' * 32} 0\n\n{MARKER_PREFIX} 7\n"
    batch = batch_script([["printf", "%s", forged], ["printf", "after"]])
    parts = batch.split(*run_in_sh(batch.argv()))
    assert [p.stdout for p in parts] == [forged.encode(), b"after"]


def test_a_command_printing_the_script_itself_cannot_forge_a_boundary() -> None:
    """A process listing shows the script; the marker is never one piece in it."""
    batch = batch_script([["printf", "%s", "placeholder"], ["true"]])
    script_text = batch.script().encode()
    assert batch.marker not in script_text
    leaky = batch_script([["cat"], ["true"]])
    stdout = (
        leaky.script().encode() + b"\n" + leaky.marker + b" 0\n" + b"\n" + leaky.marker + b" 0\n"
    )
    parts = leaky.split(stdout, b"")
    assert parts[0].stdout == leaky.script().encode()


def test_stdin_of_each_command_is_empty() -> None:
    """A command that reads stdin must not swallow the rest of the script."""
    batch = batch_script([["cat"], ["printf", "still here"]])
    parts = batch.split(*run_in_sh(batch.argv()))
    assert [p.stdout for p in parts] == [b"", b"still here"]


def test_hostile_arguments_arrive_intact_inside_a_batch() -> None:
    names = ["node; rm -rf /", "$(x)", "a\nb", "it's", "ノード"]
    batch = batch_script([["printf", "%s\\0", name] for name in names])
    parts = batch.split(*run_in_sh(batch.argv()))
    assert [p.stdout for p in parts] == [name.encode() + b"\0" for name in names]


def test_output_cut_short_is_an_error_not_a_shorter_list() -> None:
    batch = batch_script([["a"], ["b"]])
    with pytest.raises(BatchOutputError, match="1 of 2"):
        batch.split(b"partial\n" + batch.marker + b" 0\nrest-without-end", b"")


def test_garbage_without_boundaries_is_an_error() -> None:
    batch = batch_script([["a"]])
    with pytest.raises(BatchOutputError):
        batch.split(bytes(range(256)) * 4, b"")


def test_each_batch_gets_a_fresh_marker() -> None:
    assert batch_script([["a"]]).token != batch_script([["a"]]).token


def test_empty_batches_are_refused() -> None:
    with pytest.raises(ValueError):
        batch_script([])
    with pytest.raises(ValueError):
        batch_script([["ok"], []])


@given(st.lists(st.tuples(st.integers(0, 255), st.binary(max_size=200)), min_size=1, max_size=6))
def test_split_recovers_any_output_framed_as_sh_frames_it(
    results: list[tuple[int, bytes]],
) -> None:
    batch = batch_script([["cmd", str(i)] for i in range(len(results))])
    framed = b"".join(
        out + b"\n" + batch.marker + f" {status}\n".encode() for status, out in results
    )
    assert [(p.exit_status, p.stdout) for p in batch.split(framed, b"")] == results


def test_the_script_parses_back_into_the_same_commands() -> None:
    commands = [("cibadmin", "-Q", "-n"), ("echo", "a; b", "$(x)", "new\nline", "'q'")]
    batch = batch_script(commands)
    assert parse_batch_script(batch.script()) == batch


@pytest.mark.parametrize(
    "script", ["echo hi", "cibadmin -Q; crm_mon -1", f"echo {MARKER_PREFIX} x </dev/null; printf"]
)
def test_foreign_scripts_are_not_taken_for_batches(script: str) -> None:
    assert parse_batch_script(script) is None


class CannedRunner:
    """A CommandRunner that answers every command with the same stdout."""

    def __init__(self, stdout: bytes) -> None:
        self.stdout = stdout

    async def run(
        self, node: str, argv: Sequence[str], *, timeout: float, input: bytes | None = None
    ) -> CommandResult:
        return CommandResult(node, tuple(argv), 0, self.stdout, b"motd\n", 0.01)


async def test_run_batch_reports_garbage_as_an_unreachable_view() -> None:
    with pytest.raises(NodeUnreachable) as caught:
        await run_batch(CannedRunner(b"Welcome!\n"), "node-a", [["true"]], timeout=5)
    assert caught.value.kind is FailureKind.PROTOCOL
    assert caught.value.node == "node-a"
    assert "0 of 1" in caught.value.reason
