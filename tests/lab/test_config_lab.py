"""End to end on the real lab: `hacon config threshold`, `hacon config prefer` and `hacon fix
no-migration-threshold` through the CLI as the operator runs it. Pacemaker's own tools on the nodes read back the live CIB, the
kernel says where the VIP is, and `hacon status --json` (a fresh read) no longer lists the
advisory the edit resolves. Refusals exit 3 with the CIB unchanged, bad input exits 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from lxml import etree

from .harness import Lab
from .test_actions_standby import config_version, hacon, journal

pytestmark = pytest.mark.lab


def advisory_codes(lab: Lab) -> set[str]:
    """The advisories hacon reports on a fresh read of the live cluster."""
    status = hacon(lab, "status", "--json")
    assert status.returncode == 0, status.stderr
    return {advisory["code"] for advisory in json.loads(status.stdout)["advisories"]}


def preferences(lab: Lab, node: str, resource: str) -> list[tuple[str, str, str]]:
    """(id, node, score) of the resource's location constraints, as the node's CIB has them."""
    root = etree.fromstring(lab.cib(node).encode())
    return [(c.get("id", ""), c.get("node", ""), c.get("score", ""))
            for c in root.iterfind(f"configuration/constraints/rsc_location[@rsc='{resource}']")]


@pytest.fixture
def configurable_lab(healthy_lab: Lab) -> Iterator[Lab]:
    """The healthy lab; what the test configured is removed afterwards (restore does not)."""
    yield healthy_lab
    via = healthy_lab.nodes[0]
    healthy_lab.exec(via, ["crm_resource", "--resource", "OSIPS", "--meta",
                           "--delete-parameter", "migration-threshold"])
    healthy_lab.exec(via, ["crm_attribute", "--type", "rsc_defaults", "--name",
                           "migration-threshold", "--delete"])
    for constraint_id, _, _ in preferences(healthy_lab, via, "ClusterIP"):
        if constraint_id.startswith("location-ClusterIP-"):
            healthy_lab.exec(via, ["cibadmin", "--delete", "--xml-text",
                                   f'<rsc_location id="{constraint_id}"/>'])
    healthy_lab.wait(60)


def test_config_threshold_sets_the_meta_and_the_advisory_goes(configurable_lab: Lab) -> None:
    lab = configurable_lab
    holder = lab.vip()[0]
    assert "no-migration-threshold" in advisory_codes(lab)

    unknown = hacon(lab, "config", "threshold", "NoSuchResource", "3", "--yes")
    assert unknown.returncode == 2
    assert unknown.stderr == "hacon: NoSuchResource is not a resource of this cluster\n"

    done = hacon(lab, "config", "threshold", "OSIPS", "3", "--yes")
    assert done.returncode == 0, done.stderr
    assert "  - nothing moves\n" in done.stdout
    assert "OSIPS migration-threshold unset (INFINITY) → 3" in done.stdout
    value = lab.exec(holder, ["crm_resource", "--resource", "OSIPS", "--meta",
                              "--get-parameter", "migration-threshold"], check=True).stdout
    assert value.strip() == "3"
    assert lab.vip() == [holder]
    entry = journal()[-1]
    assert (entry["action"], entry["outcome"], entry["target"]) == \
        ("config threshold", "done", "OSIPS")
    assert "no-migration-threshold" not in advisory_codes(lab)

    before = config_version(lab, holder)
    again = hacon(lab, "config", "threshold", "OSIPS", "3", "--yes")
    assert again.returncode == 3
    assert "OSIPS has migration-threshold=3 already" in again.stderr
    assert config_version(lab, holder) == before


def test_the_migration_threshold_fix_writes_rsc_defaults(configurable_lab: Lab) -> None:
    lab = configurable_lab
    holder = lab.vip()[0]
    fixed = hacon(lab, "fix", "no-migration-threshold", "--yes")
    assert fixed.returncode == 0, fixed.stderr
    assert "  - nothing moves\n" in fixed.stdout
    value = lab.exec(holder, ["crm_attribute", "--type", "rsc_defaults", "--name",
                              "migration-threshold", "--query", "--quiet"], check=True).stdout
    assert value.strip() == "3"
    assert lab.vip() == [holder]
    assert (journal()[-1]["action"], journal()[-1]["outcome"]) == \
        ("fix no-migration-threshold", "done")
    assert "no-migration-threshold" not in advisory_codes(lab)


def test_config_prefer_moves_the_vip_then_edits_the_same_constraint(
        configurable_lab: Lab) -> None:
    lab = configurable_lab
    holder = lab.vip()[0]
    peer = next(node for node in lab.nodes if node != holder)
    assert "no-preferred-node" in advisory_codes(lab)

    unknown = hacon(lab, "config", "prefer", "ClusterIP", "node-z=5", "--yes")
    assert unknown.returncode == 2 and "node-z is not a node of this cluster" in unknown.stderr

    moved = hacon(lab, "config", "prefer", "ClusterIP", f"{peer}=INFINITY", "--yes")
    assert moved.returncode == 0, moved.stderr
    assert f"  - ClusterIP moves {holder} → {peer}\n" in moved.stdout
    assert lab.vip() == [peer]  # the kernel: the address moved with the preference
    constraint_id = f"location-ClusterIP-{peer}-INFINITY"
    assert preferences(lab, holder, "ClusterIP") == [(constraint_id, peer, "INFINITY")]
    assert "no-preferred-node" not in advisory_codes(lab)

    softer = hacon(lab, "config", "prefer", "ClusterIP", f"{peer}=50", "--yes")
    assert softer.returncode == 0, softer.stderr
    assert "  - nothing moves\n" in softer.stdout
    assert preferences(lab, holder, "ClusterIP") == [(constraint_id, peer, "50")]
    assert journal()[-1]["action"] == "config prefer"

    before = config_version(lab, holder)
    same = hacon(lab, "config", "prefer", "ClusterIP", f"{peer}=50", "--yes")
    assert same.returncode == 3
    assert f"{constraint_id} already gives ClusterIP score 50 on {peer}" in same.stderr
    assert config_version(lab, holder) == before
