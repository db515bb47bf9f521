"""Can this machine run a lab? Checked by trying, harmlessly, what the lab needs.

The answer is a reason string (why not) or None. Tests use it to skip with one loud line.
"""

from __future__ import annotations

import functools
import os
import shutil

from . import netns
from .procs import run

REQUIRED_COMMANDS = (
    "ip",
    "unshare",
    "nsenter",
    "nft",
    "corosync",
    "corosync-cfgtool",
    "pacemakerd",
    "crm_mon",
    "cibadmin",
    "crm_attribute",
    "crm_resource",
    "sshd",
    "ssh",
    "ssh-keygen",
    "su",
)
REQUIRED_FILES = (
    "/usr/lib/ocf/resource.d/heartbeat/IPaddr2",
    "/usr/lib/ocf/resource.d/heartbeat/anything",
)


@functools.cache
def lab_unavailable_reason() -> str | None:
    """Why a lab cannot run here, or None when it can (result cached per process).

    Setting HACON_NO_LAB=1 turns the lab off on purpose (fast local runs); it still says so.
    """
    if os.environ.get("HACON_NO_LAB"):
        return "HACON_NO_LAB is set (lab tests turned off on purpose)"
    if os.geteuid() != 0:
        return ("not root (the lab needs CAP_SYS_ADMIN and CAP_NET_ADMIN); to run them: "
                "`sudo bash tests/run tests/lab`")
    path = "/usr/sbin:/usr/bin:/sbin:/bin"
    missing = [cmd for cmd in REQUIRED_COMMANDS if shutil.which(cmd, path=path) is None]
    missing += [file for file in REQUIRED_FILES if not os.path.exists(file)]
    if missing:
        return "missing " + ", ".join(missing) + " (tests/run installs them as root)"
    return _try_namespaces()


def _try_namespaces() -> str | None:
    """Create and remove a throwaway pid/mount namespace and a netns with a veth and nft."""
    probe = run(
        ["unshare", "--mount", "--uts", "--ipc", "--pid", "--fork", "--mount-proc", "true"],
        check=False,
    )
    if probe.returncode != 0:
        return f"cannot create namespaces: {probe.stderr.strip() or probe.returncode}"
    name = f"hacon-lab-probe-{os.getpid()}"
    had_mount = netns.netns_mount_exists()
    try:
        for argv in (
            ["ip", "netns", "add", name],
            ["ip", "-n", name, "link", "add", "p0", "type", "veth", "peer", "name", "p1"],
            ["ip", "netns", "exec", name, "nft", "list", "ruleset"],
        ):
            result = run(argv, check=False)
            if result.returncode != 0:
                return f"`{' '.join(argv)}` failed: {result.stderr.strip()}"
        return None
    finally:
        netns.delete_netns(name)
        if not had_mount:
            netns.release_netns_mount()
