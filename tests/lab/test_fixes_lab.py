"""The configuration fixes on the real lab: the advisories turn green on a re-read live CIB.

The lab's CIB is reshaped through cibadmin to what a hand-built cluster often looks like (no
colocation of OSIPS with the VIP, no order, no rsc_defaults, and, as in the lab anyway, no
preferred node), then put back as it was for the tests that follow. Each fix runs as the
operator runs it: `hacon fix ID --yes` in a subprocess, and key A on the advisory's row in the
real console. Pacemaker's own tools (cibadmin, crm_mon) and a fresh `hacon status --json` are
the oracle.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import pytest
from lxml import etree
from textual.widgets import Static

from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.widgets.problems_pane import ProblemsPane

from .fixtures import FigureRecorder
from .harness import Lab
from .test_actions_standby import config_version, hacon, journal
from .test_actions_toolkit import crm_mon
from .test_console_lab import banner_text, console_on, until

pytestmark = pytest.mark.lab
FIXED = ("vip-not-colocated", "vip-not-ordered", "no-stickiness", "no-preferred-node")
SECTIONS = ("constraints", "rsc_defaults")
"""What the fixes write to, saved before the reshaping and put back afterwards."""


@pytest.fixture
def kept_cib(healthy_lab: Lab) -> Iterator[Lab]:
    """The healthy lab; its constraints and rsc_defaults are put back after the test."""
    via = healthy_lab.vip()[0]
    saved = {scope: healthy_lab.exec(via, ["cibadmin", "--query", "--scope", scope],
                                     check=True).stdout for scope in SECTIONS}
    try:
        yield healthy_lab
    finally:
        _put_back(healthy_lab, saved)


def _put_back(lab: Lab, saved: dict[str, str]) -> None:
    via = lab.powered()[0]
    lab.exec(via, ["cibadmin", "--replace", "--scope", "constraints", "--xml-text",
                   saved["constraints"]], check=True)
    lab.exec(via, ["cibadmin", "--delete", "--xml-text", "<rsc_defaults/>"])  # none: rc 105
    lab.exec(via, ["cibadmin", "--create", "--scope", "configuration", "--xml-text",
                   saved["rsc_defaults"]], check=True)
    lab.wait(60)


@pytest.fixture
def unfixed_lab(kept_cib: Lab) -> Lab:
    """The lab without colocation, order, stickiness or preferred node for the VIP.

    OSIPS keeps a location of its own on the VIP's node: without it Pacemaker spreads the two
    resources over the two nodes, and OSIPS, which binds the VIP's address, fails to start on
    the other one (start-failure-is-fatal then bans it there). A location of the service is
    not a preferred node of the VIP: every advisory the fixes address is still there.
    """
    lab = kept_cib
    holder = lab.vip()[0]
    own_place = (f'<constraints><rsc_location id="location-OSIPS-{holder}-100" rsc="OSIPS" '
                 f'node="{holder}" score="100"/></constraints>')
    lab.exec(holder, ["cibadmin", "--replace", "--scope", "constraints", "--xml-text",
                      own_place], check=True)
    lab.exec(holder, ["cibadmin", "--delete", "--xml-text", "<rsc_defaults/>"], check=True)
    assert lab.wait(30) == holder
    return lab


def advisories(lab: Lab) -> dict[str, str]:
    """`code:subject` -> the command offered, from a fresh `hacon status --json`."""
    result = hacon(lab, "status", "--json")
    assert result.returncode == 0, result.stderr
    return {f"{item['code']}:{item['subject']}": item["command"]
            for item in json.loads(result.stdout)["advisories"]}


def cib_element(lab: Lab, node: str, xpath: str) -> list[etree._Element]:
    found = etree.fromstring(lab.cib(node).encode()).xpath(xpath)
    assert isinstance(found, list)
    return [element for element in found if isinstance(element, etree._Element)]


def fix(lab: Lab, code: str, figures: FigureRecorder) -> str:
    """`hacon fix CODE --yes` (must be done and verified); its stdout."""
    started = time.monotonic()
    result = hacon(lab, "fix", code, "--yes")
    figures(f"hacon fix {code}: read, previewed, applied, verified (CLI wall time)",
            time.monotonic() - started)
    assert result.returncode == 0, result.stderr
    assert "done and verified in" in result.stdout
    assert journal()[-1]["action"] == f"fix {code}" and journal()[-1]["outcome"] == "done"
    return result.stdout


def test_the_cli_fixes_turn_their_advisories_green_on_the_live_cib(
        unfixed_lab: Lab, lab_figures: FigureRecorder) -> None:
    lab = unfixed_lab
    holder = lab.vip()[0]
    listed = hacon(lab, "fix", "--list")
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        "vip-not-colocated", "vip-not-ordered", "no-stickiness", "no-preferred-node",
        "no-migration-threshold", "two-node-missing"]
    before = advisories(lab)
    assert before["vip-not-colocated:ClusterIP"] == "hacon fix vip-not-colocated"
    assert before["no-stickiness:ClusterIP"] == "hacon fix no-stickiness"
    assert "no-preferred-node:ClusterIP" in before
    assert not any(key.startswith("vip-not-ordered:") for key in before)  # not colocated yet

    shown = fix(lab, "vip-not-colocated", lab_figures)
    assert "  - nothing moves\n" in shown  # the scheduler's preview, in words
    assert "  - OSIPS always runs where ClusterIP runs (colocation INFINITY)\n" in shown
    assert cib_element(lab, holder, "//rsc_colocation[@rsc='OSIPS' and @with-rsc='ClusterIP'"
                                    " and @score='INFINITY']")
    osips = crm_mon(lab, holder).find("resources/resource[@id='OSIPS']/node")
    assert osips is not None and osips.get("name") == holder
    after = advisories(lab)
    assert "vip-not-colocated:ClusterIP" not in after
    assert after["vip-not-ordered:ClusterIP/OSIPS"] == "hacon fix vip-not-ordered"

    fix(lab, "vip-not-ordered", lab_figures)
    assert cib_element(lab, holder, "//rsc_order[@first='ClusterIP' and @then='OSIPS']")
    fix(lab, "no-stickiness", lab_figures)
    assert cib_element(lab, holder, "//rsc_defaults/meta_attributes/nvpair"
                                    "[@name='resource-stickiness' and @value='1']")
    after = advisories(lab)
    assert not {"vip-not-ordered:ClusterIP/OSIPS", "no-stickiness:ClusterIP"} & set(after)
    assert "no-preferred-node:ClusterIP" in after  # not asked for yet: still there

    fix(lab, "no-preferred-node", lab_figures)
    assert cib_element(lab, holder, f"//rsc_location[@rsc='ClusterIP' and @node='{holder}' "
                                    "and @score='50']")
    assert not any(key.split(":")[0] in FIXED for key in advisories(lab))
    assert lab.vip() == [holder]
    assert [(e["action"], e["outcome"]) for e in journal()] == [
        (f"fix {code}", "done") for code in FIXED]


def test_fixes_that_cannot_apply_exit_3_and_leave_the_cib_unchanged(kept_cib: Lab) -> None:
    lab = kept_cib
    holder = lab.vip()[0]
    before = config_version(lab, holder)
    again = hacon(lab, "fix", "vip-not-colocated", "--yes")
    assert again.returncode == 3, again.stderr
    assert "there is no vip-not-colocated advisory to fix" in again.stderr
    two_node = hacon(lab, "fix", "two-node-missing", "--yes")
    assert two_node.returncode == 3 and "two_node: 1" in two_node.stdout
    assert "corosync-cfgtool -R" in two_node.stdout
    assert config_version(lab, holder) == before
    assert journal()[-1]["action"] == "fix vip-not-colocated"
    assert journal()[-1]["outcome"] == "refused"


async def test_key_A_fixes_the_preferred_node_previewed_and_the_row_goes_green(
        kept_cib: Lab, lab_figures: FigureRecorder) -> None:
    lab = kept_cib
    holder = lab.vip()[0]
    row = "no-preferred-node:ClusterIP"  # the lab has no location constraint of its own
    async with console_on(lab) as (app, pilot):
        await until(pilot, lambda: f"ClusterIP on {holder}" in banner_text(app))
        problems = app.main_screen.query_one(ProblemsPane)  # type: ignore[union-attr]
        await until(pilot, lambda: row in problems.shown_keys)
        problems.focus()
        problems.move_cursor(row=problems.shown_keys.index(row))
        await until(pilot, lambda: problems.cursor_key == row)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        lab_figures("key A → fix preview on screen", loop.time() - started)
        dialog = "\n".join(str(line.content) for line in app.screen.query(Static))
        assert "Fix no-preferred-node" in dialog
        assert f"ClusterIP prefers {holder} (score 50)" in dialog
        assert not cib_element(lab, holder, "//rsc_location[@rsc='ClusterIP']"), (
            "nothing may change before the answer")
        started = loop.time()
        await pilot.press("y")
        await until(pilot, lambda: not app.action_running and row not in problems.shown_keys)
        lab_figures("key A fix: y → advisory gone from the re-read CIB", loop.time() - started)
    [location] = cib_element(lab, holder, "//rsc_location[@rsc='ClusterIP']")
    assert (location.get("node"), location.get("score")) == (holder, "50")
    assert [(e["action"], e["outcome"]) for e in journal()] == [("fix no-preferred-node",
                                                                 "done")]
    assert lab.vip() == [holder]  # a preference for where it runs moves nothing
