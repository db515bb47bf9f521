"""Scheduler inputs and Pacemaker logs read from a local directory or a crm_report tarball.

Accepted shapes:
- a directory of `pe-input-N.bz2` files (e.g. a copy of /var/lib/pacemaker/pengine);
- a directory tree or tarball laid out as crm_report writes it:
  `REPORT/NODE/pengine/pe-input-N.bz2` and `REPORT/NODE/pacemaker.log.extract.txt`
  (or `cluster-log.txt`, `ha-log.txt`, `pacemaker.log`).
Nothing is extracted to disk; tarball members that are not regular files are skipped, and every
member read is bounded.
"""

from __future__ import annotations

import functools
import os
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from console.model.transitions.facts import INPUT_NAME, InputRef
from console.model.transitions.logs import LOG_PATTERNS

MAX_MEMBER_BYTES = 32 * 1024 * 1024
"""A member larger than this is skipped (a compressed input is kilobytes)."""
MAX_LOG_BYTES = 256 * 1024 * 1024
"""Only the last this-many bytes of a log are read."""

_LOG_NAMES = ("pacemaker.log", "pacemaker.log.extract.txt", "cluster-log.txt", "ha-log.txt")


class HistorySourceError(Exception):
    """The path is neither a directory nor a readable tarball; the message says why."""


@dataclass
class LocalHistory:
    """What a directory or tarball holds: raw inputs and the interesting log lines per node."""

    inputs: list[tuple[InputRef, bytes]] = field(default_factory=list)
    log_lines: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    """Member -> why it was not read."""
    seen: set[str] = field(default_factory=set)


def read_history(path: Path, default_node: str = "local") -> LocalHistory:
    """Read a directory or a (compressed) tarball.

    Args:
        path: the directory or tarball.
        default_node: the node name for inputs lying directly in the given directory.

    Raises:
        HistorySourceError: missing, unreadable, or neither a directory nor a tarball.
    """
    if path.is_dir():
        return _read_dir(path, default_node)
    if not path.exists():
        raise HistorySourceError(f"{path}: no such file or directory")
    try:
        if not tarfile.is_tarfile(path):
            raise HistorySourceError(f"{path}: neither a directory nor a tarball")
        with tarfile.open(path, "r:*") as archive:
            return _read_tar(archive, default_node)
    except (OSError, tarfile.TarError, EOFError) as error:
        raise HistorySourceError(f"{path}: cannot read the tarball: {error}") from None


def node_of(parts: tuple[str, ...], default_node: str) -> str:
    """The node a file belongs to, from its path below the given root.

    `NODE/pengine/pe-input-1.bz2` and `REPORT/NODE/pengine/...` give NODE;
    `NODE/pacemaker.log` gives NODE; a file directly in the root gives `default_node`.
    """
    directories = parts[:-1]
    if "pengine" in directories:
        index = directories.index("pengine")
        return directories[index - 1] if index > 0 else default_node
    return directories[-1] if directories else default_node


def _read_dir(root: Path, default_node: str) -> LocalHistory:
    history = LocalHistory()
    for dirpath, _dirs, files in os.walk(root):
        for name in sorted(files):
            full = Path(dirpath, name)
            parts = full.relative_to(root).parts
            if INPUT_NAME.match(name):
                _add_input(history, parts, default_node, functools.partial(_read_file, full))
            elif _is_log(name):
                _add_log(history, node_of(parts, default_node), _tail_file(full))
    return history


def _read_tar(archive: tarfile.TarFile, default_node: str) -> LocalHistory:
    history = LocalHistory()
    for member in archive:
        if not member.isreg():
            continue
        parts = PurePosixPath(member.name).parts
        name = parts[-1] if parts else ""
        if INPUT_NAME.match(name):
            _add_input(history, parts, default_node,
                       functools.partial(_read_member, archive, member))
        elif _is_log(name):
            _add_log(history, node_of(parts, default_node), _member_lines(archive, member))
    return history


def _is_log(name: str) -> bool:
    return name in _LOG_NAMES or name.startswith("pacemaker.log")


def _add_input(history: LocalHistory, parts: tuple[str, ...], default_node: str,
               read: Callable[[], bytes | None]) -> None:
    ref = InputRef(node_of(parts, default_node), parts[-1])
    if ref.key in history.seen:
        return  # the same node's input twice (a report holding two copies)
    data = read()
    if data is None:
        history.skipped[ref.key] = f"larger than {MAX_MEMBER_BYTES} bytes"
        return
    history.seen.add(ref.key)
    history.inputs.append((ref, data))


def _add_log(history: LocalHistory, node: str, lines: Iterator[str]) -> None:
    wanted = [line for line in lines if any(pattern in line for pattern in LOG_PATTERNS)]
    history.log_lines.setdefault(node, []).extend(wanted)


def _read_file(path: Path) -> bytes | None:
    if path.stat().st_size > MAX_MEMBER_BYTES:
        return None
    return path.read_bytes()


def _tail_file(path: Path) -> Iterator[str]:
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - MAX_LOG_BYTES))
        for raw in handle:
            yield raw.decode("utf-8", errors="replace")


def _read_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes | None:
    if member.size > MAX_MEMBER_BYTES:
        return None
    handle = archive.extractfile(member)
    return handle.read() if handle is not None else None


def _member_lines(archive: tarfile.TarFile, member: tarfile.TarInfo) -> Iterator[str]:
    handle = archive.extractfile(member)
    if handle is None:
        return
    if member.size > MAX_LOG_BYTES:
        handle.seek(member.size - MAX_LOG_BYTES)
    for raw in handle:
        yield raw.decode("utf-8", errors="replace")
