"""`hacon config stickiness|prefer|threshold` and the migration-threshold advisory and fix,
checked with Pacemaker's own tools on CIB files (no cluster): `cibadmin --patch` applies the
patch (and refuses a stale one with 103), `crm_simulate` previews what moves, and `crm_mon`,
`crm_attribute` and `crm_resource` read back what was written."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from cib_edits import edited, failcount, lab_cib, location
from lxml import etree
from test_plans import TOOL_PATH, cibadmin_patch, pytestmark  # noqa: F401 - skip without tools

from console.actions import config_edits, fixes
from console.actions.catalog import plan_on
from console.actions.execute import OutcomeStatus, prepare, preview, run_plan
from console.actions.plans import ActionKind, ActionPlan, ActionRefused
from console.actions.requests import GuardedRequest
from console.model import parse_cib
from console.model.live.advisories import cluster_advisories
from console.transport.base import CommandResult

HEALTHY = lab_cib("healthy-2node")  # ClusterIP + OSIPS on node-a, stickiness 1, no threshold
THRESHOLD = "no-migration-threshold"


def tool(cib_file: Path, *argv: str) -> str:
    result = subprocess.run(list(argv), env={"PATH": TOOL_PATH, "CIB_file": str(cib_file),
                                             "LC_ALL": "C"}, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


class CibFileRunner:
    """A node whose CIB manager is a file: cibadmin runs for real on it (CIB_file); anything
    else is "not installed" (127), so the preview runs crm_simulate on this machine."""

    def __init__(self, cib: bytes, tmp_path: Path) -> None:
        self.path = tmp_path / "live.xml"
        self.path.write_bytes(cib)
        self.before_patch: list[bytes] = []
        """CIBs another writer saves just before hacon's next patch (a race)."""
        self.patches = 0

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        if argv[0] != "cibadmin":
            return CommandResult(node, tuple(argv), 127, b"", b"not installed", 0.0)
        if "--patch" in argv:
            self.patches += 1
            if self.before_patch:
                self.path.write_bytes(self.before_patch.pop(0))
        result = subprocess.run(list(argv), input=input, capture_output=True, check=False,
                                env={"PATH": TOOL_PATH, "CIB_file": str(self.path),
                                     "LC_ALL": "C"})
        return CommandResult(node, tuple(argv), result.returncode, result.stdout, result.stderr,
                             0.0)


async def previewed(runner: CibFileRunner, request: GuardedRequest) -> ActionPlan:
    return await preview(await prepare(request.kind, runner, "node-a", node=request.node,
                                       resource=request.resource, value=request.value), runner)


async def applied(runner: CibFileRunner, request: GuardedRequest) -> ActionPlan:
    """Planned on the file, previewed by crm_simulate, applied by cibadmin (not verified: no
    cluster runs the transition)."""
    plan = await previewed(runner, request)
    assert plan.refusal is None, plan.refusal
    outcome = await run_plan(plan, runner, verify=False)
    assert outcome.status is OutcomeStatus.DONE, outcome.message
    return outcome.plan


def advisory(cib: bytes, code: str = THRESHOLD) -> str | None:
    found = [a.text for a in cluster_advisories(parse_cib(cib)) if a.code == code]
    return found[0] if found else None


def rsc_default(cib_file: Path, name: str) -> str | None:
    """An rsc_defaults value as cibadmin reads it back (crm_attribute --type rsc_defaults
    wants a local node name on a CIB file)."""
    found = tool(cib_file, "cibadmin", "--query", "--xpath",
                 f"//rsc_defaults//nvpair[@name='{name}']")
    return etree.fromstring(found.encode()).get("value")


def where_after_transition(cib_file: Path, tmp_path: Path) -> dict[str, str]:
    """Where crm_simulate leaves each resource, as crm_mon reads the simulated CIB."""
    out = tmp_path / "simulated.xml"
    tool(cib_file, "crm_simulate", "--simulate", "--xml-file", str(cib_file),
         "--save-output", str(out))
    mon = etree.fromstring(tool(out, "crm_mon", "-1", "--output-as=xml").encode())
    return {r.get("id"): r.find("node").get("name") for r in mon.iterfind(".//resource")
            if r.find("node") is not None}


# --- input -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "score"), [
    ("50", "50"), ("-50", "-50"), ("INFINITY", "INFINITY"), ("+INFINITY", "INFINITY"),
    ("-infinity", "-INFINITY"), ("0", "0")])
def test_scores_are_written_as_pacemaker_writes_them(text: str, score: str) -> None:
    assert config_edits.parse_score(text) == score


