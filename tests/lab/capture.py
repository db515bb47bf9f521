"""Capture real CIBs from the lab into tests/fixtures/lab/ (for the demo cluster and tests).

Run as root from the repository root (takes about two minutes):

    python -m tests.lab.capture                     # all scenarios, into tests/fixtures/lab/
    python -m tests.lab.capture --subnet auto       # when 10.213.47.0/24 is taken by another lab
    python -m tests.lab.capture --only split-brain  # one scenario (repeatable)

Each scenario is a folder holding, for every node that could be asked, `<node>.cib.xml`
(`cibadmin --query` run on that node: its own view) and `<node>.ip-addr.txt` (`ip -o addr` on
that node: the kernel's truth about the VIP), plus `scenario.json` saying what was done and
where the kernel had the VIP. The lab's state dir is fixed (/tmp/hacon-lab-capture) so paths
inside the CIB (the fake-opensips binfile) stay the same from one capture to the next.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from .harness import Lab
from .procs import processes_in_pid_namespace
from .settings import DEFAULT_SUBNET, LabSettings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lab"
STATE_DIR = Path("/tmp/hacon-lab-capture")


def capture(lab: Lab, name: str, description: str, nodes: list[str] | None = None) -> None:
    """Write one scenario folder from the given nodes (default: all powered nodes)."""
    folder = FIXTURES / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    asked = nodes or lab.powered()
    for node in asked:
        (folder / f"{node}.cib.xml").write_text(lab.cib(node))
        (folder / f"{node}.ip-addr.txt").write_text(lab.ip_addr(node))
    version = lab.exec(asked[0], ["pacemakerd", "--version"]).stdout.splitlines()[0]
    meta = {
        "description": description,
        "nodes": lab.nodes,
        "captured_from": asked,
        "vip_address": lab.vip_address,
        "vip_on_eth0_of": lab.vip(),
        "subnet": lab.state.subnet,
        "pacemaker": version,
        "captured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (folder / "scenario.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"captured {name}: VIP on {lab.vip()}, from {', '.join(asked)}")


def _move_vip_to(lab: Lab, node: str) -> None:
    """Put the VIP on `node` with a standby flip, leaving no constraint behind."""
    holder = lab.wait()
    if holder != node:
        lab.set_standby(holder, True)
        lab.wait_for_vip([node])
        lab.restore()


def healthy_2node(lab: Lab) -> None:
    _move_vip_to(lab, "node-a")
    capture(lab, "healthy-2node", "2 nodes online, VIP and OSIPS on node-a, DC elected")


def standby_node_a(lab: Lab) -> None:
    _move_vip_to(lab, "node-a")
    lab.set_standby("node-a", True)
    lab.wait()
    capture(
        lab, "standby-node-a", "node-a in standby (crm_attribute); VIP and OSIPS moved to node-b"
    )
    lab.restore()


def power_loss(lab: Lab) -> None:
    _move_vip_to(lab, "node-a")
    lab.kill("node-a")
    lab.wait()
    capture(
        lab,
        "power-loss-survivor",
        "node-a (the VIP holder) lost power; node-b's view "
        "after it took over (node-a OFFLINE, clean: stonith disabled)",
        ["node-b"],
    )
    lab.restore()


def split_brain(lab: Lab) -> None:
    _move_vip_to(lab, "node-a")
    lab.partition("node-a")
    lab.wait_for_vip(["node-a", "node-b"])
    _until(lambda: all(lab.view(node).holder() == node for node in lab.nodes))
    capture(
        lab,
        "split-brain",
        "2-node partition (nft) with stonith disabled: each side is "
        "its own quorate DC running VIP and OSIPS; compare the two views",
    )
    lab.restore()


def osips_failed(lab: Lab) -> None:
    _move_vip_to(lab, "node-a")
    init_pid = lab.state.nodes["node-a"].init_pid or 0
    for pid in processes_in_pid_namespace(init_pid, "fake-opensips"):
        os.kill(pid, signal.SIGKILL)  # a lab process: found in node-a's own PID namespace
    has_failcount = [
        "cibadmin",
        "--query",
        "--no-children",
        "--xpath",
        "//nvpair[starts-with(@name, 'fail-count-OSIPS')]",
    ]
    _until(lambda: lab.exec("node-a", has_failcount).returncode == 0, timeout=30)
    lab.wait()
    capture(
        lab,
        "osips-failed",
        "fake-opensips killed on node-a: the 10 s monitor failed "
        "(rc 7), Pacemaker restarted OSIPS in place; fail-count-OSIPS and the failed op "
        "remain until cleanup",
    )
    lab.restore()


def cli_ban(lab: Lab) -> None:
    _move_vip_to(lab, "node-a")
    lab.exec(
        "node-a",
        ["crm_resource", "--ban", "--resource", "ClusterIP", "--node", "node-a"],
        check=True,
    )
    lab.wait()
    capture(
        lab,
        "cli-ban",
        "crm_resource --ban ClusterIP on node-a, never cleared: the "
        "leftover cli-ban-ClusterIP-on-node-a keeps the VIP on node-b",
    )
    lab.restore()


def healthy_3node(lab: Lab) -> None:
    _move_vip_to(lab, "node-a")
    capture(lab, "healthy-3node", "3 nodes online, VIP and OSIPS on node-a, DC elected")


def _until(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("scenario did not reach the state to capture")
        time.sleep(0.2)


TWO_NODE = {
    "healthy-2node": healthy_2node,
    "standby-node-a": standby_node_a,
    "power-loss-survivor": power_loss,
    "split-brain": split_brain,
    "osips-failed": osips_failed,
    "cli-ban": cli_ban,
}
THREE_NODE = {"healthy-3node": healthy_3node}


def run(nodes: int, scenarios: dict[str, Callable[[Lab], None]], subnet: str) -> None:
    """Bring up a lab, run the scenarios in order, always tear it down."""
    if not scenarios:
        return
    lab = Lab(LabSettings(nodes=nodes, subnet=subnet, state_dir=STATE_DIR))
    try:
        lab.up()
        for scenario in scenarios.values():
            scenario(lab)
    finally:
        lab.down()


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subnet", default=DEFAULT_SUBNET)
    parser.add_argument("--only", action="append", choices=[*TWO_NODE, *THREE_NODE])
    args = parser.parse_args()
    wanted = set(args.only or [*TWO_NODE, *THREE_NODE])
    run(2, {k: v for k, v in TWO_NODE.items() if k in wanted}, args.subnet)
    run(3, {k: v for k, v in THREE_NODE.items() if k in wanted}, args.subnet)


if __name__ == "__main__":
    main()
