"""hacon's real-cluster lab: Pacemaker 2.1.5 + Corosync 3 nodes in Linux namespaces, as root.

Each node is corosync + pacemakerd + sshd, PID 1 of its own pid/mount/uts/ipc namespaces inside
its own netns; the nodes share a bridge that lives in a netns of its own. The host has one veth
(`.1`) into that bridge and nothing else: no default route, no NAT, ip_forward untouched, so lab
traffic never leaves the namespaces the lab created. Recipe, timings and gotchas: README.md here.

```
 host netns                       <tag>-sw netns               node netns (+ mnt/uts/ipc/pid ns)
 clab<tag>-h0 10.213.47.1/24 ──── host ┐
                                       ├ br0 ── clab<tag>-p1 ── eth0 .11  node-a
                                       └─────── clab<tag>-p2 ── eth0 .12  node-b   (.13 node-c)
 VIP .100/24 (ocf:heartbeat:IPaddr2 "ClusterIP") on the active node's eth0, and
 "OSIPS" (ocf:heartbeat:anything running fake-opensips on VIP:5060/udp) colocated with it.
```

Python API (tests):

```
from tests.lab import Lab, LabSettings
lab = Lab(LabSettings(nodes=2))        # subnet="auto", token_ms=1000, state_dir=/tmp/hacon-lab-*
lab.up()                               # seconds until converged (DC, all online, VIP+OSIPS Started)
                                       # (or: `with Lab(settings) as lab:` ... always torn down)
try:
    lab.vip()                          # ["node-a"]: whose eth0 holds the VIP (kernel truth)
    lab.exec("node-a", ["crm_mon", "-1"]).stdout
    lab.files.ssh_config               # OpenSSH/asyncssh config: Host node-a, node-b, vip
    lab.set_standby("node-a", True); lab.kill("node-a"); lab.start("node-a")
    lab.partition("node-a", hard=False); lab.heal("node-a"); lab.stop_sshd("node-b")
    lab.block_host("node-b")           # only reachable through node-a as a jump host
    lab.view("node-a")                 # NodeView: dc, quorate, online, standby, running
    lab.cib("node-a"); lab.ip_addr("node-a")
    lab.wait(30)                       # converged again; returns the holder
    lab.restore()                      # power on, heal, sshd, standby off, bans/failcounts cleared
finally:
    lab.down()                         # idempotent; kills only the node inits it verified
```

pytest: fixtures `lab` (2 nodes, session) and `lab3` (3 nodes, session), marker `lab`, in
tests/lab/conftest.py (see fixtures.py to use them from another test folder). Without root or
namespaces the lab tests skip with one "LAB TESTS SKIPPED: <reason>" line in the summary.

Gotchas of the harness itself (the cluster's are in README.md):
* `os.path.ismount` cannot see the /run/netns self-bind (same st_dev): read mountinfo.
* Right after a partition the VIP is on the new side's eth0 before OSIPS starts there, and in a
  3-node isolation the VIP is briefly on no eth0 at all: poll the views, not just interfaces.
* `stop_sshd` kills the sessions too, or a kept-alive connection keeps a "stopped" node reachable.
* `crm_simulate` (used elsewhere) writes shadow.<pid> into the host's /var/lib/pacemaker/cib
  unless CIB_shadow_dir points somewhere else.

By hand: `python -m tests.lab up 2`, then `status`, `vip`, `kill node-a`, ..., `down`
(see cli.py). Real CIBs for fixtures: `python -m tests.lab.capture` (see capture.py).
"""

from __future__ import annotations

from .harness import Lab
from .operations import LabError
from .settings import LabSettings
from .views import NodeView

__all__ = ["Lab", "LabError", "LabSettings", "NodeView"]
