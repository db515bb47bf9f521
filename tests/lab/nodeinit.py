"""PID 1 of a lab node: private mounts, then corosync, pacemakerd and sshd; then reap forever.

Run as `python3 -I nodeinit.py NODE NODE_DIR HOSTS_FILE [FENCEBIN]` inside fresh mount/uts/ipc/pid
namespaces of the node's netns (the harness does that with `ip netns exec ... unshare`).
Standard library only. Killing this process with SIGKILL from the host kills the whole node
at once (PID-namespace semantics), which is how the lab simulates power loss.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

CLEAN_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LC_ALL": "C"}
BINDS = {
    "etc-corosync": "/etc/corosync",
    "var-lib-corosync": "/var/lib/corosync",
    "var-lib-pacemaker": "/var/lib/pacemaker",
    "log": "/var/log",
}


def mount_private_state(node_dir: Path, hosts_file: Path) -> None:
    """tmpfs over /run and /dev/shm, binds of the node's own state over the host's paths."""
    _run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run"])
    # libqb IPC ring buffers live in /dev/shm: private per node so tools talk to their own node.
    _run(["mount", "-t", "tmpfs", "-o", "mode=1777", "tmpfs", "/dev/shm"])
    for source, target in BINDS.items():
        _run(["mount", "--bind", os.fspath(node_dir / source), target])
    _run(["mount", "--bind", os.fspath(hosts_file), "/etc/hosts"])
    # The host's /root is the developer's home: its ~/.bashrc (pyenv init here) ran in every SSH
    # session and `su -` of the node, costing ~0.5 s and 50 processes each, and a lock it leaves
    # behind when a node is killed stalled later logins for 60 s. A node gets an empty home.
    _run(["mount", "-t", "tmpfs", "-o", "mode=0700", "tmpfs", "/root"])
    for directory in ("/run/sshd", "/run/lock", "/run/resource-agents"):
        os.makedirs(directory, mode=0o755, exist_ok=True)  # sshd refuses to run without /run/sshd
    os.makedirs("/run/crm", mode=0o750, exist_ok=True)
    _run(["chown", "hacluster:haclient", "/run/crm"])


def start_cluster_stack(node_dir: Path) -> None:
    """corosync first; pacemakerd once corosync answers; sshd last."""
    log = open(node_dir / "init.log", "ab")  # noqa: SIM115 - lives as long as the node
    subprocess.Popen(["corosync", "-f"], env=CLEAN_ENV, stdout=log, stderr=log)
    _wait_for_corosync()
    pacemaker_env = {
        **CLEAN_ENV,
        "PCMK_logfile": "/var/log/pacemaker/pacemaker.log",
        "PCMK_logfacility": "none",
    }
    subprocess.Popen(["pacemakerd"], env=pacemaker_env, stdout=log, stderr=log)
    sshd = [
        "/usr/sbin/sshd",
        "-D",
        "-f",
        os.fspath(node_dir / "sshd_config"),
        "-E",
        "/var/log/sshd.log",
    ]
    subprocess.Popen(sshd, env=CLEAN_ENV, stdout=log, stderr=log)


def _wait_for_corosync(timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        probe = subprocess.run(
            ["corosync-cfgtool", "-s"], env=CLEAN_ENV, capture_output=True, check=False
        )
        if probe.returncode == 0:
            return
        time.sleep(0.1)
    print("nodeinit: corosync did not answer; starting pacemakerd anyway", file=sys.stderr)


def reap_forever() -> None:
    """As PID 1 we inherit every orphan (the `anything` agent's nohup'ed service, sshd sessions)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            time.sleep(1)


def _run(argv: list[str]) -> None:
    subprocess.run(argv, env=CLEAN_ENV, check=True)


def mount_fence_agents(fencebin: Path) -> None:
    """pacemaker-fenced runs agents from /usr/sbin only: overlay the lab's agent on it, read-only,
    in this node's mount namespace (the host's /usr/sbin is untouched)."""
    _run(["mount", "-t", "overlay", "overlay", "-o",
          f"lowerdir={os.fspath(fencebin)}:/usr/sbin", "/usr/sbin"])


def main(node: str, node_dir: Path, hosts_file: Path, fencebin: Path | None = None) -> None:
    """Boot the node."""
    socket.sethostname(node)
    mount_private_state(node_dir, hosts_file)
    if fencebin is not None:
        mount_fence_agents(fencebin)
    start_cluster_stack(node_dir)
    reap_forever()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]),
         Path(sys.argv[4]) if len(sys.argv) > 4 else None)
