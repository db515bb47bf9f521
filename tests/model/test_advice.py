"""Every finding has a next step in hacon's own keys (or the exact command), and `hacon status`,
its JSON and the console say the same things about the same CIB file."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from console.presentation.advice import _DESCRIBERS, advisory_detail, refusal_next_step
from console.presentation.advice_text import (
    advisories_document,
    advisory_text_lines,
    file_advisories,
)
from console.model.live.advisories import Advisory, Severity
from console.presentation.rows import status_cell
from console.presentation.snapshot_view import build_view
from console.model.snapshot import parse_cib
from tests.hacon_process import hacon
from tests.support import snapshots as b
from tests.support.paths import REPO_ROOT
from tests.support.status_schema import schema_errors
ALL_STANDBY = (REPO_ROOT / "tests" / "fixtures" / "file_mode"
               / "all-standby-cli-prefer-lifetime.cib.xml")
"""Every node in standby, and a `crm_resource --move --lifetime` leftover (a rule with an
expiry) on a clone: the file-mode case where text and console disagreed."""
ADVISORY_CODES = sorted({code for name in ("advisories.py", "live_advisories.py")
                         for code in re.findall(r'Advisory\(\s*"([a-z0-9-]+)"', (
                             REPO_ROOT / "console" / "model" / "live" / name
                         ).read_text(encoding="utf-8"))})
"""Every advisory code the model can raise (found in its source, so a new one needs a detail)."""


def test_the_codes_were_found() -> None:
    assert {"vip-stopped", "leftover-cli-constraint", "vip-off-preferred"} <= set(ADVISORY_CODES)


@pytest.mark.parametrize("code", ADVISORY_CODES)
def test_every_advisory_names_a_key_or_an_exact_command(code: str) -> None:
    assert code in _DESCRIBERS, f"{code} has no detail view"
    detail = advisory_detail(Advisory(code, Severity.WARNING, "ClusterIP", "what: why"),
                             b.cluster())
    assert detail.what and detail.todo
    assert detail.step.command.split()[0] in ("hacon", "pcs", "crm_mon", "corosync-cfgtool",
                                              "ssh", "stonith_admin")
    if detail.step.command.startswith("hacon "):
        assert detail.step.keys, f"{code}: hacon has an action, so the console has a key"
    if detail.step.keys:
        assert re.match(r"press [1-5]", detail.step.keys), detail.step.keys


def test_the_leftover_advisory_says_press_4_select_it_x() -> None:
    snapshot = b.cluster(vip_on=("node-b",))
    ban = b.cli_ban("ClusterIP", "node-a")
    snapshot = replace(snapshot, constraints=replace(
        snapshot.constraints, location=snapshot.constraints.location + (ban,)))
    view = build_view(None, b.live(snapshot), b.FETCHED_AT, two_node=None)
    text = dict(view.problems)["leftover-cli-constraint:cli-ban-ClusterIP-on-node-a"][1].text
    assert "press 4, select it, x" in text
    assert "crm_resource --clear" not in text


def test_node_in_standby_refusal_suggests_o_on_that_node() -> None:
    nodes = [b.node("node-a", dc=True, standby=True), b.node("node-b", node_id="2")]
    snapshot = b.cluster(nodes=nodes, vip_on=("node-b",))
    reason = "after a standby of node-b no node could run ClusterIP (node-a in standby)"
    assert refusal_next_step(reason, snapshot) == \
        "first bring node-a online: press 1, select node-a, o"
    assert refusal_next_step("a split brain", snapshot) is None


# --- the file-mode case: text, JSON and console agree -----------------------------------------


def file_snapshot():  # type: ignore[no-untyped-def]
    return parse_cib(ALL_STANDBY.read_bytes())


def test_text_prints_the_advisories_the_console_shows() -> None:
    snapshot = file_snapshot()
    result = hacon("status", "--cib-file", str(ALL_STANDBY))
    assert result.returncode == 0, result.stderr
    console_rows = build_view(None, b.file_live(snapshot), b.FETCHED_AT, two_node=None,
                              with_keys=False).problems
    advisories = file_advisories(snapshot)
    assert [a.code for a in advisories][:2] == ["vip-stopped", "all-standby"]
    for advisory, (key, cells) in zip(advisories, console_rows):
        assert key == advisory.key
        assert cells[1].text.startswith(advisory.text)  # the same sentence on screen...
        assert advisory.text in result.stdout  # ...and in the text
    assert "every node is in standby" in result.stdout
    assert "next: hacon online node-a" in result.stdout
    assert advisory_text_lines(snapshot)[0] in result.stdout


def test_json_carries_the_same_advisories() -> None:
    result = hacon("status", "--json", "--cib-file", str(ALL_STANDBY))
    document = json.loads(result.stdout)
    assert document["advisories"] == advisories_document(file_snapshot())
    assert {a["code"] for a in document["advisories"]} >= {"vip-stopped", "all-standby",
                                                           "leftover-cli-constraint"}
    assert schema_errors(document) == []  # the shipped schema describes them
    leftover = next(a for a in document["advisories"] if a["code"] == "leftover-cli-constraint")
    assert leftover["command"] == "hacon clear cache-clone"


def test_no_raw_none_the_expiry_shown_stopped_is_not_ok() -> None:
    snapshot = file_snapshot()
    view = build_view(None, b.file_live(snapshot), b.FETCHED_AT, two_node=None)
    shown = " ".join(cell.text for _key, cells in view.problems + view.constraints
                     for cell in cells)
    assert "None" not in shown
    assert "pins cache-clone on node-a until 2030-01-01 00:00:00 +00:00" in shown
    text = hacon("status", "--cib-file", str(ALL_STANDBY)).stdout
    assert "until 2030-01-01 00:00:00 +00:00" in text and "None" not in text
    for resource in snapshot.resources.values():
        assert status_cell(resource).text == "not running"
    assert "OSIPS        Stopped  not running" in text