@pytest.mark.parametrize("text", ["abc", "1.5", "", "1e3", "50 ", "5000000", "INF", "١٢"])
def test_anything_else_is_not_a_score(text: str) -> None:
    if text == "50 ":
        assert config_edits.parse_score(text) == "50"  # surrounding blanks are forgiven
        return
    with pytest.raises(ValueError, match="score"):
        config_edits.parse_score(text)


def test_a_threshold_or_stickiness_is_zero_or_more() -> None:
    assert config_edits.parse_count("3", "migration-threshold") == "3"
    assert config_edits.parse_count("INFINITY", "stickiness") == "INFINITY"
    with pytest.raises(ValueError, match="migration-threshold '-1' is negative"):
        config_edits.parse_count("-1", "migration-threshold")
    with pytest.raises(ValueError, match="stickiness 'x' is not a whole number"):
        config_edits.parse_count("x", "stickiness")


@pytest.mark.parametrize("text", ["node-a", "=50", "node-a=", "node-a=fifty"])
def test_a_preference_is_node_equals_score(text: str) -> None:
    with pytest.raises(ValueError):
        config_edits.parse_preference(text)
    assert config_edits.parse_preference("node-b=-INFINITY") == ("node-b", "-INFINITY")


# --- the advisory and its fix --------------------------------------------------------------


def test_a_service_without_threshold_is_an_advisory_naming_it() -> None:
    assert advisory(HEALTHY) == ("no migration-threshold for OSIPS: a broken configuration "
                                 "restarts forever on one node while the other sits idle")
    assert advisory(edited(HEALTHY, meta("OSIPS", "migration-threshold", "3"))) is None
    zero = edited(HEALTHY, meta("OSIPS", "migration-threshold", "0"))
    assert "OSIPS" in (advisory(zero) or "")  # 0 switches the limit off


def test_a_vip_without_a_service_is_named_itself() -> None:
    def vip_alone(root: etree._Element) -> None:
        for path in ("configuration/resources/primitive[@id='OSIPS']",
                     "configuration/constraints/rsc_colocation",
                     "configuration/constraints/rsc_order"):
            element = root.find(path)
            element.getparent().remove(element)
        for entry in root.iterfind(".//lrm_resource[@id='OSIPS']"):
            entry.getparent().remove(entry)
    assert "for ClusterIP:" in (advisory(edited(HEALTHY, vip_alone)) or "")


def meta(resource: str, name: str, value: str):  # noqa: ANN201 - an Edit
    def edit(root: etree._Element) -> None:
        primitive = root.find(f"configuration/resources//primitive[@id='{resource}']")
        holder = etree.SubElement(primitive, "meta_attributes", id=f"{resource}-meta")
        etree.SubElement(holder, "nvpair", id=f"{resource}-meta-{name}", name=name, value=value)
    return edit


async def test_the_fix_sets_rsc_defaults_and_the_advisory_is_gone(tmp_path: Path) -> None:
    runner = CibFileRunner(HEALTHY, tmp_path)
    plan = await applied(runner, GuardedRequest(ActionKind.FIX_THRESHOLD))
    assert plan.consequences[0] == "nothing moves"
    assert rsc_default(runner.path, "migration-threshold") == "3"
    after = runner.path.read_bytes()
    assert advisory(after) is None
    assert fixes.fix_blocked_reason(parse_cib(after), ActionKind.FIX_THRESHOLD) == \
        "there is no no-migration-threshold advisory to fix"


def test_with_the_fix_three_failures_move_the_vip_and_its_service_to_the_peer(
        tmp_path: Path) -> None:
    """What the fix is for, with the scheduler as the judge: the same three failures of OSIPS
    on node-a restart it there forever without it, and move both away with it."""
    failed = edited(HEALTHY, failcount("node-a", "OSIPS", "3"))
    before = tmp_path / "before.xml"
    before.write_bytes(failed)
    assert where_after_transition(before, tmp_path) == {"ClusterIP": "node-a", "OSIPS": "node-a"}
    plan = fixes.plan_fix(failed, ActionKind.FIX_THRESHOLD, run_on="node-a")
    assert plan.stdin is not None
    status, after = cibadmin_patch(failed, plan.stdin, tmp_path)
    assert status == 0
    fixed = tmp_path / "fixed.xml"
    fixed.write_bytes(after)
    assert where_after_transition(fixed, tmp_path) == {"ClusterIP": "node-b", "OSIPS": "node-b"}


