"""Every action that edits the CIB does it by compare-and-swap, whatever its kind.

Two consoles running different kinds of action (a move and a ban, a disable and a standby, a
fix and a maintenance) could both pass their guards on the same CIB; only the version check
keeps the second from landing on a cluster its operator never previewed. So for each kind the
table applies by patch: the plan's argv is `cibadmin --patch --xml-pipe` with a diff whose source
is the version the plan was computed from; the real cibadmin applies it on that CIB, and refuses
it with 103, changing nothing, once another console's action of another kind (maintenance of
the cluster) has landed first. The kinds that run Pacemaker's own tool have no version check:
the executor plans them again on a fresh CIB before every run, and they are named here so that
a new one is a decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from cib_edits import ban, edited, lab_cib, location, maintenance, standby
from lxml import etree
from test_fixes import NO_COLOCATION, NO_DEFAULTS, NO_ORDER
from test_plans import cibadmin_patch, pytestmark  # noqa: F401 - skip without tools

from console.actions import lifecycle, upkeep
from console.actions.catalog import ACTIONS, Executor, plan_on
from console.actions.plans import PATCH_ARGV, ActionKind
from console.actions.patchset import cib_version_of
from console.model.types import VERSION_ATTRIBUTES, CibVersion

HEALTHY = lab_cib("healthy-2node")  # ClusterIP and OSIPS on node-a
PAST, NOW = "2026-01-01 00:00:00Z", "2026-12-06 09:00:00Z"


@dataclass(frozen=True)
class Target:
    node: str | None = None
    resource: str | None = None
    when: str | None = None
    force: bool = False
    value: str | None = None



CASES: dict[ActionKind, tuple[bytes, Target]] = {
    ActionKind.STANDBY: (HEALTHY, Target(node="node-a")),
    ActionKind.ONLINE: (edited(HEALTHY, standby("node-b")), Target(node="node-b")),
    ActionKind.CLEAR: (edited(HEALTHY, ban("ClusterIP", "node-b")), Target()),
    ActionKind.FAILBACK: (edited(HEALTHY, location("prefer-b", "ClusterIP", "node-b", "100")),
                          Target()),
    ActionKind.MAINTENANCE_ON: (HEALTHY, Target(node="node-b", when=NOW)),
    ActionKind.MAINTENANCE_OFF: (edited(HEALTHY, maintenance("node-b")), Target(node="node-b")),
    ActionKind.MOVE: (HEALTHY, Target(resource="ClusterIP", node="node-b")),
    ActionKind.BAN: (HEALTHY, Target(resource="ClusterIP", node="node-b", when=NOW)),
    ActionKind.CLEAR_EXPIRED: (
        upkeep.plan_move(HEALTHY, "ClusterIP", "node-b", False, PAST, run_on="node-a")
        .simulate_cib, Target(when=NOW)),
    ActionKind.DISABLE: (HEALTHY, Target(resource="OSIPS", force=True)),
    ActionKind.ENABLE: (lifecycle.plan_disable(HEALTHY, "OSIPS", True, run_on="node-a")
                        .simulate_cib, Target(resource="OSIPS")),
    ActionKind.RESTART: (HEALTHY, Target(resource="OSIPS", force=True)),
    ActionKind.FIX_COLOCATION: (NO_COLOCATION, Target()),
    ActionKind.FIX_ORDER: (NO_ORDER, Target()),
    ActionKind.FIX_STICKINESS: (NO_DEFAULTS, Target()),
    ActionKind.FIX_PREFERRED: (HEALTHY, Target()),
    ActionKind.FIX_THRESHOLD: (HEALTHY, Target()),
    ActionKind.CONFIG_STICKINESS: (HEALTHY, Target(value="100")),
    ActionKind.CONFIG_PREFER: (HEALTHY, Target(resource="ClusterIP", node="node-b", value="50")),
    ActionKind.CONFIG_THRESHOLD: (HEALTHY, Target(resource="OSIPS", value="3")),
}
TOOLS = {ActionKind.CLEANUP, ActionKind.REFRESH, ActionKind.FENCE}


def test_every_kind_is_either_a_versioned_patch_or_a_named_tool() -> None:
    patched = {kind for kind, spec in ACTIONS.items() if spec.executor is Executor.PATCH}
    assert patched == set(CASES), f"give {patched ^ set(CASES)} a case in CASES"
    assert set(ACTIONS) - patched == TOOLS


def cluster_maintenance(cib: bytes) -> bytes:
    """Another console's action of another kind, landed first: the cluster's maintenance."""
    plan = upkeep.plan_maintenance(cib, True, None, None, NOW, run_on="node-b")
    assert plan.stdin is not None
    return plan.simulate_cib


def version(cib: bytes) -> CibVersion:
    return cib_version_of(etree.fromstring(cib))


@pytest.mark.parametrize("kind", list(CASES), ids=[kind.value for kind in CASES])
def test_each_kind_patches_from_its_version_and_a_moved_cib_refuses_it(
        kind: ActionKind, tmp_path: Path) -> None:
    cib, target = CASES[kind]
    plan = plan_on(cib, kind, target, "node-a")
    assert plan.argv == PATCH_ARGV and plan.stdin is not None
    source = etree.fromstring(plan.stdin).find("version/source")
    assert source is not None
    assert CibVersion(*(int(source.get(name, "")) for name in VERSION_ATTRIBUTES)) == \
        version(cib) == plan.expected_version
    status, applied = cibadmin_patch(cib, plan.stdin, tmp_path)
    assert status == 0 and version(applied) > version(cib)

    moved = cluster_maintenance(cib)
    status, after = cibadmin_patch(moved, plan.stdin, tmp_path)
    assert status == 103
    assert version(after) == version(moved)
