"""Plans: exact argv, versioned patches that the real Pacemaker tools accept (and refuse when
stale), and the scheduler's prediction in words."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cib_edits import ban, edited, lab_cib, location, maintenance, standby, transient
from lxml import etree

from console.actions import plans
from console.actions.plans import ActionKind, ActionRefused
from console.actions.prediction import parse_prediction
from console.model import parse_cib

TOOL_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
pytestmark = pytest.mark.skipif(
    shutil.which("cibadmin", path=TOOL_PATH) is None,
    reason="LOUD SKIP: Pacemaker's CLI is not installed (tests/run installs it as root)")
TWO = lab_cib("healthy-2node")


def cibadmin_patch(cib: bytes, patch: bytes, tmp_path: Path) -> tuple[int, bytes]:
    """Apply the patch with the real `cibadmin --patch` on a CIB file: (exit status, new CIB)."""
    cib_file, patch_file = tmp_path / "cib.xml", tmp_path / "patch.xml"
    cib_file.write_bytes(cib)
    patch_file.write_bytes(patch)
    result = subprocess.run(["cibadmin", "--patch", "--xml-file", str(patch_file)],
                            env={"PATH": TOOL_PATH, "CIB_file": str(cib_file), "LC_ALL": "C"},
                            capture_output=True, check=False)
    return result.returncode, cib_file.read_bytes()


def crm_diff_apply(cib: bytes, patch: bytes, tmp_path: Path) -> bytes:
    original, patch_file = tmp_path / "original.xml", tmp_path / "p.xml"
    original.write_bytes(cib)
    patch_file.write_bytes(patch)
    result = subprocess.run(["crm_diff", "--original", str(original), "--patch",
                             str(patch_file)], env={"PATH": TOOL_PATH}, capture_output=True,
                            check=True)
    return result.stdout


def standby_value(cib: bytes, node: str) -> str | None:
    root = etree.fromstring(cib)
    values = [pair.get("value") for element in root.iterfind("configuration/nodes/node")
              if element.get("uname") == node
              for pair in element.iterfind("instance_attributes/nvpair[@name='standby']")]
    return values[0] if values else None


def test_standby_plan_is_a_versioned_patch_pacemaker_applies(tmp_path: Path) -> None:
    plan = plans.plan_standby(TWO, "node-a", run_on="node-b")
    assert plan.argv == ("cibadmin", "--patch", "--xml-pipe")
    assert plan.kind is ActionKind.STANDBY and plan.run_on == "node-b"
    assert str(plan.expected_version) == "0.14.22" and str(plan.target_version) == "0.15.0"
    assert plan.stdin is not None
    rc, after = cibadmin_patch(TWO, plan.stdin, tmp_path)
    assert rc == 0
    assert standby_value(after, "node-a") == "on"
    assert parse_cib(after).nodes["node-a"].standby
    # crm_diff reads the same patch the same way, and the preview CIB is that result.
    assert standby_value(crm_diff_apply(TWO, plan.stdin, tmp_path), "node-a") == "on"
    assert parse_cib(plan.simulate_cib).nodes["node-a"].standby


def test_a_replayed_or_stale_patch_is_refused_with_103_and_changes_nothing(
        tmp_path: Path) -> None:
    plan = plans.plan_standby(TWO, "node-a", run_on="node-b")
    assert plan.stdin is not None
    _, after = cibadmin_patch(TWO, plan.stdin, tmp_path)
    rc, again = cibadmin_patch(after, plan.stdin, tmp_path)
    assert rc == 103 and again == after
    # Another console put node-b in standby first: the CIB moved, the patch must not apply.
    other = plans.plan_standby(TWO, "node-b", run_on="node-a")
    assert other.stdin is not None
    _, moved = cibadmin_patch(TWO, other.stdin, tmp_path)
    rc, final = cibadmin_patch(moved, plan.stdin, tmp_path)
    assert rc == 103
    assert standby_value(final, "node-a") is None and standby_value(final, "node-b") == "on"


def test_a_status_only_change_makes_the_patch_stale_too(tmp_path: Path) -> None:
    plan = plans.plan_standby(TWO, "node-a", run_on="node-b")
    root = etree.fromstring(TWO)
    root.set("num_updates", str(int(root.get("num_updates", "0")) + 1))
    assert plan.stdin is not None
    rc, _ = cibadmin_patch(etree.tostring(root), plan.stdin, tmp_path)
    assert rc == 103


@pytest.mark.parametrize("setup", [
    pytest.param(maintenance("node-a"), id="existing-instance-attributes"),
    pytest.param(standby("node-a", "off"), id="standby-off-nvpair"),
])
def test_standby_patch_reuses_what_the_node_has(setup: object, tmp_path: Path) -> None:
    cib = edited(TWO, setup)  # type: ignore[arg-type]
    plan = plans.plan_standby(cib, "node-a", run_on="node-a")
    assert plan.stdin is not None
    rc, after = cibadmin_patch(cib, plan.stdin, tmp_path)
    assert rc == 0 and standby_value(after, "node-a") == "on"
    assert len(etree.fromstring(after).findall(".//nvpair[@name='standby']")) == 1


def test_online_plan_removes_the_permanent_standby(tmp_path: Path) -> None:
    cib = lab_cib("standby-node-a")
    plan = plans.plan_online(cib, "node-a", run_on="node-b")
    assert plan.stdin is not None
    rc, after = cibadmin_patch(cib, plan.stdin, tmp_path)
    assert rc == 0 and standby_value(after, "node-a") is None
    assert not parse_cib(after).nodes["node-a"].standby


@pytest.mark.parametrize(("cib", "action"), [
    (edited(TWO, transient("node-a", "standby", "off")), "standby"),
    (edited(TWO, standby("node-a", "off"), transient("node-a", "standby", "on")), "online"),
])
def test_a_transient_standby_that_would_win_is_refused_with_the_fix(cib: bytes,
                                                                    action: str) -> None:
    with pytest.raises(ActionRefused, match="--lifetime reboot --delete"):
        if action == "standby":
            plans.plan_standby(cib, "node-a", run_on="node-a")
        else:
            plans.plan_online(cib, "node-a", run_on="node-a")


def test_clear_plan_deletes_only_cli_constraints(tmp_path: Path) -> None:
    cib = edited(lab_cib("cli-ban"), location("keep-me", "OSIPS", "node-b", "-INFINITY"))
    plan = plans.plan_clear(cib, run_on="node-a")
    assert plan.consequences == ("constraint cli-ban-ClusterIP-on-node-a is removed",)
    assert plan.stdin is not None
    rc, after = cibadmin_patch(cib, plan.stdin, tmp_path)
    ids = [loc.get("id") for loc in etree.fromstring(after).iter("rsc_location")]
    assert rc == 0 and ids == ["keep-me"]


def test_failback_plan_moves_with_a_temporary_cli_prefer_and_drops_the_ban(
        tmp_path: Path) -> None:
    cib = edited(TWO, location("prefer-b", "ClusterIP", "node-b", "100"),
                 ban("ClusterIP", "node-b"))
    plan = plans.plan_failback(cib, run_on="node-a")
    assert plan.node == "node-b" and plan.then_clear == ("cli-prefer-ClusterIP",)
    assert plan.stdin is not None
    rc, after = cibadmin_patch(cib, plan.stdin, tmp_path)
    locations = {loc.get("id"): (loc.get("node"), loc.get("score"))
                 for loc in etree.fromstring(after).iter("rsc_location")}
    assert rc == 0
    assert locations == {"prefer-b": ("node-b", "100"),
                         "cli-prefer-ClusterIP": ("node-b", "INFINITY")}
    removal = plans.plan_removal(after, plan.then_clear, run_on="node-a")
    assert removal.stdin is not None
    rc, final = cibadmin_patch(after, removal.stdin, tmp_path)
    assert rc == 0
    assert [loc.get("id") for loc in etree.fromstring(final).iter("rsc_location")] == [
        "prefer-b"]


def test_cleanup_plan_is_crm_resource_cleanup_with_exact_argv() -> None:
    plan = plans.plan_cleanup(lab_cib("osips-failed"), "OSIPS", "node-a", run_on="node-b")
    assert plan.argv == ("crm_resource", "--cleanup", "--resource", "OSIPS", "--node", "node-a")
    assert plan.stdin is None
    assert parse_cib(plan.simulate_cib).resources["OSIPS"].failcount == {}


def test_a_guard_refusal_is_raised_before_any_plan() -> None:
    with pytest.raises(ActionRefused, match="no node could run ClusterIP"):
        plans.plan_standby(lab_cib("standby-node-a"), "node-b", run_on="node-b")


def simulate(cib: bytes, tmp_path: Path) -> bytes:
    shadow = tmp_path / "shadow"
    shadow.mkdir(exist_ok=True)
    result = subprocess.run(list(plans.SIMULATE_TOOL_ARGV), input=cib, capture_output=True,
                            env={"PATH": TOOL_PATH, "LC_ALL": "C", "CIB_shadow_dir": str(shadow)},
                            check=True)
    return result.stdout


def test_the_scheduler_predicts_the_move_in_words(tmp_path: Path) -> None:
    plan = plans.plan_standby(TWO, "node-a", run_on="node-b")
    previewed = plan.with_prediction(parse_prediction(simulate(plan.simulate_cib, tmp_path)))
    assert previewed.consequences == ("ClusterIP moves node-a → node-b",
                                      "OSIPS moves node-a → node-b")
    assert previewed.refusal is None and previewed.stops_service
    assert previewed.prediction is not None
    assert previewed.prediction.running_after["ClusterIP"] == ("node-b",)


def test_a_prediction_that_leaves_the_vip_stopped_refuses_the_plan(tmp_path: Path) -> None:
    plan = plans.plan_standby(TWO, "node-a", run_on="node-b")
    both = edited(plan.simulate_cib, standby("node-b"))
    previewed = plan.with_prediction(parse_prediction(simulate(both, tmp_path)))
    assert previewed.refusal == "the scheduler predicts ClusterIP, OSIPS stopped afterwards"
    assert "ClusterIP stops on node-a (node availability)" in previewed.consequences


def test_standby_of_the_node_not_holding_the_vip_moves_nothing(tmp_path: Path) -> None:
    plan = plans.plan_standby(TWO, "node-b", run_on="node-a")
    previewed = plan.with_prediction(parse_prediction(simulate(plan.simulate_cib, tmp_path)))
    assert previewed.consequences == ("nothing moves",)
    assert not previewed.stops_service


def test_the_preview_keeps_what_the_command_itself_changes(tmp_path: Path) -> None:
    plan = plans.plan_clear(lab_cib("cli-ban"), run_on="node-a")
    previewed = plan.with_prediction(parse_prediction(simulate(plan.simulate_cib, tmp_path)))
    assert "constraint cli-ban-ClusterIP-on-node-a is removed" in previewed.consequences
