"""Everything a lab keeps on disk, laid out under its state dir.

```
STATE/state.json                 what `down` and other processes need (see state.py)
STATE/bin/nodeinit.py            PID 1 of every node (copied: a running lab ignores checkout edits)
STATE/bin/fake-opensips          the SIP stand-in run by ocf:heartbeat:anything
STATE/hosts                      bound over /etc/hosts in every node
STATE/ssh/id_ed25519[.pub]       the client key (root@every node)
STATE/ssh/authorized_keys, known_hosts, config, hostkeys/node-X[.pub]
STATE/nodes/node-X/etc-corosync/corosync.conf     bound over /etc/corosync
STATE/nodes/node-X/var-lib-corosync/              bound over /var/lib/corosync
STATE/nodes/node-X/var-lib-pacemaker/cib/cib.xml  bound over /var/lib/pacemaker (initial CIB)
STATE/nodes/node-X/log/{cluster/corosync.log,pacemaker/pacemaker.log,sshd.log,fake-opensips.log}
STATE/nodes/node-X/sshd_config, init.log
```
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from . import render
from . import fencing as fencing_module
from .cib import build_initial_cib
from .procs import run

HERE = Path(__file__).resolve().parent
PACEMAKER_DIRS = ("cib", "pengine", "blackbox", "cores")


def system_python() -> str:
    """The interpreter for in-node scripts: Debian's python3 (pcs depends on it), else ours."""
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


class LabFiles:
    """Paths of one lab's files, and the code that writes them."""

    def __init__(self, state_dir: Path) -> None:
        self.root = state_dir
        self.ssh = state_dir / "ssh"
        self.identity = self.ssh / "id_ed25519"
        self.known_hosts = self.ssh / "known_hosts"
        self.ssh_config = self.ssh / "config"
        self.hosts = state_dir / "hosts"
        self.nodeinit = state_dir / "bin" / "nodeinit.py"
        self.fake_opensips = state_dir / "bin" / "fake-opensips"
        self.fencebin = state_dir / "fencebin"
        self.fence_requests = state_dir / "fence"

    def node_dir(self, node: str) -> Path:
        """Everything private to one node."""
        return self.root / "nodes" / node

    def write_all(
        self, addresses: Mapping[str, str], vip: str, token_ms: int, dc_deadtime: str,
        fencing: bool = False,
    ) -> None:
        """Create the state dir with keys, configs, scripts and each node's seeded state."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=False)
        self._write_scripts()
        device = None
        if fencing:
            fencing_module.write_agent(self.fencebin, self.fence_requests, system_python())
            device = fencing_module.device_primitive(list(addresses))
        host_keys = self._write_keys(list(addresses))
        self.hosts.write_text(render.hosts_file(addresses, vip))
        self.known_hosts.write_text(render.known_hosts(addresses, host_keys, vip))
        self.ssh_config.write_text(
            render.ssh_config(addresses, vip, self.identity, self.known_hosts)
        )
        initial_cib = self.root / "initial-cib.xml"
        build_initial_cib(initial_cib, vip, self.fake_opensips, dc_deadtime, device)
        corosync_conf = render.corosync_conf(addresses, token_ms)
        for node in addresses:
            self._write_node(node, corosync_conf, initial_cib)

    def _write_scripts(self) -> None:
        self.nodeinit.parent.mkdir()
        shutil.copyfile(HERE / "nodeinit.py", self.nodeinit)
        source = (HERE / "fake_opensips.py").read_text()
        self.fake_opensips.write_text(
            source.replace("#!/usr/bin/python3", "#!" + system_python(), 1)
        )
        self.fake_opensips.chmod(0o755)

    def _write_keys(self, nodes: list[str]) -> dict[str, str]:
        (self.ssh / "hostkeys").mkdir(parents=True)
        _keygen(self.identity, "hacon-lab-client")
        (self.ssh / "authorized_keys").write_text(self.identity.with_suffix(".pub").read_text())
        host_keys = {}
        for node in nodes:
            key = self.ssh / "hostkeys" / node
            _keygen(key, f"hacon-lab-{node}")
            algorithm, blob = key.with_suffix(".pub").read_text().split()[:2]
            host_keys[node] = f"{algorithm} {blob}"
        return host_keys

    def _write_node(self, node: str, corosync_conf: str, initial_cib: Path) -> None:
        base = self.node_dir(node)
        (base / "etc-corosync").mkdir(parents=True)
        (base / "etc-corosync" / "corosync.conf").write_text(corosync_conf)
        (base / "var-lib-corosync").mkdir()
        for sub in PACEMAKER_DIRS:
            _owned_dir(base / "var-lib-pacemaker" / sub, 0o750)
        cib = base / "var-lib-pacemaker" / "cib" / "cib.xml"
        shutil.copyfile(initial_cib, cib)
        cib.chmod(0o600)
        shutil.chown(cib, "hacluster", "haclient")
        (base / "log" / "cluster").mkdir(parents=True)
        _owned_dir(base / "log" / "pacemaker", 0o770)
        (base / "sshd_config").write_text(
            render.sshd_config(self.ssh / "hostkeys" / node, self.ssh / "authorized_keys")
        )


def _keygen(path: Path, comment: str) -> None:
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", os.fspath(path)])


def _owned_dir(path: Path, mode: int) -> None:
    """A directory the Pacemaker daemons (user hacluster, group haclient) can write."""
    path.mkdir(parents=True)
    path.chmod(mode)
    shutil.chown(path, "hacluster", "haclient")
