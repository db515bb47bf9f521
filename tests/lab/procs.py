"""Processes of the lab: run host commands, find each node's PID-1, signal only what is ours.

Every signal goes to a PID we verified: it must live in the node's network namespace (compared by
inode with /run/netns/<name>) and, for the node's init, be PID 1 of its own PID namespace
(`NSpid:` ends in 1). README.md gotcha 1: the PID right after `unshare --fork` is not the init.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

HOST_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}


def run(
    argv: Sequence[str], *, check: bool = True, input_text: str | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """Run a host command with a clean environment; raise with its stderr when `check` fails."""
    result = subprocess.run(
        list(argv),
        env=HOST_ENV,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.strip()}"
        )
    return result


def netns_inode(name: str) -> int | None:
    """Inode of a named network namespace, or None when it does not exist."""
    try:
        return os.stat(f"/run/netns/{name}").st_ino
    except OSError:
        return None


def _ns_inode(pid: int, kind: str) -> int | None:
    try:
        return os.stat(f"/proc/{pid}/ns/{kind}").st_ino
    except OSError:
        return None


def _status_field(pid: int, field: str) -> str | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def _pids() -> Iterator[int]:
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            yield int(entry.name)


def is_namespace_init(pid: int, net_inode: int) -> bool:
    """True when `pid` is PID 1 of a PID namespace and lives in the netns with `net_inode`."""
    nspid = (_status_field(pid, "NSpid") or "").split()
    return len(nspid) > 1 and nspid[-1] == "1" and _ns_inode(pid, "net") == net_inode


def find_namespace_init(net_inode: int) -> int | None:
    """The PID (host view) of the node init living in the given netns, found by scanning /proc."""
    for pid in _pids():
        if is_namespace_init(pid, net_inode):
            return pid
    return None


def wait_for_namespace_init(net_inode: int, timeout: float = 10.0) -> int:
    """Wait until the freshly forked node init shows up; return its host PID."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = find_namespace_init(net_inode)
        if pid is not None:
            return pid
        time.sleep(0.02)
    raise RuntimeError("the node's init did not appear in its namespaces")


def kill_namespace_init(pid: int, net_inode: int, timeout: float = 10.0) -> bool:
    """SIGKILL a node's init (the kernel then kills its whole PID namespace); wait until gone.

    Returns False, without signalling, when `pid` is not that node's init any more.
    """
    if not is_namespace_init(pid, net_inode):
        return False
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.02)
    return True


def _alive(pid: int) -> bool:
    state = _status_field(pid, "State")
    return state is not None and not state.startswith("Z")


def processes_in_pid_namespace(init_pid: int, command: str) -> list[int]:
    """Host PIDs of the processes named `command` inside the PID namespace of `init_pid`."""
    target = _ns_inode(init_pid, "pid")
    if target is None:
        return []
    return [
        pid
        for pid in _pids()
        if _ns_inode(pid, "pid") == target and _status_field(pid, "Name") == command
    ]
