"""Fetching the history over SSH: list, fetch only what is new, cache, read-only argvs.

The fake nodes answer hacon's argvs from the lab fixture (node-a's pengine directory and log),
so these tests check what is asked of a node and what is fetched, not SSH itself.
"""

from __future__ import annotations

import asyncio
import io
import tarfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from console.model.transitions import Category, InputRef, explain_history
from console.transport import argv as argvs
from console.transport import history_index
from console.transport.base import CommandResult, NodeUnreachable
from console.transport.history_files import read_history
from console.transport.history_source import SshHistorySource, fetch_batches, parse_listing
from tests.support.paths import REPO_ROOT

LAB = REPO_ROOT / "tests" / "fixtures" / "history" / "lab-2node"
READ_ONLY_TOOLS = {"find", "tar", "grep"}


class FixtureNodes:
    """Nodes whose scheduler directory is a local folder; node-b has none, node-c is down."""

    def __init__(self, pengine: dict[str, Path]) -> None:
        self.pengine = pengine
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        self.calls.append((node, tuple(argv)))
        if node == "node-c":
            raise NodeUnreachable(node, "connection refused")
        folder = self.pengine.get(node)
        out = b""
        if argv[0] == "find" and folder is not None:
            out = b"".join(f"{p.name} {p.stat().st_size} 1796547976.5\n".encode()
                           for p in sorted(folder.glob("pe-*.bz2")))
        elif argv[0] == "tar" and folder is not None:
            out = _tar(folder, argv[argv.index("--") + 1:])
        elif argv[0] == "grep" and folder is not None:
            log = folder.parent / "pacemaker.log"
            out = log.read_bytes() if log.exists() else b""
        return CommandResult(node, tuple(argv), 0, out, b"", 0.01)


def _tar(folder: Path, names: Sequence[str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name in names:
            archive.add(folder / name, arcname=name)
    return buffer.getvalue()


def test_first_load_fetches_every_input_then_only_new_ones(tmp_path: Path) -> None:
    nodes = FixtureNodes({"node-a": LAB / "node-a" / "pengine", "node-b": tmp_path / "empty"})
    source = SshHistorySource(nodes, ["node-a", "node-b", "node-c"], "lab", tmp_path / "cache")
    assert source.cached() is None

    first = asyncio.run(source.load())
    assert first.fetched == 17 and len(first.facts) == 17
    assert first.problems == {"node-c": "unreachable: connection refused"}
    assert {argv[0] for _node, argv in nodes.calls} <= READ_ONLY_TOOLS
    assert ("node-a", argvs.list_scheduler_inputs()) in nodes.calls

    nodes.calls.clear()
    again = SshHistorySource(nodes, ["node-a", "node-b", "node-c"], "lab", tmp_path / "cache")
    cached = again.cached()
    assert cached is not None and len(cached.facts) == 17  # the first page, before any SSH
    second = asyncio.run(again.load())
    assert second.fetched == 0 and len(second.facts) == 17
    assert not [argv for _node, argv in nodes.calls if argv[0] == "tar"]


def test_ssh_and_offline_give_the_same_explanation(tmp_path: Path) -> None:
    nodes = FixtureNodes({"node-a": LAB / "node-a" / "pengine"})
    data = asyncio.run(SshHistorySource(nodes, ["node-a"], "lab", tmp_path).load())
    live = explain_history(data.facts, data.logs)
    local = read_history(LAB)
    assert len(local.inputs) == 17
    assert [t.category for t in live][:3] == [Category.UNKNOWN, Category.STANDBY,
                                              Category.ONLINE]
    assert live[9].number == 12  # pe-input-9, numbered by the DC's log


def test_a_corrupt_cache_is_set_aside_and_refetched(tmp_path: Path) -> None:
    nodes = FixtureNodes({"node-a": LAB / "node-a" / "pengine"})
    asyncio.run(SshHistorySource(nodes, ["node-a"], "lab", tmp_path).load())
    facts_file = tmp_path / "lab" / "facts.json"
    facts_file.write_text("{not json")
    data = asyncio.run(SshHistorySource(nodes, ["node-a"], "lab", tmp_path).load())
    assert data.fetched == 17
    assert (tmp_path / "lab" / "facts.corrupt").exists()


def test_the_listing_keeps_only_scheduler_inputs() -> None:
    listing = parse_listing(b"pe-input-3.bz2 1232 1796547976.12\npe-input.last 1 17\n"
                            b"../etc/passwd 4 5\npe-warn-1.bz2 99 1796547000.0\n")
    assert listing == {"pe-input-3.bz2": "1232:1796547976", "pe-warn-1.bz2": "99:1796547000"}


def test_argvs_are_read_only_and_names_stay_separate() -> None:
    assert argvs.pack_scheduler_inputs(["pe-input-1.bz2", "-x"])[-3:] == (
        "--", "pe-input-1.bz2", "-x")
    grep = argvs.transition_log_lines(("Calculated transition",), 10)
    assert grep[0] == "grep" and "-F" in grep and grep[-2:] == argvs.PACEMAKER_LOGS


def test_many_inputs_are_read_on_every_core_with_the_same_result(
        monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = [(InputRef("node-a", path.name), path.read_bytes())
              for path in sorted((LAB / "node-a" / "pengine").glob("pe-input-*.bz2"))]
    inputs.append((InputRef("node-a", "pe-input-99.bz2"), b"BZh9 broken"))
    alone = history_index.read_inputs(inputs, lambda *_: None)
    monkeypatch.setattr(history_index, "PARALLEL_FROM", 2)
    monkeypatch.setattr(history_index, "_workers", lambda: 2)
    seen: list[int] = []
    spread = history_index.read_inputs(inputs, lambda done, total, what: seen.append(done))
    assert spread == alone and len(spread[0]) == 17
    assert list(spread[1]) == ["node-a/pe-input-99.bz2"]
    assert seen[-1] == len(inputs)


def test_fetch_batches_stay_on_one_node_and_under_the_count_and_byte_bounds() -> None:
    many = [("node-a", f"pe-input-{n}.bz2", "2000:1") for n in range(250)]
    big = [("node-b", f"pe-input-{n}.bz2", f"{3 << 20}:1") for n in range(5)]
    batches = fetch_batches(many + big)
    assert [len(batch) for batch in batches] == [100, 100, 50, 2, 2, 1]
    assert all(len({node for node, _name, _stamp in batch}) == 1 for batch in batches)
