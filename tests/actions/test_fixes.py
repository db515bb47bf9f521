"""The advisory fixes: each patch is accepted by the real `cibadmin --patch` (CIB_file, no
cluster), the advisory is gone in what Pacemaker wrote back, and each guard refuses a fix with
nothing to fix."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cib_edits import edited, lab_cib
from lxml import etree
from test_plans import TOOL_PATH, cibadmin_patch, pytestmark  # noqa: F401 - skip without tools

from console.actions import fixes
from console.actions.catalog import plan_on
from console.actions.plans import ActionKind, ActionRefused
from console.actions.requests import GuardedRequest
from console.model import parse_cib
from console.model.live.advisories import cluster_advisories

HEALTHY = lab_cib("healthy-2node")


def without(*paths: str):  # noqa: ANN201 - an Edit
    def edit(root: etree._Element) -> None:
        for path in paths:
            for element in root.findall(path):
                element.getparent().remove(element)
    return edit


NO_COLOCATION = edited(HEALTHY, without("configuration/constraints/rsc_colocation",
                                        "configuration/constraints/rsc_order"))
NO_ORDER = edited(HEALTHY, without("configuration/constraints/rsc_order"))
NO_DEFAULTS = edited(HEALTHY, without("configuration/rsc_defaults"))
NO_STICKINESS_VALUE = edited(HEALTHY, without("configuration/rsc_defaults/meta_attributes/nvpair"))


def codes(cib: bytes) -> set[str]:
    return {advisory.code for advisory in cluster_advisories(parse_cib(cib))}


def applied(cib: bytes, kind: ActionKind, tmp_path: Path) -> bytes:
    plan = fixes.plan_fix(cib, kind, run_on="node-a")
    assert plan.stdin is not None
    status, after = cibadmin_patch(cib, plan.stdin, tmp_path)
    assert status == 0
    return after


def crm_mon_holders(cib: bytes, tmp_path: Path) -> dict[str, str]:
    (tmp_path / "mon.xml").write_bytes(cib)
    result = subprocess.run(["crm_mon", "-1", "--output-as=xml"], capture_output=True,
                            env={"PATH": TOOL_PATH, "CIB_file": str(tmp_path / "mon.xml"),
                                 "LC_ALL": "C"}, check=True)
    mon = etree.fromstring(result.stdout)
    return {r.get("id"): r.find("node").get("name") for r in mon.iterfind(".//resource")
            if r.find("node") is not None}


@pytest.mark.parametrize(("cib", "kind", "code"), [
    (NO_COLOCATION, ActionKind.FIX_COLOCATION, "vip-not-colocated"),
    (NO_ORDER, ActionKind.FIX_ORDER, "vip-not-ordered"),
    (NO_DEFAULTS, ActionKind.FIX_STICKINESS, "no-stickiness"),
    (NO_STICKINESS_VALUE, ActionKind.FIX_STICKINESS, "no-stickiness"),
    (HEALTHY, ActionKind.FIX_PREFERRED, "no-preferred-node"),
    (HEALTHY, ActionKind.FIX_THRESHOLD, "no-migration-threshold"),
    (NO_DEFAULTS, ActionKind.FIX_THRESHOLD, "no-migration-threshold"),
])
def test_each_fix_is_applied_by_cibadmin_and_its_advisory_is_gone(
        cib: bytes, kind: ActionKind, code: str, tmp_path: Path) -> None:
    assert code in codes(cib)
    after = applied(cib, kind, tmp_path)
    assert code not in codes(after)
    assert crm_mon_holders(after, tmp_path) == {"ClusterIP": "node-a", "OSIPS": "node-a"}


def test_the_fixes_write_what_pcs_writes(tmp_path: Path) -> None:
    after = etree.fromstring(applied(NO_COLOCATION, ActionKind.FIX_COLOCATION, tmp_path))
    colocation = after.find("configuration/constraints/rsc_colocation")
    assert dict(colocation.attrib) == {"id": "colocation-OSIPS-ClusterIP-INFINITY",
                                       "rsc": "OSIPS", "with-rsc": "ClusterIP",
                                       "score": "INFINITY"}
    after = etree.fromstring(applied(NO_ORDER, ActionKind.FIX_ORDER, tmp_path))
    order = after.find("configuration/constraints/rsc_order")
    assert (order.get("first"), order.get("then")) == ("ClusterIP", "OSIPS")
    after = etree.fromstring(applied(HEALTHY, ActionKind.FIX_PREFERRED, tmp_path))
    location = after.find("configuration/constraints/rsc_location")
    assert (location.get("rsc"), location.get("node"), location.get("score")) == \
        ("ClusterIP", "node-a", "50")


def test_stickiness_is_one_in_rsc_defaults(tmp_path: Path) -> None:
    after = etree.fromstring(applied(NO_DEFAULTS, ActionKind.FIX_STICKINESS, tmp_path))
    pair = after.find("configuration/rsc_defaults/meta_attributes/nvpair")
    assert (pair.get("name"), pair.get("value")) == ("resource-stickiness", "1")


@pytest.mark.parametrize("kind", list(fixes.CODE_OF_KIND))
def test_a_fix_with_nothing_to_fix_is_refused_by_its_guard_and_planner(kind: ActionKind) -> None:
    fixed = applied_everything()
    reason = GuardedRequest(kind).guard_reason(parse_cib(fixed), now=None)
    assert reason == f"there is no {fixes.CODE_OF_KIND[kind]} advisory to fix"
    with pytest.raises(ActionRefused, match="advisory to fix"):
        plan_on(fixed, kind, GuardedRequest(kind), "node-a")


def applied_everything() -> bytes:
    def fixed(root: etree._Element) -> None:
        root.find("configuration/constraints").append(
            etree.fromstring('<rsc_location id="l" rsc="ClusterIP" node="node-a" score="50"/>'))
        root.find("configuration/rsc_defaults/meta_attributes").append(etree.fromstring(
            '<nvpair id="t" name="migration-threshold" value="3"/>'))
    return edited(HEALTHY, fixed)


def test_colocation_is_refused_when_the_service_is_ambiguous() -> None:
    def second_service(root: etree._Element) -> None:
        primitive = etree.fromstring(
            '<primitive id="Other" class="ocf" provider="heartbeat" type="Dummy"/>')
        root.find("configuration/resources").append(primitive)
    cib = edited(NO_COLOCATION, second_service)
    reason = fixes.fix_blocked_reason(parse_cib(cib), ActionKind.FIX_COLOCATION)
    assert reason is not None and "several services could go with the VIP" in reason


def test_the_plan_says_what_it_changes() -> None:
    plan = fixes.plan_fix(HEALTHY, ActionKind.FIX_PREFERRED, run_on="node-a")
    assert plan.title.startswith("Fix no-preferred-node:")
    assert plan.consequences[0].startswith("ClusterIP prefers node-a (score 50), where it runs "
                                           "now; with a stickiness below 50")
