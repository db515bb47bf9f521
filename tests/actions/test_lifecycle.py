"""Disable, enable and refresh: patches Pacemaker applies and reads as its own tools would."""

from __future__ import annotations

from pathlib import Path

import pytest
from cib_edits import lab_cib
from test_plans import pytestmark  # noqa: F401 - skip without Pacemaker's tools
from test_upkeep import applied, tool

from console.actions import lifecycle
from console.actions.plans import ActionKind, ActionRefused
from console.model import parse_cib

TWO = lab_cib("healthy-2node")


def _with_dummy(cib: bytes) -> bytes:
    """The lab's CIB with one more resource that nothing depends on."""
    return cib.replace(b"</resources>", b'<primitive id="Extra" class="ocf" provider="heartbeat" '
                                        b'type="Dummy"/></resources>')


def test_disable_is_target_role_stopped_as_crm_resource_reads_it_and_enable_removes_it(
        tmp_path: Path) -> None:
    cib = _with_dummy(TWO)
    plan = lifecycle.plan_disable(cib, "Extra", False, run_on="node-a")
    assert plan.kind is ActionKind.DISABLE and plan.typed_confirmation is None
    after = applied(cib, plan.stdin, tmp_path)
    assert tool(after, "crm_resource", "--resource", "Extra", "--meta", "--get-parameter",
                "target-role").strip() == "Stopped"
    enable = lifecycle.plan_enable(after.read_bytes(), "Extra", run_on="node-a")
    (tmp_path / "e").mkdir()
    enabled = applied(after.read_bytes(), enable.stdin, tmp_path / "e")
    assert b'name="target-role"' not in enabled.read_bytes()


def test_disabling_the_vip_or_its_service_needs_force_and_a_typed_name() -> None:
    snapshot = parse_cib(TWO)
    for resource in ("ClusterIP", "OSIPS"):
        reason = lifecycle.disable_blocked_reason(snapshot, resource, False)
        assert reason is not None and "an outage" in reason and "--force" in reason
    plan = lifecycle.plan_disable(TWO, "OSIPS", True, run_on="node-a")
    assert plan.typed_confirmation == "OSIPS" and "OUTAGE" in plan.title
    assert plan.vip is None  # the preview does not refuse the outage the operator typed out


def test_enable_of_a_resource_that_is_not_disabled_is_refused() -> None:
    with pytest.raises(ActionRefused, match="OSIPS is not disabled"):
        lifecycle.plan_enable(TWO, "OSIPS", run_on="node-a")


def test_refresh_is_pacemakers_own_tool_and_says_so() -> None:
    plan = lifecycle.plan_refresh(TWO, "OSIPS", "node-a", run_on="node-b")
    assert plan.argv == ("crm_resource", "--refresh", "--resource", "OSIPS", "--node", "node-a")
    assert plan.stdin is None
    assert "Pacemaker's own tool, crm_resource --refresh" in plan.consequences[0]
    assert "checked again on a fresh CIB just before it runs" in plan.consequences[0]
    # (crm_resource --refresh only dry-runs, then crashes, with CIB_file: the lab runs it.)


def test_restart_is_a_stop_on_its_node_then_a_start_and_needs_force_for_the_service() -> None:
    reason = lifecycle.restart_blocked_reason(parse_cib(TWO), "OSIPS", False)
    assert reason is not None and "an outage" in reason
    plan = lifecycle.plan_restart(TWO, "OSIPS", True, run_on="node-a")
    assert plan.kind is ActionKind.RESTART and plan.node == "node-a"
    assert plan.title == "Restart OSIPS on node-a: OUTAGE" and plan.typed_confirmation == "OSIPS"
    assert plan.consequences[1].endswith("verified back on node-a")