def test_a_resources_own_unlimited_threshold_is_named_instead_of_patched_in_vain() -> None:
    own = edited(HEALTHY, meta("OSIPS", "migration-threshold", "INFINITY"))
    reason = fixes.fix_blocked_reason(parse_cib(own), ActionKind.FIX_THRESHOLD)
    assert reason == ("OSIPS sets its own migration-threshold=INFINITY, which wins over "
                      "rsc_defaults: `hacon config threshold OSIPS 3` sets it")


# --- hacon config threshold ----------------------------------------------------------------


async def test_threshold_is_the_resources_meta_and_clears_the_advisory(
        tmp_path: Path) -> None:
    runner = CibFileRunner(HEALTHY, tmp_path)
    plan = await applied(runner, GuardedRequest(ActionKind.CONFIG_THRESHOLD, resource="OSIPS",
                                                value="3"))
    assert plan.title == "Set OSIPS migration-threshold to 3"
    assert plan.consequences == ("nothing moves", "OSIPS migration-threshold unset (INFINITY) → "
                                 "3: after 3 failure(s) on a node it moves to another node")
    assert tool(runner.path, "crm_resource", "--resource", "OSIPS", "--meta",
                "--get-parameter", "migration-threshold").strip() == "3"
    assert advisory(runner.path.read_bytes()) is None
    again = GuardedRequest(ActionKind.CONFIG_THRESHOLD, resource="OSIPS", value="3")
    assert again.guard_reason(parse_cib(runner.path.read_bytes()), now=None) == \
        "OSIPS has migration-threshold=3 already"


async def test_a_threshold_that_changes_updates_the_same_attribute(tmp_path: Path) -> None:
    runner = CibFileRunner(edited(HEALTHY, meta("OSIPS", "migration-threshold", "5")), tmp_path)
    plan = await applied(runner, GuardedRequest(ActionKind.CONFIG_THRESHOLD, resource="OSIPS",
                                                value="2"))
    assert "OSIPS migration-threshold 5 → 2" in plan.consequences[1]
    pairs = etree.fromstring(runner.path.read_bytes()).findall(
        ".//primitive[@id='OSIPS']//nvpair[@name='migration-threshold']")
    assert [(p.get("id"), p.get("value")) for p in pairs] == \
        [("OSIPS-meta-migration-threshold", "2")]


# --- hacon config stickiness -----------------------------------------------------------------


async def test_stickiness_is_rsc_defaults_and_names_a_resources_own_value(
        tmp_path: Path) -> None:
    cib = edited(HEALTHY, meta("OSIPS", "resource-stickiness", "0"))
    runner = CibFileRunner(cib, tmp_path)
    plan = await applied(runner, GuardedRequest(ActionKind.CONFIG_STICKINESS, value="100"))
    assert plan.consequences == ("nothing moves", "rsc_defaults resource-stickiness 1 → 100",
                                 "OSIPS keeps its own resource-stickiness=0")
    assert rsc_default(runner.path, "resource-stickiness") == "100"
    same = GuardedRequest(ActionKind.CONFIG_STICKINESS, value="100")
    assert same.guard_reason(parse_cib(runner.path.read_bytes()), now=None) == \
        "rsc_defaults resource-stickiness is already 100"


async def test_dropping_stickiness_below_a_preference_says_the_vip_would_move(
        tmp_path: Path) -> None:
    prefers_b = edited(HEALTHY, location("location-ClusterIP-node-b-50", "ClusterIP", "node-b",
                                         "50"), stickiness("100"))
    runner = CibFileRunner(prefers_b, tmp_path)
    plan = await previewed(runner, GuardedRequest(ActionKind.CONFIG_STICKINESS, value="0"))
    assert plan.consequences[:2] == ("ClusterIP moves node-a → node-b",
                                     "OSIPS moves node-a → node-b")
    assert plan.stops_service  # the confirmation focuses No


def stickiness(value: str):  # noqa: ANN201 - an Edit
    def edit(root: etree._Element) -> None:
        root.find("configuration/rsc_defaults//nvpair[@name='resource-stickiness']").set(
            "value", value)
    return edit


# --- hacon config prefer -----------------------------------------------------------------------


async def test_prefer_writes_what_pcs_writes_and_says_what_moves(tmp_path: Path) -> None:
    runner = CibFileRunner(HEALTHY, tmp_path)
    request = GuardedRequest(ActionKind.CONFIG_PREFER, resource="ClusterIP", node="node-b",
                             value="INFINITY")
    plan = await applied(runner, request)
    assert plan.title == "Prefer node-b for ClusterIP (score INFINITY)"
    assert plan.consequences == ("ClusterIP moves node-a → node-b", "OSIPS moves node-a → node-b",
                                 "new location-ClusterIP-node-b-INFINITY: ClusterIP on node-b "
                                 "score INFINITY")
    constraint = etree.fromstring(runner.path.read_bytes()).find(
        "configuration/constraints/rsc_location")
    assert dict(constraint.attrib) == {"id": "location-ClusterIP-node-b-INFINITY",
                                       "rsc": "ClusterIP", "node": "node-b", "score": "INFINITY"}
    assert where_after_transition(runner.path, tmp_path) == {"ClusterIP": "node-b",
                                                             "OSIPS": "node-b"}


