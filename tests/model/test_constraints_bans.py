"""Bans: hacon must list exactly the negative location entries crm_mon lists."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from console.model.cluster import Ban
from console.model.constraints.bans import bans_from_cib
from console.model.constraints.parse import parse_constraints
from console.model.constraints.rule_nodes import compare_node_names
from console.model.xmlsafe import parse_xml
from tests.support.paths import CORPUS_DIR

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Liveness:
    online: bool = True
    shutdown: bool = False
    resources_running: int = 0


def cib(constraints: str, *, status: str = "", resources: str = "", nodes: str = "") -> bytes:
    """Two online nodes a and b, a VIP, a promotable db clone, and the given extras."""
    return f"""<cib dc-uuid="1"><configuration>
      <crm_config><cluster_property_set id="p">
        <nvpair id="p1" name="cluster-name" value="sipcluster"/></cluster_property_set></crm_config>
      <nodes>
        <node id="1" uname="a"><instance_attributes id="a-attrs">
          <nvpair id="a-site" name="site" value="dc1"/></instance_attributes></node>
        <node id="2" uname="b"><instance_attributes id="b-attrs">
          <nvpair id="b-site" name="site" value="dc2"/></instance_attributes></node>
        {nodes}
      </nodes>
      <resources>
        <primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2"/>
        <primitive id="vip-backup" class="ocf" provider="heartbeat" type="IPaddr2"/>
        <clone id="db-clone"><meta_attributes id="m"><nvpair id="m1" name="promotable" value="true"/>
          </meta_attributes><primitive id="db" class="ocf" provider="pacemaker" type="Stateful"/></clone>
        {resources}
      </resources>
      <constraints>{constraints}</constraints>
    </configuration><status>{status}</status></cib>""".encode()


def bans(data: bytes, liveness: dict[str, Liveness] | None = None) -> list[Ban]:
    root = parse_xml(data)
    live = liveness if liveness is not None else {"a": Liveness(), "b": Liveness()}
    return list(bans_from_cib(root, parse_constraints(root), live, NOW))


def test_cli_ban_is_listed_with_its_node_and_score() -> None:
    found = bans(cib('<rsc_location id="cli-ban-vip-on-a" rsc="vip" node="a" score="-INFINITY"/>'))
    assert found == [Ban("cli-ban-vip-on-a", "vip", "a", -1_000_000, False)]


def test_positive_preferences_and_unknown_nodes_or_resources_are_not_bans() -> None:
    found = bans(
        cib(
            '<rsc_location id="prefer" rsc="vip" node="a" score="100"/>'
            '<rsc_location id="ghost-node" rsc="vip" node="zz" score="-INFINITY"/>'
            '<rsc_location id="ghost-rsc" rsc="nothing" node="a" score="-INFINITY"/>'
        )
    )
    assert found == []


def test_node_names_match_without_case_and_ban_shows_the_configured_name() -> None:
    found = bans(cib('<rsc_location id="l" rsc="vip" node="A" score="-5"/>'))
    assert found == [Ban("l", "vip", "a", -5, False)]


def test_promoted_role_marks_the_ban_promoted_only() -> None:
    found = bans(
        cib(
            '<rsc_location id="no-promo" rsc="db-clone" node="a" score="-INFINITY" role="Master"/>'
            '<rsc_location id="no-db" rsc="db-clone" node="b" score="-INFINITY" role="Slave"/>'
        )
    )
    assert [(ban.id, ban.promoted_only) for ban in found] == [("no-db", False), ("no-promo", True)]


def test_bans_are_listed_newest_constraint_first() -> None:
    found = bans(
        cib(
            '<rsc_location id="first" rsc="vip" node="a" score="-1"/>'
            '<rsc_location id="second" rsc="vip" node="b" score="-2"/>'
        )
    )
    assert [ban.id for ban in found] == ["second", "first"]


def test_rule_ban_uses_the_rule_id_and_node_attributes() -> None:
    found = bans(
        cib(
            """<rsc_location id="keep-off-dc2" rsc="vip">
                 <rule id="keep-off-dc2-rule" score="-INFINITY">
                   <expression id="e" attribute="site" operation="eq" value="dc2"/>
                 </rule></rsc_location>"""
        )
    )
    assert found == [Ban("keep-off-dc2-rule", "vip", "b", -1_000_000, False)]


def test_transient_attribute_wins_over_the_permanent_one() -> None:
    status = """<node_state id="2" uname="b" in_ccm="true" crmd="online" join="member"
                 expected="member"><transient_attributes id="2"><instance_attributes id="t">
                 <nvpair id="t1" name="site" value="dc1"/></instance_attributes>
                 </transient_attributes></node_state>"""
    constraint = """<rsc_location id="l" rsc="vip"><rule id="r" score="-INFINITY">
                      <expression id="e" attribute="site" operation="eq" value="dc2"/>
                    </rule></rsc_location>"""
    assert bans(cib(constraint, status=status)) == []


@pytest.mark.parametrize(
    ("attribute", "value", "banned"),
    [
        ("#uname", "b", ["b"]),
        ("#id", "1", ["a"]),
        ("#is_dc", "true", ["a"]),
        ("#kind", "cluster", ["b", "a"]),
        ("#cluster-name", "sipcluster", ["b", "a"]),
    ],
)
def test_built_in_node_attributes(attribute: str, value: str, banned: list[str]) -> None:
    constraint = f"""<rsc_location id="l" rsc="vip"><rule id="r" score="-INFINITY">
                      <expression id="e" attribute="{attribute}" operation="eq" value="{value}"/>
                    </rule></rsc_location>"""
    # An "and" rule lists its nodes in reverse node order, as crm_mon does.
    assert [ban.node for ban in bans(cib(constraint))] == banned


def test_expired_date_rule_bans_nothing_and_current_one_bans() -> None:
    expired = """<rsc_location id="l" rsc="vip"><rule id="r" score="-INFINITY">
                   <date_expression id="d" operation="lt" end="2020-01-01"/></rule></rsc_location>"""
    current = expired.replace("2020-01-01", "2030-01-01")
    assert bans(cib(expired)) == []
    assert [ban.node for ban in bans(cib(current))] == ["b", "a"]


def test_score_attribute_reads_the_score_from_the_node() -> None:
    constraint = """<rsc_location id="l" rsc="vip"><rule id="r" score-attribute="site-score">
                      <expression id="e" attribute="#uname" operation="ne" value="zz"/>
                    </rule></rsc_location>"""
    nodes_extra = ""
    data = cib(constraint, nodes=nodes_extra).replace(
        b'<nvpair id="a-site" name="site" value="dc1"/>',
        b'<nvpair id="a-site" name="site" value="dc1"/><nvpair id="a-s" name="site-score" value="-7"/>',
    )
    # b has no site-score: a missing score attribute counts as -INFINITY.
    assert [(ban.node, ban.score) for ban in bans(data)] == [("b", -1_000_000), ("a", -7)]


def test_or_rule_on_an_offline_node_is_a_ban_even_with_a_positive_score() -> None:
    status = """<node_state id="2" uname="b" in_ccm="false" crmd="offline" join="down"
                 expected="down"/>"""
    constraint = """<rsc_location id="l" rsc="vip"><rule id="r" score="50" boolean-op="or">
                      <expression id="e" attribute="#uname" operation="eq" value="b"/>
                    </rule></rsc_location>"""
    live = {"a": Liveness(), "b": Liveness(online=False)}
    assert bans(cib(constraint, status=status), live) == [Ban("r", "vip", "b", -1_000_000, False)]


def test_rsc_pattern_bans_every_matching_top_level_resource() -> None:
    constraint = '<rsc_location id="l" rsc-pattern="^vip" node="b" score="-INFINITY"/>'
    assert [ban.resource for ban in bans(cib(constraint))] == ["vip-backup", "vip"]
    inverted = '<rsc_location id="l" rsc-pattern="!^vip" node="b" score="-INFINITY"/>'
    assert [ban.resource for ban in bans(cib(inverted))] == ["db-clone"]


def test_resource_set_members_are_each_banned_until_an_unknown_member() -> None:
    constraint = """<rsc_location id="l" node="a" score="-INFINITY">
                      <resource_set id="s"><resource_ref id="vip"/><resource_ref id="vip-backup"/>
                      <resource_ref id="nope"/><resource_ref id="db-clone"/></resource_set>
                    </rsc_location>"""
    assert [ban.resource for ban in bans(cib(constraint))] == ["vip-backup", "vip"]


def test_node_name_order_is_pacemakers() -> None:
    names = ["node10", "Node2", "node1", "18node2", "remote1", "node007", "node7"]
    import functools

    ordered = sorted(names, key=functools.cmp_to_key(compare_node_names))
    assert ordered == ["18node2", "node1", "Node2", "node7", "node007", "node10", "remote1"]


# --- against crm_mon itself ------------------------------------------------------------------

RULE_HEAVY_CORPUS = [
    "year-2038",  # bundles: guest nodes created per replica get banned by a rule
    "bug-cl-5247",  # guest node read although crm_mon calls it offline
    "remote-orphaned",  # orphaned remote connection keeps its node; or-rule order
    "whitebox-orphan-ms",
    "colocation-influence",  # tags, bundles, ban on every resource
    "tags-location",
    "rule-dbl-as-number-match",
    "rule-int-parse-fail-default-str-match",
    "value-source",  # rsc-pattern back-references, value-source param/meta
    "date-2",  # date_spec
    "location-sets-templates",
    "promoted-7",
    "date-1",
]
CRM_MON = shutil.which("crm_mon")


def crm_mon_xml(path: Path) -> etree._Element:
    env = {**os.environ, "CIB_file": str(path)}
    result = subprocess.run(
        [str(CRM_MON), "-1", "--output-as=xml"],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    return etree.fromstring(result.stdout)


def crm_mon_view(mon: etree._Element) -> tuple[dict[str, Liveness], list[Ban]]:
    assert mon.find("nodes") is not None, etree.tostring(mon).decode()[:500]
    live = {
        node.get("name", ""): Liveness(
            node.get("online") == "true",
            node.get("shutdown") == "true",
            int(node.get("resources_running", "0")),
        )
        for node in mon.iterfind("nodes/node")
    }
    expected = [
        Ban(
            b.get("id", ""),
            b.get("resource", ""),
            b.get("node", ""),
            int(b.get("weight", "0")),
            b.get("promoted-only") == "true",
        )
        for b in mon.iterfind("bans/ban")
    ]
    return live, expected


@pytest.mark.skipif(CRM_MON is None, reason="crm_mon (pacemaker-cli-utils) is not installed")
@pytest.mark.parametrize("name", RULE_HEAVY_CORPUS)
def test_bans_equal_crm_mon_on_corpus(name: str) -> None:
    path = CORPUS_DIR / f"{name}.xml"
    if not path.exists():
        pytest.skip(f"{name} is not in the corpus")
    live, expected = crm_mon_view(crm_mon_xml(path))
    root = parse_xml(path.read_bytes())
    assert list(bans_from_cib(root, parse_constraints(root), live)) == expected


# --- hand-written CIBs for what the corpus lacks, each checked against crm_mon ---------------

ONLINE = """<node_state id="{id}" uname="{name}" in_ccm="true" crmd="online" join="member"
  expected="member">{extra}</node_state>"""
OFFLINE = """<node_state id="{id}" uname="{name}" in_ccm="false" crmd="offline" join="down"
  expected="down"/>"""
RULE = """<rsc_location id="{cid}" rsc="{rsc}"><rule id="{cid}-r" {rule_attrs}>{body}</rule>
  </rsc_location>"""

CRAFTED: dict[str, bytes] = {
    "date-spec-always": cib(
        RULE.format(
            cid="ds",
            rsc="vip",
            rule_attrs='score="-INFINITY"',
            body='<date_expression id="d" operation="date_spec"><date_spec id="s" '
            'years="2000-3000" weekdays="1-7"/></date_expression>',
        ),
        status=ONLINE.format(id="1", name="a", extra="")
        + ONLINE.format(id="2", name="b", extra=""),
    ),
    "duration-expired": cib(
        RULE.format(
            cid="dur",
            rsc="vip",
            rule_attrs='score="-INFINITY"',
            body='<date_expression id="d" operation="in_range" start="2020-01-01">'
            '<duration id="du" months="2"/></date_expression>',
        ),
        status=ONLINE.format(id="1", name="a", extra=""),
    ),
    "or-rule-offline-node": cib(
        RULE.format(
            cid="or",
            rsc="vip",
            rule_attrs='score="100" boolean-op="or"',
            body='<expression id="e" attribute="#uname" operation="eq" value="b"/>'
            '<expression id="e2" attribute="site" operation="eq" value="dc1"/>',
        ),
        status=ONLINE.format(id="1", name="a", extra="") + OFFLINE.format(id="2", name="b"),
    ),
    "score-attribute-and-transient": cib(
        RULE.format(
            cid="sa",
            rsc="vip",
            rule_attrs='score-attribute="vip-score"',
            body='<expression id="e" attribute="#kind" operation="eq" value="cluster"/>',
        ),
        status=ONLINE.format(
            id="1",
            name="a",
            extra='<transient_attributes id="1"><instance_attributes id="t1"><nvpair id="t1a" '
            'name="vip-score" value="-300"/></instance_attributes></transient_attributes>',
        )
        + ONLINE.format(id="2", name="b", extra=""),
    ),
    "pattern-back-reference": cib(
        '<rsc_location id="pat" rsc-pattern="^(vip)-(.*)$"><rule id="pat-r" '
        'score-attribute="%2-score"><expression id="e" attribute="#uname" operation="ne" '
        'value="zz"/></rule></rsc_location>',
        status=ONLINE.format(id="1", name="a", extra="")
        + ONLINE.format(id="2", name="b", extra=""),
        nodes="",
    ).replace(
        b'<nvpair id="a-site" name="site" value="dc1"/>',
        b'<nvpair id="a-site" name="site" value="dc1"/><nvpair id="a-bs" name="backup-score" '
        b'value="-50"/>',
    ),
    "promoted-rule-and-bad-role": cib(
        RULE.format(
            cid="pr",
            rsc="db-clone",
            rule_attrs='score="-INFINITY" role="Master"',
            body='<expression id="e" attribute="site" operation="eq" value="dc2"/>',
        )
        + RULE.format(
            cid="bad",
            rsc="db-clone",
            rule_attrs='score="-INFINITY" role="Boss"',
            body='<expression id="e2" attribute="site" operation="eq" value="dc2"/>',
        ),
        status=ONLINE.format(id="1", name="a", extra="")
        + ONLINE.format(id="2", name="b", extra=""),
    ),
    "node-score-tags-templates": cib(
        '<rsc_location id="tagged" rsc="ips" node="b" score="-20"/>'
        '<rsc_location id="templ" node="a" score="-30"><resource_set id="ts">'
        '<resource_ref id="web-template"/></resource_set></rsc_location>',
        status=ONLINE.format(id="1", name="a", extra="")
        + ONLINE.format(id="2", name="b", extra=""),
        resources='<template id="web-template" class="ocf" provider="heartbeat" type="Dummy"/>'
        '<primitive id="web1" template="web-template"/><primitive id="web2" template="web-template"/>',
    ).replace(
        b"</configuration>",
        b'<tags><tag id="ips"><obj_ref id="vip"/><obj_ref id="vip-backup"/></tag></tags>'
        b"</configuration>",
    ),
    "remote-node-rule": cib(
        RULE.format(
            cid="rk",
            rsc="vip",
            rule_attrs='score="-INFINITY"',
            body='<expression id="e" attribute="#kind" operation="ne" value="cluster"/>',
        ),
        status=ONLINE.format(id="1", name="a", extra="")
        + ONLINE.format(id="2", name="b", extra=""),
        resources='<primitive id="rnode" class="ocf" provider="pacemaker" type="remote">'
        '<instance_attributes id="ri"><nvpair id="ri1" name="server" value="192.0.2.99"/>'
        "</instance_attributes></primitive>",
    ),
}


@pytest.mark.skipif(CRM_MON is None, reason="crm_mon (pacemaker-cli-utils) is not installed")
@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_bans_equal_crm_mon_on_crafted_cibs(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.xml"
    header = b'<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" '
    path.write_bytes(CRAFTED[name].replace(b"<cib ", header, 1))
    live, expected = crm_mon_view(crm_mon_xml(path))
    root = parse_xml(path.read_bytes())
    assert list(bans_from_cib(root, parse_constraints(root), live)) == expected
