"""What tests do to a running lab: run commands in nodes, read views, break and heal things."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Sequence

from . import netns
from .files import LabFiles
from .procs import is_namespace_init, processes_in_pid_namespace
from .settings import HOST_OCTET, VIP_OCTET, subnet_address
from .state import LabState, NodeState
from .views import LAB_RESOURCES, NodeView, converged, parse_crm_mon

NODE_ENV = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", "HOME=/root"]
POLL_SECONDS = 0.25


class LabError(RuntimeError):
    """The lab cannot do what was asked; the message says why."""


class LabOperations:
    """Verbs on a running lab. `Lab` (harness.py) adds the lifecycle."""

    state: LabState

    def __init__(self, files: LabFiles) -> None:
        self.files = files

    # --- facts ----------------------------------------------------------------------------

    @property
    def nodes(self) -> list[str]:
        """All node names, powered or not."""
        return list(self.state.nodes)

    @property
    def vip_address(self) -> str:
        """ClusterIP's address."""
        return subnet_address(self.state.subnet, VIP_OCTET)

    @property
    def host_address(self) -> str:
        """The host's own address in the lab (its single veth)."""
        return subnet_address(self.state.subnet, HOST_OCTET)

    def address(self, node: str) -> str:
        """A node's eth0 address."""
        return self.state.nodes[node].address

    def powered(self) -> list[str]:
        """Nodes whose init is running."""
        return [name for name, node in self.state.nodes.items() if node.init_pid is not None]

    def ssh_config(self) -> str:
        """OpenSSH client config text: Host node-a.., vip; the lab key and known_hosts."""
        return self.files.ssh_config.read_text()

    # --- running commands -----------------------------------------------------------------

    def exec(
        self,
        node: str,
        argv: Sequence[str],
        *,
        check: bool = False,
        timeout: float = 30,
        input_text: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run argv inside the node (all its namespaces) with a clean environment."""
        record = self._running(node)
        command = [
            "nsenter",
            "--target",
            str(record.init_pid),
            "--net",
            "--mount",
            "--uts",
            "--ipc",
            "--pid",
            "--",
            "env",
            "-i",
            *NODE_ENV,
            *argv,
        ]
        result = subprocess.run(
            command, input=input_text, capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and result.returncode != 0:
            raise LabError(
                f"{node}: {' '.join(argv)} failed ({result.returncode}): {result.stderr.strip()}"
            )
        return result

    def _running(self, node: str) -> NodeState:
        record = self.state.nodes[node]
        if record.init_pid is None or not is_namespace_init(record.init_pid, record.netns_inode):
            raise LabError(f"{node} is not running")
        return record

    def cib(self, node: str) -> str:
        """`cibadmin -Q` as the node itself sees it."""
        return self.exec(node, ["cibadmin", "--query"], check=True).stdout

    def ip_addr(self, node: str) -> str:
        """`ip -o addr` inside the node (what hacon's VIP probe reads)."""
        return self.exec(node, ["ip", "-o", "addr"], check=True).stdout

    # --- views and convergence ------------------------------------------------------------

    def view(self, node: str) -> NodeView:
        """The node's own view (crm_mon on that node)."""
        output = self.exec(node, ["crm_mon", "-1", "--output-as=xml"], timeout=15)
        if output.returncode != 0:
            raise LabError(f"{node}: crm_mon failed ({output.returncode}): {output.stderr.strip()}")
        return parse_crm_mon(node, output.stdout)

    def status(self) -> dict[str, NodeView | str]:
        """Every node's view, or why there is none ("powered off", an error)."""
        result: dict[str, NodeView | str] = {}
        for node in self.nodes:
            try:
                result[node] = self.view(node)
            except (LabError, subprocess.TimeoutExpired) as error:
                result[node] = str(error)
        return result

    def wait(self, timeout: float = 60) -> str:
        """Wait until all powered nodes agree on one DC, all online, VIP + service together.

        Returns the holder; raises LabError with the last views on timeout.
        """
        deadline = time.monotonic() + timeout
        last: dict[str, NodeView | str] = {}
        while time.monotonic() < deadline:
            expected = frozenset(self.powered())
            last = {node: self._view_or_reason(node) for node in expected}
            views = {node: view for node, view in last.items() if isinstance(view, NodeView)}
            holder = converged(views, expected)
            if holder is not None and self.vip() == [holder]:
                return holder
            time.sleep(POLL_SECONDS)
        raise LabError(f"not converged after {timeout:.0f} s; last views: {last}")

    def _view_or_reason(self, node: str) -> NodeView | str:
        try:
            return self.view(node)
        except (LabError, subprocess.TimeoutExpired) as error:
            return str(error)

    def vip(self) -> list[str]:
        """Nodes whose eth0 holds the VIP right now, read from the kernel."""
        return [
            name
            for name, node in self.state.nodes.items()
            if self.vip_address in netns.eth0_addresses(node.netns)
        ]

    def wait_for_vip(self, expected: Sequence[str], timeout: float = 30) -> float:
        """Poll the interfaces until the VIP is on exactly `expected`; return seconds waited."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.vip() == sorted(expected):
                return time.monotonic() - started
            time.sleep(0.05)
        raise LabError(f"VIP on {self.vip()}, not {sorted(expected)}, after {timeout:.0f} s")

    # --- faults ---------------------------------------------------------------------------

    def partition(self, node: str, hard: bool = False) -> None:
        """Cut the node off from its peers: nft drop rules, or (`hard`) its bridge port down.

        After a soft partition the host still reaches the node over SSH; after a hard one it
        cannot, though `exec` still works.
        """
        record = self.state.nodes[node]
        if hard:
            netns.set_port(self.state.switch_ns, record.port, up=False)
        else:
            peers = [other.address for other in self.state.nodes.values() if other is not record]
            netns.isolate(record.netns, peers)

    def block_host(self, node: str) -> None:
        """The host can no longer reach the node directly, only through another node (`-J`)."""
        netns.block_host(self.state.nodes[node].netns, self.host_address)

    def heal(self, node: str) -> None:
        """Undo any partition (soft or hard) and any host block."""
        record = self.state.nodes[node]
        netns.reconnect(record.netns)
        netns.set_port(self.state.switch_ns, record.port, up=True)

    def set_standby(self, node: str, on: bool, via: str | None = None) -> None:
        """Standby on/off with crm_attribute run inside a node (behind hacon's back)."""
        argv = [
            "crm_attribute",
            "--node",
            node,
            "--name",
            "standby",
            "--update",
            "on" if on else "off",
        ]
        self.exec(via or node, argv, check=True)

    def stop_sshd(self, node: str) -> None:
        """Stop every sshd of the node (listener and sessions): SSH to it now fails."""
        record = self._running(node)
        for pid in processes_in_pid_namespace(record.init_pid or 0, "sshd"):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while processes_in_pid_namespace(record.init_pid or 0, "sshd"):
            if time.monotonic() > deadline:
                raise LabError(f"sshd of {node} did not stop")
            time.sleep(0.05)

    def start_sshd(self, node: str) -> None:
        """Start sshd again (it daemonises and is adopted by the node's init)."""
        config = self.files.node_dir(node) / "sshd_config"
        self.exec(
            node, ["/usr/sbin/sshd", "-f", os.fspath(config), "-E", "/var/log/sshd.log"], check=True
        )

    def start(self, node: str) -> None:
        """Power a node on; the lifecycle class (`Lab`) implements it."""
        raise NotImplementedError

    # --- back to healthy ------------------------------------------------------------------

    def restore(self, timeout: float = 60) -> str:
        """Undo what tests do: power on, heal, sshd up, standby off, bans and failcounts gone.

        Cheap when nothing is wrong (one crm_mon per node). Returns the converged holder.
        """
        for node in self.nodes:
            record = self.state.nodes[node]
            self.heal(node)
            if record.init_pid is None:
                self.start(node)
            elif not processes_in_pid_namespace(record.init_pid, "sshd"):
                self.start_sshd(node)
        self._wait_for_membership(timeout)
        self._clear_leftovers(self.nodes[0])
        return self.wait(timeout)

    def _wait_for_membership(self, timeout: float) -> None:
        """One DC and everyone online: CIB writes made before that could be lost on join."""
        deadline = time.monotonic() + timeout
        expected = frozenset(self.powered())
        while time.monotonic() < deadline:
            views = [self._view_or_reason(node) for node in expected]
            dcs = {v.dc for v in views if isinstance(v, NodeView)}
            if all(isinstance(v, NodeView) and v.online == expected for v in views) and (
                len(dcs) == 1 and None not in dcs
            ):
                return
            time.sleep(POLL_SECONDS)
        raise LabError(f"membership not complete after {timeout:.0f} s")

    def _clear_leftovers(self, via: str) -> None:
        if self._cib_has(via, "//nvpair[@name='standby' and @value!='off']"):
            for node in self.nodes:
                self.exec(
                    via,
                    ["crm_attribute", "--node", node, "--name", "standby", "--delete"],
                    check=True,
                )
        if self._cib_has(via, "//rsc_location[starts-with(@id, 'cli-')]"):
            for resource in LAB_RESOURCES:
                self.exec(via, ["crm_resource", "--clear", "--resource", resource], check=True)
        self._clear_maintenance(via)
        if self._cib_has(via, "//nvpair[starts-with(@name, 'fail-count-')]"):
            self.exec(via, ["crm_resource", "--cleanup"], check=True)

    def _clear_maintenance(self, via: str) -> None:
        """Maintenance of the cluster, a node or a resource (is-managed), with hacon's stamp,
        and a disabled resource (target-role)."""
        names = ("maintenance-mode", "maintenance", "is-managed", "hacon-maintenance-since",
                 "target-role")
        if not any(self._cib_has(via, f"//nvpair[@name='{name}']") for name in names):
            return
        for name in ("maintenance-mode", "hacon-maintenance-since"):
            self.exec(via, ["crm_attribute", "--type", "crm_config", "--name", name, "--delete"])
        for node in self.nodes:
            for name in ("maintenance", "hacon-maintenance-since"):
                self.exec(via, ["crm_attribute", "--node", node, "--name", name, "--delete"])
        for resource in LAB_RESOURCES:
            for name in ("is-managed", "maintenance", "hacon-maintenance-since", "target-role"):
                self.exec(via, ["crm_resource", "--resource", resource, "--meta",
                                "--delete-parameter", name])

    def _cib_has(self, node: str, xpath: str) -> bool:
        result = self.exec(node, ["cibadmin", "--query", "--xpath", xpath, "--no-children"])
        return result.returncode == 0

    # --- diagnostics ----------------------------------------------------------------------

    def log_tails(self, lines: int = 15) -> str:
        """The last lines of every node log, for error messages."""
        parts = []
        for node in getattr(self, "state", None) and self.nodes or []:
            base = self.files.node_dir(node)
            for log in ("init.log", "log/cluster/corosync.log", "log/pacemaker/pacemaker.log"):
                path = base / log
                if path.exists():
                    tail = path.read_text(errors="replace").splitlines()[-lines:]
                    parts.append(f"--- {node}/{log}\n" + "\n".join(tail))
        return "\n".join(parts)
