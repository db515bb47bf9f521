"""The local cache of a cluster's scheduler inputs: raw files and their facts.

Layout under `$XDG_CACHE_HOME/hacon/history/<cluster>/` (platformdirs' user cache dir):
`facts.json` maps `node/file` to the file's stamp (size and mtime on the node) and its facts;
`inputs/<node>/<file>` keeps the raw file so a transition can be replayed with crm_simulate
later without fetching it again. A stamp that changed (the series wrapped and the file was
rewritten) makes the entry stale. A corrupt facts.json is set aside, never trusted.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

from console.model.transitions.facts import InputFacts, InputRef, facts_from_json, facts_to_json

CACHE_FORMAT = 1
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")


def cache_root() -> Path:
    """`$XDG_CACHE_HOME/hacon/history` (or the platform's equivalent)."""
    return platformdirs.user_cache_path("hacon") / "history"


def safe_name(text: str) -> str:
    """A name usable as one path component (no separators, no dot-dot)."""
    cleaned = _UNSAFE.sub("_", text).strip(".") or "_"
    return cleaned[:120]


class FactsCache:
    """One cluster's cache; load once, `put` as files are read, `save` at the end."""

    def __init__(self, cluster: str, root: Path | None = None) -> None:
        self.directory = (root or cache_root()) / safe_name(cluster)
        self._entries: dict[str, dict[str, Any]] = {}
        self._facts: dict[str, InputFacts] = {}
        self.loaded = False

    @property
    def facts_file(self) -> Path:
        """Where the facts index lives."""
        return self.directory / "facts.json"

    def load(self) -> None:
        """Read facts.json (once); an unreadable one is renamed aside and ignored."""
        if self.loaded:
            return
        self.loaded = True
        try:
            document = json.loads(self.facts_file.read_text(encoding="utf-8"))
            if document.get("format") == CACHE_FORMAT:
                self._entries = dict(document["entries"])
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._set_aside()

    def _set_aside(self) -> None:
        self._entries = {}
        try:
            self.facts_file.replace(self.facts_file.with_suffix(".corrupt"))
        except OSError:
            pass

    def get(self, ref: InputRef, stamp: str | None = None) -> InputFacts | None:
        """The cached facts of `ref` (None if absent, or if `stamp` is given and differs)."""
        self.load()
        entry = self._entries.get(ref.key)
        if entry is None or (stamp is not None and entry.get("stamp") != stamp):
            return None
        cached = self._facts.get(ref.key)
        if cached is None:
            try:
                cached = facts_from_json(entry["facts"])
            except (KeyError, TypeError, ValueError):
                del self._entries[ref.key]
                return None
            self._facts[ref.key] = cached
        return cached

    def all_facts(self, nodes: set[str] | None = None) -> list[InputFacts]:
        """Every cached input (of these nodes only, when given)."""
        self.load()
        refs = [InputRef(*key.split("/", 1)) for key in self._entries if "/" in key]
        found = [self.get(ref) for ref in refs if nodes is None or ref.node in nodes]
        return [facts for facts in found if facts is not None]

    def put(self, facts: InputFacts, stamp: str, raw: bytes | None = None) -> None:
        """Remember one input's facts (and its raw file)."""
        self.load()
        key = facts.ref.key
        self._entries[key] = {"stamp": stamp, "facts": facts_to_json(facts)}
        self._facts[key] = facts
        if raw is not None:
            self._write(self.raw_path(facts.ref), raw)

    def raw_path(self, ref: InputRef) -> Path:
        """Where the raw file of `ref` is kept."""
        return self.directory / "inputs" / safe_name(ref.node) / safe_name(ref.name)

    def save(self) -> None:
        """Write facts.json atomically (a crash never leaves half a file)."""
        document = {"format": CACHE_FORMAT, "entries": self._entries}
        self._write(self.facts_file, json.dumps(document, separators=(",", ":")).encode())

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
