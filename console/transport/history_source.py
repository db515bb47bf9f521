"""Where a transition history comes from: the nodes over SSH (cached), or a local dir/tarball.

Both sources give `HistoryData` (every input's facts, the log findings, what could not be read)
to the pure explainer. Over SSH, every node's scheduler directory is listed (each DC, present or
past, keeps its own series), only inputs not already cached are fetched (one tar per batch),
and the interesting log lines are grepped; nothing is written or installed on the nodes.
"""

from __future__ import annotations

import asyncio
import functools
import io
import tarfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from console.model.transitions.actions import Replay
from console.model.transitions.facts import INPUT_NAME, InputFacts, InputRef
from console.model.transitions.logs import (
    LOG_PATTERNS,
    NO_LOGS,
    LogFindings,
    merge_findings,
    read_log_lines,
)
from console.transport import argv as argvs
from console.transport.base import CommandRunner, NodeUnreachable
from console.transport.history_cache import FactsCache
from console.transport.history_files import read_history
from console.transport.history_index import read_inputs
from console.transport.replay_local import replay_bytes, replay_file

Progress = Callable[[int, int, str], None]
"""Called with (done, total, what) while inputs are read."""

FETCH_BATCH = 100
"""Inputs fetched per tar at most (each is a few kilobytes compressed)..."""
FETCH_BATCH_BYTES = 8 << 20
"""...and at most this many bytes of them, well under what hacon reads of one command."""
MAX_LOG_LINES = 50_000
COMMAND_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class HistoryData:
    """Everything the explainer needs, from one source."""

    facts: tuple[InputFacts, ...]
    logs: LogFindings = NO_LOGS
    problems: Mapping[str, str] = field(default_factory=dict)
    """Input or node -> why it could not be read (shown, never fatal)."""
    source: str = ""
    fetched: int = 0
    """How many inputs were read fresh (the rest came from the cache)."""


def _no_progress(done: int, total: int, what: str) -> None:
    return None


def index_inputs(inputs: Sequence[tuple[InputRef, bytes]], progress: Progress = _no_progress
                 ) -> tuple[list[InputFacts], dict[str, str]]:
    """Read the facts of every raw input; a bad one becomes a problem, never an exception."""
    return read_inputs(inputs, progress)


class LocalHistorySource:
    """Directories of inputs or crm_report tarballs (`hacon history --from`, repeatable: one
    single-node report per node together hold every DC's inputs)."""

    def __init__(self, path: Path | Sequence[Path], default_node: str = "local") -> None:
        self.paths = (path,) if isinstance(path, Path) else tuple(path)
        self.default_node = default_node
        self._raw: dict[str, bytes] = {}

    def cached(self) -> HistoryData | None:
        """Nothing is cached for a local source: reading it is the fast path already."""
        return None

    def load_sync(self, progress: Progress = _no_progress) -> HistoryData:
        """Read everything (raises HistorySourceError for an unusable path)."""
        locals_ = [read_history(path, self.default_node) for path in self.paths]
        self._raw = {ref.key: data for local in locals_ for ref, data in local.inputs}
        inputs = [(InputRef(*key.split("/", 1)), data) for key, data in self._raw.items()]
        facts, problems = index_inputs(inputs, progress)
        logs = merge_findings(read_log_lines(node, lines) for local in locals_
                              for node, lines in local.log_lines.items())
        skipped = {key: text for local in locals_ for key, text in local.skipped.items()}
        return HistoryData(tuple(facts), logs, {**skipped, **problems},
                           ", ".join(map(str, self.paths)), len(facts))

    async def load(self, progress: Progress = _no_progress) -> HistoryData:
        """load_sync in a thread (the UI's loop keeps drawing)."""
        return await asyncio.to_thread(self.load_sync, progress)

    def replay(self, ref: InputRef) -> Replay | str:
        """crm_simulate's view of one input read from this source."""
        data = self._raw.get(ref.key)
        return replay_bytes(data) if data is not None else f"{ref.key} was not read"


def parse_listing(stdout: bytes) -> dict[str, str]:
    """`find -printf '%f %s %T@\\n'` output -> file name -> stamp (`size:mtime`)."""
    stamps: dict[str, str] = {}
    for line in stdout.decode("utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and INPUT_NAME.match(parts[0]):
            stamps[parts[0]] = f"{parts[1]}:{parts[2].split('.')[0]}"
    return stamps


def unpack_tar(stdout: bytes, wanted: Iterable[str]) -> dict[str, bytes]:
    """The wanted members of a tar stream (regular files only, by base name)."""
    names = set(wanted)
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(stdout), mode="r:") as archive:
            for member in archive:
                base = member.name.rsplit("/", 1)[-1]
                handle = archive.extractfile(member) if member.isreg() else None
                if base in names and handle is not None:
                    found[base] = handle.read()
    except (tarfile.TarError, EOFError, OSError):
        pass  # a truncated stream keeps what came before the damage
    return found


def cache_key(cluster: str | None, nodes: Sequence[str]) -> str:
    """The cache's name for a cluster: its clusters.toml name, else its nodes joined."""
    return cluster or "+".join(nodes)


