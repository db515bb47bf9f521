"""End to end on the real lab: `hacon clear` and `hacon failback` (constraints, not standby)."""

from __future__ import annotations

from .harness import Lab
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
