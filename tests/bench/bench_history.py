"""Benchmark: an index of 1,000 scheduler inputs, against crm_simulate once per file.

    .venv/bin/python -m tests.bench.bench_history [--count 1000] [--dir /tmp/hacon-bench-history]

The inputs are generated once (and kept in --dir) by chaining crm_simulate from a real lab input:
each step injects an event (a monitor failure, a node down, the node back, a standby, a standby
off, nothing), saves the scheduler's input (`-I`) with its own execution-date, and simulates the
transition (`-S -O`) to get the next state. Then, on the same files:

- hacon offline: read every file, derive its facts, explain the whole history;
- hacon over "SSH" into an empty cache (the fake nodes serve find/tar from the directory, so
  this measures hacon's side: unpacking, facts, cache writes), then re-opening from the cache
  (the History screen's first page, and a full reload that finds nothing new);
- `crm_simulate -x FILE -S --output-as=xml` once per file (what explaining by replay costs).
Prints the figures and the ratio. Targets: index within 10 s, re-opening near-instant.
"""

from __future__ import annotations

import argparse
import asyncio
import bz2
import io
import os
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from console.model.transitions import explain_history
from console.transport.base import CommandResult
from console.transport.history_source import LocalHistorySource, SshHistorySource
from console.transport.replay_local import crm_simulate_binary
from tests.support.paths import REPO_ROOT

SEED = REPO_ROOT / "tests/fixtures/history/lab-2node/node-a/pengine/pe-input-16.bz2"
START = 1796547976
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}


def generate(directory: Path, count: int) -> None:
    """`count` chained inputs in `directory/node-a/pengine` (kept for the next run)."""
    pengine = directory / "node-a" / "pengine"
    if len(list(pengine.glob("pe-input-*.bz2"))) >= count:
        return
    pengine.mkdir(parents=True, exist_ok=True)
    binary = crm_simulate_binary() or "crm_simulate"
    with tempfile.TemporaryDirectory() as scratch:
        current = Path(scratch, "current.xml")
        current.write_bytes(bz2.decompress(SEED.read_bytes()))
        for index in range(count):
            saved, after = Path(scratch, "input.xml"), Path(scratch, "after.xml")
            argv = [binary, "-x", os.fspath(current), "-S", "-I", os.fspath(saved),
                    "-O", os.fspath(after), *_event(index, current)]
            subprocess.run(argv, env={**ENV, "CIB_shadow_dir": scratch},
                           capture_output=True, check=True)
            _save_input(saved, pengine / f"pe-input-{index}.bz2", START + 30 * index)
            after.replace(current)
            if index % 100 == 0:
                print(f"  generated {index}/{count}", flush=True)


def _event(index: int, current: Path) -> list[str]:
    holder = _holder(current)
    other = "node-b" if holder == "node-a" else "node-a"
    kind = index % 6
    if kind == 0:
        return [f"--op-inject=OSIPS_monitor_10000@{holder}=7"]
    if kind == 1:
        return ["--node-down", other]
    if kind == 2:
        return ["--node-up", other]
    if kind in (3, 4):
        value = "on" if kind == 3 else "off"
        node = holder if kind == 3 else other
        subprocess.run(["crm_attribute", "--node", node, "--name", "standby", "--update", value],
                       env={**ENV, "CIB_file": os.fspath(current)}, capture_output=True,
                       check=False)
    return []


def _holder(current: Path) -> str:
    text = current.read_text()
    return "node-b" if 'ClusterIP_start_0" operation="start"' in text.split('uname="node-b"')[-1] \
        else "node-a"


def _save_input(source: Path, target: Path, executed_at: int) -> None:
    root = etree.fromstring(source.read_bytes())
    root.set("execution-date", str(executed_at))
    target.write_bytes(bz2.compress(etree.tostring(root)))


class DirectoryNodes:
    """Fake nodes serving `find` and `tar` from local pengine directories."""

    def __init__(self, pengine: Path) -> None:
        self.pengine = pengine

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        out = b""
        if argv[0] == "find":
            out = b"".join(f"{p.name} {p.stat().st_size} {int(p.stat().st_mtime)}\n".encode()
                           for p in self.pengine.glob("pe-*.bz2"))
        elif argv[0] == "tar":
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode="w") as archive:
                for name in argv[argv.index("--") + 1:]:
                    archive.add(self.pengine / name, arcname=name)
            out = buffer.getvalue()
        return CommandResult(node, tuple(argv), 0, out, b"", 0.0)


def timed(label: str, function):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = function()
    seconds = time.perf_counter() - started
    print(f"{label:<58} {seconds:8.2f} s")
    return value, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/hacon-bench-history"))
    args = parser.parse_args()
    generate(args.dir, args.count)
    pengine = args.dir / "node-a" / "pengine"
    files = sorted(pengine.glob("pe-input-*.bz2"))[:args.count]
    print(f"{len(files)} inputs in {pengine}")

    def offline() -> int:
        data = LocalHistorySource(pengine, "node-a").load_sync()
        return len(explain_history(data.facts, data.logs))

    _, offline_s = timed("hacon offline: read + facts + explain", offline)
    with tempfile.TemporaryDirectory() as cache:
        def over_ssh() -> int:
            source = SshHistorySource(DirectoryNodes(pengine), ["node-a"], "bench", Path(cache))
            data = asyncio.run(source.load(_progress))
            return len(explain_history(data.facts, data.logs))

        _, index_s = timed("hacon index over fake SSH into an empty cache (+ explain)", over_ssh)

        def first_page() -> int:
            source = SshHistorySource(DirectoryNodes(pengine), ["node-a"], "bench", Path(cache))
            cached = source.cached()
            return len(explain_history(cached.facts)) if cached else 0

        timed("re-open: first page from the cache (+ explain)", first_page)

        def reload() -> int:
            source = SshHistorySource(DirectoryNodes(pengine), ["node-a"], "bench", Path(cache))
            return asyncio.run(source.load()).fetched

        timed("re-open: full reload, nothing new to fetch", reload)
    _, simulate_s = timed("crm_simulate -x FILE -S --output-as=xml, once per file",
                          lambda: _simulate_each(files))
    print(f"ratio crm_simulate-per-file / hacon index: {simulate_s / index_s:.1f}x "
          f"(offline read: {simulate_s / offline_s:.1f}x)")


def _progress(done: int, total: int, what: str) -> None:
    if done == total or done % 200 == 0:
        print(f"  progress {done}/{total}", flush=True)


def _simulate_each(files: list[Path]) -> None:
    binary = crm_simulate_binary() or "crm_simulate"
    with tempfile.TemporaryDirectory() as shadow:
        for path in files:
            subprocess.run([binary, "-x", os.fspath(path), "-S", "--output-as=xml"],
                           env={**ENV, "CIB_shadow_dir": shadow}, capture_output=True,
                           check=False)


if __name__ == "__main__":
    main()