def fetch_batches(missing: list[tuple[str, str, str]]) -> list[list[tuple[str, str, str]]]:
    """(node, name, stamp) entries in batches of one node each, bounded in count and bytes."""
    batches: list[list[tuple[str, str, str]]] = []
    size = 0
    for entry in sorted(missing):
        entry_size = int(entry[2].split(":", 1)[0] or 0)
        last = batches[-1] if batches else None
        if (last is None or last[0][0] != entry[0] or len(last) >= FETCH_BATCH
                or size + entry_size > FETCH_BATCH_BYTES):
            batches.append([entry])
            size = entry_size
        else:
            last.append(entry)
            size += entry_size
    return batches


class SshHistorySource:
    """The live cluster's inputs over SSH, through a per-cluster cache."""

    def __init__(self, runner: CommandRunner, nodes: Sequence[str], cluster: str,
                 cache_root: Path | None = None) -> None:
        self.runner = runner
        self.nodes = tuple(nodes)
        self.cache = FactsCache(cluster, cache_root)

    def cached(self) -> HistoryData | None:
        """What the cache already holds (the first page, before anything is fetched)."""
        facts = self.cache.all_facts(set(self.nodes))
        return HistoryData(tuple(facts), source="cache") if facts else None

    async def load(self, progress: Progress = _no_progress) -> HistoryData:
        """List every node's inputs, fetch the new ones, grep the logs."""
        listings = await asyncio.gather(*(self._list(node) for node in self.nodes))
        problems: dict[str, str] = {}
        missing: list[tuple[str, str, str]] = []
        for node, listing in zip(self.nodes, listings, strict=True):
            if isinstance(listing, str):
                problems[node] = listing
                continue
            missing += [(node, name, stamp) for name, stamp in sorted(listing.items())
                        if self.cache.get(InputRef(node, name), stamp) is None]
        logs_task = asyncio.gather(*(self._logs(node) for node in self.nodes))
        fetched = await self._fetch(missing, problems, progress)
        logs = merge_findings(await logs_task)
        if fetched:
            await asyncio.to_thread(self.cache.save)
        facts = self.cache.all_facts(set(self.nodes))
        return HistoryData(tuple(facts), logs, problems, "ssh", fetched)

    async def _list(self, node: str) -> dict[str, str] | str:
        try:
            result = await self.runner.run(node, argvs.list_scheduler_inputs(),
                                           timeout=COMMAND_TIMEOUT_S)
        except NodeUnreachable as error:
            return f"unreachable: {error.reason}"
        if not result.ok and not result.stdout:
            return f"cannot list {argvs.PENGINE_DIR}: {result.stderr_line() or 'no output'}"
        return parse_listing(result.stdout)

    async def _logs(self, node: str) -> LogFindings:
        argv = argvs.transition_log_lines(LOG_PATTERNS, MAX_LOG_LINES)
        try:
            result = await self.runner.run(node, argv, timeout=COMMAND_TIMEOUT_S)
        except NodeUnreachable:
            return NO_LOGS
        return read_log_lines(node, result.stdout.decode("utf-8", errors="replace")
                              .splitlines())

    async def _fetch(self, missing: list[tuple[str, str, str]], problems: dict[str, str],
                     progress: Progress) -> int:
        """Fetch every missing input (a tar per node and batch), then read them all at once."""
        fetched: list[tuple[InputRef, bytes]] = []
        stamps: dict[str, str] = {}
        done = 0
        for batch in fetch_batches(missing):
            fetched += await self._fetch_batch(batch[0][0], batch, problems)
            stamps.update({f"{node}/{name}": stamp for node, name, stamp in batch})
            done += len(batch)
            progress(done, len(missing) * 2, batch[-1][1])
        reading = functools.partial(self._read_and_remember, fetched, stamps, problems,
                                    lambda done, total, what: progress(total + done, total * 2,
                                                                       what))
        return await asyncio.to_thread(reading)

    async def _fetch_batch(self, node: str, entries: list[tuple[str, str, str]],
                           problems: dict[str, str]) -> list[tuple[InputRef, bytes]]:
        names = [name for _node, name, _stamp in entries]
        try:
            result = await self.runner.run(node, argvs.pack_scheduler_inputs(names),
                                           timeout=COMMAND_TIMEOUT_S)
        except NodeUnreachable as error:
            problems[node] = f"fetch failed: {error.reason}"
            return []
        files = unpack_tar(result.stdout, names)
        for name in sorted(set(names) - set(files)):
            problems[f"{node}/{name}"] = "listed but not fetched (removed meanwhile?)"
        return [(InputRef(node, name), data) for name, data in files.items()]

    def _read_and_remember(self, fetched: list[tuple[InputRef, bytes]], stamps: dict[str, str],
                           problems: dict[str, str], progress: Progress) -> int:
        facts, bad = read_inputs(fetched, progress)
        problems.update(bad)
        raw = {ref.key: data for ref, data in fetched}
        for item in facts:
            self.cache.put(item, stamps[item.ref.key], raw[item.ref.key])
        return len(facts)

    def replay(self, ref: InputRef) -> Replay | str:
        """crm_simulate's view of one cached input."""
        path = self.cache.raw_path(ref)
        return replay_file(path) if path.exists() else f"{ref.key} is not in the cache"
