"""The lab: a real Pacemaker/Corosync cluster of 1-6 nodes in Linux namespaces on this machine.

Lifecycle verbs live here (`up`, `down`, `kill`, `start`); what tests do to a running cluster
(partitions, sshd, standby, reading views) is in `LabOperations` (operations.py), which `Lab`
inherits. See the package docstring for the picture and README.md for the recipe behind it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Self

from . import netns
from .files import LabFiles, system_python
from .operations import LabError, LabOperations
from .procs import HOST_ENV, kill_namespace_init, netns_inode, wait_for_namespace_init
from .settings import (
    HOST_OCTET,
    SUBNET_CANDIDATES,
    LabSettings,
    node_address,
    node_names,
    subnet_address,
)
from .state import STATE_FILE, LabState, NodeState

LOCK_FILE = Path("/tmp/hacon-lab.lock")
"""Serialises choosing a /24 between labs started at the same moment by different processes."""


class Lab(LabOperations):
    """One lab. Build it with settings, then `up()`; always `down()` (idempotent) afterwards."""

    def __init__(self, settings: LabSettings | None = None) -> None:
        self.settings = settings or LabSettings()
        super().__init__(LabFiles(self.settings.root))
        self._launchers: dict[str, subprocess.Popen[bytes]] = {}
        self.up_seconds: float | None = None

    @classmethod
    def attach(cls, state_dir: Path) -> Lab:
        """Operate a lab that another process brought up (the CLI does this)."""
        state = LabState.load(state_dir)
        settings = LabSettings(
            nodes=len(state.nodes),
            subnet=state.subnet,
            token_ms=state.token_ms,
            state_dir=state_dir,
            tag=state.tag,
        )
        lab = cls(settings)
        lab.state = state
        return lab

    def __enter__(self) -> Self:
        """`with Lab(settings) as lab:` brings it up and always ends it."""
        self.up()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.down()

    # --- up -------------------------------------------------------------------------------

    def up(self) -> float:
        """Create and boot every node; return once converged (seconds taken).

        On failure the lab is torn down and LabError carries the node logs' last lines.
        """
        if self.files.root.exists():
            raise LabError(f"{self.files.root} exists: is another lab using it?")
        started = time.monotonic()
        try:
            self._create_network_and_files()
            for node in self.state.nodes.values():
                self._launch(node)
            self.wait(self.settings.up_timeout)
        except BaseException as error:
            diagnostics = self.log_tails() if isinstance(error, Exception) else ""
            self.down()
            if isinstance(error, Exception):
                raise LabError(f"lab did not come up: {error}\n{diagnostics}") from error
            raise
        self.up_seconds = time.monotonic() - started
        return self.up_seconds

    def _create_network_and_files(self) -> None:
        with _host_lock():  # the /24 is ours once the host veth carries its .1
            self.state = self._new_state(self._choose_subnet())
            addresses = {name: node.address for name, node in self.state.nodes.items()}
            self.files.write_all(
                addresses, self.vip_address, self.settings.token_ms, self.settings.dc_deadtime
            )
            self.state.save(self.files.root)
            host_cidr = f"{subnet_address(self.state.subnet, HOST_OCTET)}/24"
            netns.create_switch(self.state.switch_ns, self.state.host_link, host_cidr)
        for node in self.state.nodes.values():
            netns.create_node_network(
                node.netns, self.state.switch_ns, node.port, f"{node.address}/24"
            )
            node.netns_inode = netns_inode(node.netns) or 0
        self.state.save(self.files.root)

    def _new_state(self, subnet: str) -> LabState:
        prefix = self.settings.prefix
        nodes = {
            name: NodeState(
                name=name,
                address=node_address(subnet, index),
                netns=f"{prefix}-{name}",
                port=f"{prefix}-p{index + 1}",
            )
            for index, name in enumerate(node_names(self.settings.nodes))
        }
        return LabState(
            tag=self.settings.tag,
            subnet=subnet,
            token_ms=self.settings.token_ms,
            switch_ns=f"{prefix}-sw",
            host_link=f"{prefix}-h0",
            made_netns_mount=not netns.netns_mount_exists(),
            nodes=nodes,
        )

    def _choose_subnet(self) -> str:
        wanted = self.settings.subnet
        candidates = SUBNET_CANDIDATES if wanted == "auto" else (wanted,)
        reasons = []
        for subnet in candidates:
            reason = netns.subnet_in_use(subnet)
            if reason is None:
                return subnet
            reasons.append(reason)
        raise LabError("no free /24 for the lab: " + "; ".join(reasons))

    def _launch(self, node: NodeState) -> None:
        """Boot a node: its init becomes PID 1 of new mount/uts/ipc/pid namespaces in its netns."""
        argv = [
            "ip",
            "netns",
            "exec",
            node.netns,
            "unshare",
            "--mount",
            "--uts",
            "--ipc",
            "--pid",
            "--fork",
            "--kill-child",
            "--mount-proc",
            "--propagation",
            "private",
            "--",
            system_python(),
            "-I",
            os.fspath(self.files.nodeinit),
            node.name,
            os.fspath(self.files.node_dir(node.name)),
            os.fspath(self.files.hosts),
        ]
        with open(self.files.node_dir(node.name) / "init.log", "ab") as log:
            self._launchers[node.name] = subprocess.Popen(
                argv,
                env=HOST_ENV,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        node.init_pid = wait_for_namespace_init(node.netns_inode)
        self.state.save(self.files.root)

    # --- power ----------------------------------------------------------------------------

    def kill(self, node: str) -> None:
        """Power loss: every process of the node dies at once, and its network goes dark."""
        record = self.state.nodes[node]
        self._power_off(record)
        netns.reconnect(record.netns)
        netns.unplug(record.netns)
        self.state.save(self.files.root)

    def start(self, node: str) -> None:
        """Power on after `kill`: cable in, address back, fresh /run; the on-disk CIB is kept."""
        record = self.state.nodes[node]
        if record.init_pid is not None:
            raise LabError(f"{node} is running; kill it first")
        netns.reconnect(record.netns)
        netns.set_port(self.state.switch_ns, record.port, up=True)
        netns.plug_in(record.netns, f"{record.address}/24")
        self._launch(record)

    def _power_off(self, record: NodeState) -> None:
        if record.init_pid is not None:
            kill_namespace_init(record.init_pid, record.netns_inode)
        record.init_pid = None
        launcher = self._launchers.pop(record.name, None)
        if launcher is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                launcher.wait(timeout=5)

    # --- down -----------------------------------------------------------------------------

    def down(self) -> None:
        """End the lab completely; safe to call twice, after a failed `up`, or from atexit."""
        state = self._known_state()
        if state is not None:
            for record in state.nodes.values():
                self._power_off_any(record)
            for name in [*(record.netns for record in state.nodes.values()), state.switch_ns]:
                netns.delete_netns(name)
            netns.delete_link(state.host_link)
            if state.made_netns_mount:
                netns.release_netns_mount()
        if (self.files.root / STATE_FILE).exists() or _only_ours(self.files.root):
            self._keep_logs()
            shutil.rmtree(self.files.root, ignore_errors=True)

    def _keep_logs(self) -> None:
        """With HACON_LAB_LOGS=DIR, copy the node logs there before the state dir goes (CI)."""
        target = os.environ.get("HACON_LAB_LOGS")
        nodes = self.files.root / "nodes"
        if target and nodes.is_dir():
            destination = Path(target) / f"{self.files.root.name}-{self.settings.tag}"
            shutil.copytree(
                nodes,
                destination,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("var-lib-*", "etc-corosync"),
            )

    def _known_state(self) -> LabState | None:
        if getattr(self, "state", None) is not None:
            return self.state
        with contextlib.suppress(FileNotFoundError, ValueError):
            return LabState.load(self.files.root)
        return None

    def _power_off_any(self, record: NodeState) -> None:
        """Kill the node's init, found again by netns inode if the recorded PID is stale."""
        from .procs import find_namespace_init  # local: only down() needs the /proc scan

        inode = netns_inode(record.netns)
        if inode is not None and inode == record.netns_inode:
            pid = find_namespace_init(inode)
            if pid is not None:
                record.init_pid = pid
        self._power_off(record)


def _only_ours(path: Path) -> bool:
    """A state dir that failed before state.json was written: only our own layout inside."""
    return path.is_dir() and set(os.listdir(path)) <= {
        "ssh",
        "bin",
        "nodes",
        "hosts",
        "initial-cib.xml",
    }


@contextlib.contextmanager
def _host_lock() -> Iterator[None]:
    with open(LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
