"""Where a switchover is kept between steps: one JSON file per cluster in hacon's state dir.

`$XDG_STATE_HOME/hacon/switchover/<cluster>.json` (platformdirs' user state dir, beside the
audit journal). Each save writes a private temporary file (0600) in the same directory, fsyncs
it, renames it over the old one and fsyncs the directory: a crash leaves the old state or the
new one, never half of one. A file hacon cannot read is never overwritten or removed: the
operator is told which file and why, and `set_aside` keeps it under another name.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path

import platformdirs

from console.actions.runbook import RunbookFileError, Switchover, from_document, to_document

DIRECTORY = "switchover"


def state_dir() -> Path:
    """Where the saved switchovers live."""
    return platformdirs.user_state_path("hacon") / DIRECTORY


def path_for(cluster: str, directory: Path | None = None) -> Path:
    """The file of `cluster`'s switchover (its name made safe for a file name)."""
    safe = re.sub(r"[^A-Za-z0-9_.+-]", "_", cluster).lstrip(".") or "cluster"
    return (directory or state_dir()) / f"{safe}.json"


def load(cluster: str, directory: Path | None = None) -> Switchover | None:
    """The saved switchover of `cluster`, or None when there is none.

    Raises:
        RunbookFileError: the file exists but is not a switchover hacon can read (the message
            names the file; the file is left as it is).
    """
    path = path_for(cluster, directory)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise _unreadable(path, str(error)) from None
    try:
        state = from_document(json.loads(text))
    except json.JSONDecodeError as error:
        raise _unreadable(path, f"not JSON ({error.msg}, line {error.lineno})") from None
    except RunbookFileError as error:
        raise _unreadable(path, str(error)) from None
    if state.cluster != cluster:
        raise _unreadable(path, f"it belongs to cluster {state.cluster!r}, not {cluster!r}")
    return state


def _unreadable(path: Path, why: str) -> RunbookFileError:
    return RunbookFileError(f"the saved switchover {path} cannot be read: {why}; it is left as "
                            "it is (`hacon switchover --abandon` keeps it aside as "
                            f"{path.name}.unreadable-TIME)")


def save(state: Switchover, directory: Path | None = None) -> Path:
    """Write `state` atomically, readable by this user only; the file's path."""
    path = path_for(state.cluster, directory)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = (json.dumps(to_document(state), indent=1, ensure_ascii=False) + "\n").encode()
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(descriptor, 0o600)
        os.write(descriptor, data)
        os.fsync(descriptor)
        os.close(descriptor)
        descriptor = -1
        os.replace(temporary, path)
    except BaseException:
        if descriptor >= 0:
            os.close(descriptor)
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return path


def remove(cluster: str, directory: Path | None = None) -> None:
    """Forget `cluster`'s switchover (done or abandoned; the audit journal keeps its story)."""
    path_for(cluster, directory).unlink(missing_ok=True)
    if (directory or state_dir()).exists():
        _fsync_directory(directory or state_dir())


def set_aside(cluster: str, directory: Path | None = None) -> Path | None:
    """Rename an unreadable file out of the way (kept, never deleted); its new path."""
    path = path_for(cluster, directory)
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%dT%H%M%S')}")
    os.replace(path, aside)
    _fsync_directory(path.parent)
    return aside


def _fsync_directory(directory: Path) -> None:
    """A rename is on disk only once its directory is synced."""
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
