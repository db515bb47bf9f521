"""End to end on the real lab: `hacon clear`, `hacon failback` and `hacon cleanup`."""

from __future__ import annotations

import os
import signal
import time

from .harness import Lab
from .procs import processes_in_pid_namespace
from .test_actions_standby import hacon, journal

PREFERENCE = ('<rsc_location id="hacon-test-prefer" rsc="ClusterIP" node="{node}" '
              'score="100"/>')


def cli_constraints(lab: Lab) -> list[str]:
    cib = lab.cib(lab.nodes[0])
    return sorted(part.split('"')[0] for part in cib.split('rsc_location id="')[1:]
                  if part.startswith("cli-"))


def test_clear_removes_a_leftover_ban_and_nothing_moves(healthy_lab: Lab) -> None:
    holder = healthy_lab.vip()[0]
    peer = next(node for node in healthy_lab.nodes if node != holder)
    healthy_lab.exec(holder, ["crm_resource", "--ban", "--resource", "ClusterIP", "--node",
                              holder], check=True)
    healthy_lab.wait_for_vip([peer])
    assert cli_constraints(healthy_lab) == [f"cli-ban-ClusterIP-on-{holder}"]
    result = hacon(healthy_lab, "clear", "ClusterIP", "--yes")
    assert result.returncode == 0, result.stderr
    assert f"constraint cli-ban-ClusterIP-on-{holder} is removed" in result.stdout
    assert cli_constraints(healthy_lab) == []
    assert healthy_lab.vip() == [peer]  # stickiness keeps it where it is
    assert journal()[-1]["outcome"] == "done"


def test_failback_moves_the_vip_to_the_preferred_node_and_leaves_no_constraint(
        healthy_lab: Lab) -> None:
    lab = healthy_lab
    holder = lab.vip()[0]
    preferred = next(node for node in lab.nodes if node != holder)
    lab.exec(holder, ["cibadmin", "-C", "-o", "constraints", "-X",
                      PREFERENCE.format(node=preferred)], check=True)
    try:
        # A leftover ban keeps the VIP away from its preferred node.
        lab.exec(holder, ["crm_resource", "--ban", "--resource", "ClusterIP", "--node",
                          preferred], check=True)
        assert lab.wait(30) == holder
        result = hacon(lab, "failback", "--yes")
        assert result.returncode == 0, result.stderr
        assert "failover done in" in result.stdout and "cli-prefer-ClusterIP removed" in \
            result.stdout
        assert lab.vip() == [preferred] and lab.view(preferred).holder() == preferred
        assert cli_constraints(lab) == []
    finally:
        lab.exec(holder, ["cibadmin", "-D", "-o", "constraints", "-X",
                          '<rsc_location id="hacon-test-prefer"/>'])


FAILCOUNT_XPATH = "//nvpair[starts-with(@name, 'fail-count-OSIPS')]"


def has_failcount(lab: Lab, node: str) -> bool:
    query = ["cibadmin", "--query", "--no-children", "--xpath", FAILCOUNT_XPATH]
    return lab.exec(node, query).returncode == 0


def test_cleanup_forgets_the_failcount_of_a_restarted_service(healthy_lab: Lab) -> None:
    lab = healthy_lab
    holder = lab.vip()[0]
    init_pid = lab.state.nodes[holder].init_pid or 0
    for pid in processes_in_pid_namespace(init_pid, "fake-opensips"):
        os.kill(pid, signal.SIGKILL)  # a lab process, in the holder's own PID namespace
    deadline = time.monotonic() + 40
    while not has_failcount(lab, holder):
        assert time.monotonic() < deadline, "the monitor never noticed the dead service"
        time.sleep(0.25)
    assert lab.wait(40) == holder  # restarted in place (migration-threshold INFINITY)

    result = hacon(lab, "cleanup", "OSIPS", "--node", holder, "--yes")
    assert result.returncode == 0, result.stderr
    assert f"failcount and failed operations of OSIPS on {holder} are forgotten" in result.stdout
    assert not has_failcount(lab, holder) and lab.vip() == [holder]
    refused = hacon(lab, "cleanup", "OSIPS", "--yes")
    assert refused.returncode == 3 and "no failcount" in refused.stderr
