"""The audit journal: one JSON line per guarded action attempted, refused ones included.

The journal is `$XDG_STATE_HOME/hacon/audit.jsonl` (platformdirs' user state dir). Each line is
written whole with one `write` on a file opened for appending, under an exclusive `flock` (two
consoles on one machine never interleave), then flushed and fsync'ed before the call returns: an
action that happened is on disk even if hacon dies right after. `hacon audit` prints it.
"""

from __future__ import annotations

import datetime
import fcntl
import getpass
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import platformdirs

from console.actions.catalog import spec_of
from console.actions.execute import ActionOutcome
from console.actions.plans import ActionPlan

JOURNAL_NAME = "audit.jsonl"


def journal_path() -> Path:
    """Where the journal lives (created on the first record)."""
    return platformdirs.user_state_path("hacon") / JOURNAL_NAME


def record(action: str, *, outcome: str, message: str, cluster: str | None = None,
           node: str | None = None, target: str | None = None,
           version_before: object = None, version_after: object = None,
           predicted: Sequence[str] = (), failover_s: float | None = None,
           conflicts: int = 0, path: Path | None = None) -> dict[str, Any]:
    """Append one entry and return it.

    Args:
        action: "standby", "online", "cleanup", "clear", "failback".
        outcome: "done", "refused", "failed", "cancelled".
        message: the one line the operator was shown.
        cluster: the cluster's name (clusters.toml, else the CIB's cluster-name).
        node: the node the command ran on (None when refused before reaching one).
        target: the node or resource acted on.
        version_before / version_after: CIB versions ("0.15.0"); after is None if unchanged.
        predicted: the scheduler's predicted transition, in words.
        failover_s: the measured failover time, when the VIP moved.
        conflicts: stale-patch refusals (exit 103) retried through.
        path: another journal (tests).
    """
    entry: dict[str, Any] = {
        "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
        "user": _local_user(),
        "cluster": cluster,
        "node": node,
        "action": action,
        "target": target,
        "version_before": None if version_before is None else str(version_before),
        "version_after": None if version_after is None else str(version_after),
        "predicted": list(predicted),
        "outcome": outcome,
        "message": message,
        "failover_s": None if failover_s is None else round(failover_s, 3),
        "conflicts": conflicts,
    }
    _append(path or journal_path(), json.dumps(entry, ensure_ascii=False) + "\n")
    return entry


def record_outcome(outcome: ActionOutcome, *, cluster: str | None,
                   path: Path | None = None) -> dict[str, Any]:
    """Append the entry for an executed (or executor-refused) plan."""
    plan = outcome.plan
    return record(spec_of(plan.kind).verb, outcome=outcome.status.value, message=outcome.message,
                  cluster=cluster, node=plan.run_on, target=_target(plan),
                  version_before=outcome.version_before,
                  version_after=outcome.version_after if outcome.applied else None,
                  predicted=plan.consequences, failover_s=outcome.failover_s,
                  conflicts=outcome.conflicts, path=path)


def record_plan(plan: ActionPlan, outcome: str, message: str, *, cluster: str | None,
                path: Path | None = None) -> dict[str, Any]:
    """Append the entry for a plan that was not executed (refused by the preview, cancelled)."""
    return record(spec_of(plan.kind).verb, outcome=outcome, message=message, cluster=cluster,
                  node=plan.run_on, target=_target(plan), version_before=plan.expected_version,
                  predicted=plan.consequences, path=path)


def read_entries(path: Path | None = None) -> Iterator[Mapping[str, Any]]:
    """Every entry, oldest first; a damaged line is reported as such, not skipped silently."""
    journal = path or journal_path()
    if not journal.exists():
        return
    with open(journal, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                entry = None
            if not isinstance(entry, dict):
                yield {"outcome": "unreadable", "message": f"line {number} is not a JSON object"}
                continue
            damage = _wrong_typed(entry)
            yield entry if damage is None else {
                "time": entry["time"] if isinstance(entry.get("time"), str) else "?",
                "outcome": "damaged", "message": f"line {number}: {damage}"}


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_optional_text(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_number(value: object) -> bool:
    return value is None or isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


FIELD_TYPES = {
    "time": ("text", _is_text), "user": ("text", _is_text), "action": ("text", _is_text),
    "outcome": ("text", _is_text), "message": ("text", _is_text),
    "cluster": ("text", _is_optional_text), "node": ("text", _is_optional_text),
    "target": ("text", _is_optional_text), "version_before": ("text", _is_optional_text),
    "version_after": ("text", _is_optional_text), "predicted": ("a list of text", _is_text_list),
    "failover_s": ("a number", _is_number), "conflicts": ("a whole number", _is_count),
}
"""What each field of an entry holds; an entry edited by hand (or by another tool) into
something else is shown as damaged instead of stopping `hacon audit`."""


def _wrong_typed(entry: Mapping[str, Any]) -> str | None:
    for key, (kind, fits) in FIELD_TYPES.items():
        if key in entry and not fits(entry[key]):
            return f"{key} is not {kind}"
    return None


def format_entry(entry: Mapping[str, Any]) -> str:
    """One line of text for `hacon audit`."""
    parts = [str(entry.get("time", "?")), str(entry.get("user", "?")),
             f"{entry.get('action', '?')} {entry.get('target') or ''}".strip(),
             f"[{entry.get('outcome', '?')}]"]
    if entry.get("cluster"):
        parts.insert(2, f"cluster {entry['cluster']}")
    if entry.get("node"):
        parts.append(f"via {entry['node']}")
    before, after = entry.get("version_before"), entry.get("version_after")
    if before:
        parts.append(f"CIB {before}" + (f" → {after}" if after else ""))
    if entry.get("failover_s") is not None:
        parts.append(f"failover {entry['failover_s']:.2f} s")
    parts.append(str(entry.get("message", "")))
    return "  ".join(parts)


def _target(plan: ActionPlan) -> str | None:
    return spec_of(plan.kind).target_of(plan)


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        data = line.encode("utf-8")
        written = os.write(descriptor, data)
        if written != len(data):
            raise OSError(f"short write to {path}")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if created:
        _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """A new file's name is on disk only once its directory is synced: without it, a crash
    right after the first action could lose the whole journal, fsynced entry included."""
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