async def test_prefer_changes_the_existing_preference_instead_of_adding_a_second(
        tmp_path: Path) -> None:
    cib = edited(HEALTHY, location("location-ClusterIP-node-a-50", "ClusterIP", "node-a", "50"),
                 location("location-ClusterIP-node-b-20", "ClusterIP", "node-b", "20"))
    runner = CibFileRunner(cib, tmp_path)
    plan = await applied(runner, GuardedRequest(ActionKind.CONFIG_PREFER, resource="ClusterIP",
                                                node="node-a", value="200"))
    assert plan.consequences == ("nothing moves",
                                 "location-ClusterIP-node-a-50: ClusterIP on node-a score 50 → 200",
                                 "node-b keeps location-ClusterIP-node-b-20 (score 20)")
    mine = [(c.get("id"), c.get("score")) for c in etree.fromstring(runner.path.read_bytes())
            .iterfind("configuration/constraints/rsc_location[@node='node-a']")]
    assert mine == [("location-ClusterIP-node-a-50", "200")]


async def test_a_preference_that_leaves_the_vip_nowhere_is_refused_by_the_preview(
        tmp_path: Path) -> None:
    cib = edited(HEALTHY, location("location-ClusterIP-node-b--INFINITY", "ClusterIP", "node-b",
                                   "-INFINITY"))
    runner = CibFileRunner(cib, tmp_path)
    plan = await previewed(runner, GuardedRequest(ActionKind.CONFIG_PREFER, resource="ClusterIP",
                                                  node="node-a", value="-INFINITY"))
    assert plan.refusal is not None and "ClusterIP" in plan.refusal
    outcome = await run_plan(plan, runner, verify=False)
    assert outcome.status is OutcomeStatus.REFUSED
    assert runner.patches == 0 and runner.path.read_bytes() == cib


def test_prefer_is_refused_for_a_clone_member_and_when_nothing_changes() -> None:
    cib = edited(HEALTHY, location("location-OSIPS-node-a-50", "OSIPS", "node-a", "50"))
    same = GuardedRequest(ActionKind.CONFIG_PREFER, resource="OSIPS", node="node-a", value="50")
    assert same.guard_reason(parse_cib(cib), now=None) == \
        "location-OSIPS-node-a-50 already gives OSIPS score 50 on node-a"
    with pytest.raises(ActionRefused, match="already gives"):
        plan_on(cib, same.kind, same, "node-a")

    def cloned(root: etree._Element) -> None:
        resources = root.find("configuration/resources")
        primitive = resources.find("primitive[@id='OSIPS']")
        clone = etree.SubElement(resources, "clone", id="OSIPS-clone")
        clone.append(primitive)
    member = GuardedRequest(ActionKind.CONFIG_PREFER, resource="OSIPS", node="node-b", value="5")
    reason = member.guard_reason(parse_cib(edited(HEALTHY, cloned)), now=None)
    assert reason == "OSIPS is inside the clone OSIPS-clone: give the preference to OSIPS-clone"


# --- compare-and-swap --------------------------------------------------------------------------


async def test_a_cib_changed_under_the_edit_is_103_and_the_edit_is_planned_again(
        tmp_path: Path) -> None:
    runner = CibFileRunner(HEALTHY, tmp_path)
    plan = await previewed(runner, GuardedRequest(ActionKind.CONFIG_THRESHOLD, resource="OSIPS",
                                                  value="4"))
    other = tmp_path / "other.xml"
    other.write_bytes(HEALTHY)  # another console sets a cluster property meanwhile
    tool(other, "crm_attribute", "--type", "crm_config", "--name", "batch-limit",
         "--update", "10")
    runner.before_patch.append(other.read_bytes())
    outcome = await run_plan(plan, runner, verify=False)
    assert outcome.status is OutcomeStatus.DONE and outcome.conflicts == 1
    assert tool(runner.path, "crm_resource", "--resource", "OSIPS", "--meta",
                "--get-parameter", "migration-threshold").strip() == "4"
    assert tool(runner.path, "crm_attribute", "--type", "crm_config", "--name",
                "batch-limit", "--query", "--quiet").strip() == "10"  # theirs kept too
