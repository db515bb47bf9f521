"""Maintenance, move, ban and clearing expired constraints: patches Pacemaker's own tools accept
and read back as they would have written them (CIB_file: no cluster needed)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from cib_edits import edited, lab_cib, standby
from lxml import etree
from test_plans import TOOL_PATH, cibadmin_patch, pytestmark  # noqa: F401 - skip without tools

from console.actions import upkeep
from console.actions.plans import ActionKind, ActionRefused
from console.model import parse_cib
from console.model.upkeep import expired_constraints, lifetime_end, maintenance_of, remaining_s

TWO = lab_cib("healthy-2node")
NOW = 1_796_000_000.0
SOON = upkeep.cib_time(NOW + 1800)


def tool(cib_file: Path, *argv: str) -> str:
    result = subprocess.run(list(argv), env={"PATH": TOOL_PATH, "CIB_file": str(cib_file),
                                             "LC_ALL": "C"}, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def applied(cib: bytes, plan_patch: bytes | None, tmp_path: Path) -> Path:
    assert plan_patch is not None
    status, after = cibadmin_patch(cib, plan_patch, tmp_path)
    assert status == 0
    (tmp_path / "after.xml").write_bytes(after)
    return tmp_path / "after.xml"


def subdir(tmp_path: Path, name: str) -> Path:
    (tmp_path / name).mkdir()
    return tmp_path / name


def crm_mon(cib_file: Path) -> etree._Element:
    return etree.fromstring(tool(cib_file, "crm_mon", "-1", "--output-as=xml").encode())


# --- maintenance ---------------------------------------------------------------------------


def test_cluster_maintenance_is_what_crm_mon_reports_and_says_what_stops_being_managed(
        tmp_path: Path) -> None:
    plan = upkeep.plan_maintenance(TWO, True, None, None, SOON, run_on="node-a")
    assert plan.kind is ActionKind.MAINTENANCE_ON
    assert plan.title == "Start maintenance of the cluster"
    assert "ClusterIP, OSIPS stop being managed" in plan.consequences[0]
    after = applied(TWO, plan.stdin, tmp_path)
    summary = crm_mon(after).find("summary/cluster_options")
    assert summary is not None and summary.get("maintenance-mode") == "true"
    [item] = maintenance_of(parse_cib(after.read_bytes()))
    assert (item.scope, item.subject) == ("cluster", "cluster")
    assert item.age_s(NOW + 1800 + 60) == pytest.approx(60)


def test_cluster_maintenance_off_removes_the_setting_and_its_stamp(tmp_path: Path) -> None:
    on = upkeep.plan_maintenance(TWO, True, None, None, SOON, run_on="node-a")
    cib = applied(TWO, on.stdin, tmp_path).read_bytes()
    off = upkeep.plan_maintenance(cib, False, None, None, None, run_on="node-a")
    assert "are managed again" in off.consequences[0]
    after = applied(cib, off.stdin, subdir(tmp_path, "off"))
    assert b"maintenance-mode" not in after.read_bytes()
    assert upkeep.SINCE_ATTRIBUTE.encode() not in after.read_bytes()


def test_node_maintenance_is_the_node_attribute_crm_mon_reads(tmp_path: Path) -> None:
    plan = upkeep.plan_maintenance(TWO, True, "node-b", None, SOON, run_on="node-a")
    after = applied(TWO, plan.stdin, tmp_path)
    node = crm_mon(after).find("nodes/node[@name='node-b']")
    assert node is not None and node.get("maintenance") == "true"


def test_resource_maintenance_is_is_managed_false(tmp_path: Path) -> None:
    plan = upkeep.plan_maintenance(TWO, True, None, "OSIPS", SOON, run_on="node-a")
    after = applied(TWO, plan.stdin, tmp_path)
    assert tool(after, "crm_resource", "--resource", "OSIPS", "--meta", "--get-parameter",
                "is-managed").strip() == "false"
    assert plan.consequences[0].startswith("OSIPS stop being managed")


def test_node_maintenance_is_refused_when_the_vip_could_be_recovered_nowhere() -> None:
    cib = edited(TWO, standby("node-b"))
    with pytest.raises(ActionRefused, match="ClusterIP could be recovered nowhere"):
        upkeep.plan_maintenance(cib, True, "node-a", None, SOON, run_on="node-a")


@pytest.mark.parametrize(("on", "node", "resource", "reason"), [
    (False, None, None, "the cluster is not in maintenance mode"),
    (True, "node-z", None, "node-z is not a node of this cluster"),
    (True, None, "nope", "nope is not a resource of this cluster"),
    (False, "node-a", None, "node-a is not in maintenance"),
])
def test_maintenance_guard_says_why_not(on: bool, node: str | None, resource: str | None,
                                        reason: str) -> None:
    snapshot = parse_cib(TWO)
    assert upkeep.maintenance_blocked_reason(snapshot, on, node, resource) == reason


# --- move and ban ----------------------------------------------------------------------------


def _constraint(cib: bytes, constraint_id: str) -> etree._Element:
    found = etree.fromstring(cib).find(f".//rsc_location[@id='{constraint_id}']")
    assert found is not None
    return found


def _shape(element: etree._Element) -> list[tuple[str, dict[str, str]]]:
    return [(str(item.tag), {k: v for k, v in item.attrib.items() if k != "end"})
            for item in element.iter()]


@pytest.mark.parametrize(("ban", "tool_argv", "constraint_id"), [
    (False, ("--move", "--resource", "ClusterIP", "--node", "node-b"), "cli-prefer-ClusterIP"),
    (True, ("--ban", "--resource", "ClusterIP", "--node", "node-a"),
     "cli-ban-ClusterIP-on-node-a"),
])
def test_a_lifetime_is_written_as_crm_resource_writes_it(tmp_path: Path, ban: bool,
                                                         tool_argv: tuple[str, ...],
                                                         constraint_id: str) -> None:
    node = "node-a" if ban else "node-b"
    plan = upkeep.plan_move(TWO, "ClusterIP", node, ban, SOON, run_on="node-a")
    ours = _constraint(applied(TWO, plan.stdin, tmp_path).read_bytes(), constraint_id)
    theirs_file = tmp_path / "theirs.xml"
    theirs_file.write_bytes(TWO)
    tool(theirs_file, "crm_resource", *tool_argv, "--lifetime", "PT30M")
    theirs = _constraint(theirs_file.read_bytes(), constraint_id)
    assert _shape(ours) == _shape(theirs)
    ours_cib = parse_cib(applied(TWO, plan.stdin, subdir(tmp_path, "again")).read_bytes())
    location = next(item for item in ours_cib.constraints.location if item.id == constraint_id)
    assert remaining_s(location, NOW) == pytest.approx(1800)


def test_a_move_without_lifetime_is_the_plain_cli_prefer(tmp_path: Path) -> None:
    plan = upkeep.plan_move(TWO, "ClusterIP", "node-b", False, None, run_on="node-a")
    ours = _constraint(applied(TWO, plan.stdin, tmp_path).read_bytes(), "cli-prefer-ClusterIP")
    assert dict(ours.attrib) == {"id": "cli-prefer-ClusterIP", "rsc": "ClusterIP",
                                 "role": "Started", "node": "node-b", "score": "INFINITY"}
    assert plan.title == "Move ClusterIP to node-b"


def test_a_move_without_a_node_bans_where_it_runs() -> None:
    plan = upkeep.plan_move(TWO, "ClusterIP", None, False, None, run_on="node-a")
    assert plan.kind is ActionKind.BAN and plan.title == "Ban ClusterIP from node-a"


@pytest.mark.parametrize(("resource", "node", "reason"), [
    ("ClusterIP", "node-a", "ClusterIP already runs on node-a"),
    ("nope", "node-b", "nope is not a resource of this cluster"),
    ("ClusterIP", "node-z", "node-z is not a node of this cluster"),
])
def test_move_guard_says_why_not(resource: str, node: str, reason: str) -> None:
    assert upkeep.move_blocked_reason(parse_cib(TWO), resource, node, False) == reason


def test_a_move_to_a_node_in_standby_is_refused() -> None:
    snapshot = parse_cib(edited(TWO, standby("node-b")))
    assert upkeep.move_blocked_reason(snapshot, "ClusterIP", "node-b", False) == (
        "node-b is in standby: ClusterIP could not run there")


# --- expiry ------------------------------------------------------------------------------------


def test_an_expired_lifetime_is_cleared_as_crm_resource_clear_expired_would(
        tmp_path: Path) -> None:
    past = upkeep.cib_time(time.time() - 60)
    plan = upkeep.plan_move(TWO, "ClusterIP", "node-b", False, past, run_on="node-a")
    moved = applied(TWO, plan.stdin, tmp_path).read_bytes()
    snapshot = parse_cib(moved)
    [expired] = expired_constraints(snapshot, time.time())
    assert expired.id == "cli-prefer-ClusterIP" and lifetime_end(expired) is not None
    clear = upkeep.plan_clear_expired(moved, None, upkeep.cib_time(time.time()), run_on="node-a")
    assert clear.consequences == ("expired constraint cli-prefer-ClusterIP is removed",)
    oracle = tmp_path / "oracle.xml"
    oracle.write_bytes(moved)
    tool(oracle, "crm_resource", "--clear", "--expired")
    assert b"cli-prefer-ClusterIP" not in oracle.read_bytes()  # Pacemaker agrees it expired


def test_nothing_expired_is_refused() -> None:
    plan_cib = TWO
    with pytest.raises(ActionRefused, match="has expired"):
        upkeep.plan_clear_expired(plan_cib, None, upkeep.cib_time(NOW), run_on="node-a")


def test_the_constraints_pane_counts_a_lifetime_down_and_flags_it_expired(
        tmp_path: Path) -> None:
    from console.presentation.rows import constraint_rows

    plan = upkeep.plan_move(TWO, "ClusterIP", "node-b", False, SOON, run_on="node-a")
    cluster = parse_cib(applied(TWO, plan.stdin, tmp_path).read_bytes())
    rows = dict(constraint_rows(cluster, NOW + 3 * 60))
    what, left, _ = rows["cli-prefer-ClusterIP"]
    assert what.text == "LEFTOVER cli-prefer: ClusterIP only on node-b"
    assert left.text == "27 min left"
    _, expired, _ = dict(constraint_rows(cluster, NOW + 1800 + 120))["cli-prefer-ClusterIP"]
    assert expired.text == "EXPIRED 2 min ago" and expired.tone == "status-failed"


def test_a_move_applied_but_not_verified_offers_its_constraint_for_clearing() -> None:
    from dataclasses import replace

    from console.actions.execute import ActionOutcome, OutcomeStatus
    from console.actions.runner import _offer_clearing

    plan = upkeep.plan_move(TWO, "ClusterIP", "node-b", False, None, run_on="node-a")
    failed = ActionOutcome(OutcomeStatus.FAILED, "not verified after 60 s: ClusterIP runs on "
                           "node-a, expected node-b", plan, plan.expected_version, applied=True)
    assert _offer_clearing(failed).message.endswith(
        "its constraint stays in the CIB: remove it with `hacon clear ClusterIP`")
    assert _offer_clearing(replace(failed, applied=False)).message == failed.message


def test_a_move_to_a_node_the_resource_is_banned_from_is_refused(tmp_path: Path) -> None:
    ban = upkeep.plan_move(TWO, "ClusterIP", "node-b", True, None, run_on="node-a")
    banned = parse_cib(applied(TWO, ban.stdin, tmp_path).read_bytes())
    assert upkeep.move_blocked_reason(banned, "ClusterIP", "node-b", False) == (
        "ClusterIP is banned from node-b by cli-ban-ClusterIP-on-node-b: clear it first")


def test_maintenance_left_on_for_hours_and_an_expired_move_are_advisories(
        tmp_path: Path) -> None:
    from console.model.live.live_advisories import live_advisories
    from tests.support.snapshots import live

    on = upkeep.plan_maintenance(TWO, True, "node-b", None, upkeep.cib_time(NOW), run_on="node-a")
    maintained = applied(TWO, on.stdin, tmp_path).read_bytes()
    move = upkeep.plan_move(maintained, "ClusterIP", None, False, upkeep.cib_time(NOW + 60),
                            run_on="node-a")
    cluster = parse_cib(applied(maintained, move.stdin, subdir(tmp_path, "moved")).read_bytes())
    fresh = {a.code for a in live_advisories(live(cluster, fetched_at=NOW + 30))}
    assert not {"maintenance-old", "expired-cli-constraint"} & fresh
    later = {a.code: a.text for a in live_advisories(live(cluster, fetched_at=NOW + 2 * 3600))}
    assert later["maintenance-old"] == ("node-b has been in maintenance for over 1 h: nothing "
                                        "there is monitored or recovered; forgotten?")
    assert later["expired-cli-constraint"].startswith("cli-ban-ClusterIP-on-node-a expired at")


def test_the_banner_says_what_is_in_maintenance_and_for_how_long(tmp_path: Path) -> None:
    from console.presentation.banner import maintenance_text

    on = upkeep.plan_maintenance(TWO, True, "node-b", None, upkeep.cib_time(NOW), run_on="node-a")
    cluster = parse_cib(applied(TWO, on.stdin, tmp_path).read_bytes())
    assert maintenance_text(cluster, NOW + 12 * 60) == "MAINTENANCE: node node-b for 12 min"
    by_hand = parse_cib(TWO.replace(b'<node id="2" uname="node-b"/>', (
        b'<node id="2" uname="node-b"><instance_attributes id="n2"><nvpair id="n2-m" '
        b'name="maintenance" value="on"/></instance_attributes></node>')))
    assert maintenance_text(by_hand, NOW) == (
        "MAINTENANCE: node node-b (since: unknown, not switched on by hacon)")
    assert maintenance_text(parse_cib(TWO), NOW) is None
