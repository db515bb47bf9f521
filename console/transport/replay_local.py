"""crm_simulate on this machine: replay one saved scheduler input to see what it decided.

`crm_simulate -x FILE -S -s --output-as=xml` (Pacemaker 2.1.5) prints the actions it would take
and the allocation scores, without touching any cluster. It runs with a private shadow
directory and a timeout; hacon works without it (the actions then come from the next input).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from console.model.errors import CibParseError
from console.model.transitions.actions import Replay, replay_actions
from console.pacemaker_tools import find_tool

TOOL_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
REPLAY_TIMEOUT_S = 20.0


def crm_simulate_binary() -> str | None:
    """crm_simulate from PATH, else from /usr/sbin (where Pacemaker installs it)."""
    return find_tool("crm_simulate")


def replay_argv(binary: str, path: Path, *, scores: bool = True) -> list[str]:
    """The replay command for one input file (bz2 or plain)."""
    return [binary, "-x", os.fspath(path), "-S", *(["-s"] if scores else []),
            "--output-as=xml"]


def replay_file(path: Path, *, timeout: float = REPLAY_TIMEOUT_S,
                scores: bool = True) -> Replay | str:
    """Replay one input file; a string says why it could not be replayed."""
    binary = crm_simulate_binary()
    if binary is None:
        return "crm_simulate is not installed here"
    with tempfile.TemporaryDirectory(prefix="hacon-replay-") as shadow:
        env = {"PATH": TOOL_PATH, "LC_ALL": "C", "CIB_shadow_dir": shadow, "HOME": shadow}
        try:
            done = subprocess.run(replay_argv(binary, path, scores=scores), env=env,
                                  capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return f"crm_simulate took longer than {timeout:.0f} s"
        except OSError as error:
            return f"crm_simulate could not run: {error}"
    try:
        return replay_actions(done.stdout)
    except CibParseError as error:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        return f"crm_simulate failed (exit {done.returncode}): {reason[-1] if reason else error}"


def replay_bytes(data: bytes, *, timeout: float = REPLAY_TIMEOUT_S,
                 scores: bool = True) -> Replay | str:
    """Replay one input given as bytes (written to a private temporary file first)."""
    with tempfile.TemporaryDirectory(prefix="hacon-replay-") as directory:
        suffix = ".bz2" if data.startswith(b"BZh") else ".xml"
        path = Path(directory, f"input{suffix}")
        path.write_bytes(data)
        return replay_file(path, timeout=timeout, scores=scores)
