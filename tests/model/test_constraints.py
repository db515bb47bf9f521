"""Parsing configuration/constraints: what an operator needs to read them right."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from console.model.constraints.parse import (
    constraints_document,
    location_origin,
    normalise_role,
    parse_constraints,
)
from console.model.xmlsafe import parse_xml

RESOURCES = """
<primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2"/>
<primitive id="sip" class="ocf" provider="heartbeat" type="Dummy" template="tmpl"/>
<template id="tmpl" class="ocf" provider="heartbeat" type="Dummy"/>
<clone id="db-clone"><primitive id="db" class="ocf" provider="heartbeat" type="Dummy"/></clone>
"""


def cib_with(constraints: str, tags: str = "") -> etree._Element:
    """A minimal CIB with the given constraints section body."""
    return parse_xml(
        f"""<cib><configuration><crm_config/><nodes/>
        <resources>{RESOURCES}</resources>
        <constraints>{constraints}</constraints>
        <tags>{tags}</tags>
        </configuration><status/></cib>"""
    )


@pytest.mark.parametrize(
    ("constraint_id", "origin"),
    [
        ("cli-prefer-vip", "cli-prefer"),
        ("cli-ban-vip-on-node-a", "cli-ban"),
        ("cli-standby-vip", "cli-ban"),
        ("loc-vip-prefers-a", "user"),
        ("my-cli-ban-lookalike", "user"),
    ],
)
def test_location_origin_comes_from_the_id_prefix(constraint_id: str, origin: str) -> None:
    assert location_origin(constraint_id) == origin


@pytest.mark.parametrize(
    ("written", "normalised"),
    [("Master", "Promoted"), ("slave", "Unpromoted"), ("Started", "Started"), ("Bogus", "Bogus")],
)
def test_legacy_roles_read_as_pacemaker_2_1_names(written: str, normalised: str) -> None:
    assert normalise_role(written) == normalised


def test_node_score_location_is_parsed_with_clamped_score() -> None:
    root = cib_with('<rsc_location id="cli-ban-vip-on-a" rsc="vip" node="a" score="-INFINITY"/>')
    (location,) = parse_constraints(root).location
    assert (location.resource, location.node, location.score, location.score_int) == (
        "vip",
        "a",
        "-INFINITY",
        -1_000_000,
    )
    assert location.origin == "cli-ban"
    assert location.rules is None and location.sets is None


def test_rules_keep_nested_rules_and_date_specs() -> None:
    root = cib_with(
        """<rsc_location id="loc" rsc="vip" role="Master">
             <rule id="r1" score="-INFINITY" boolean-op="or" role="Master">
               <expression id="e1" attribute="#uname" operation="eq" value="a" type="string"/>
               <rule id="r2" boolean-op="and">
                 <date_expression id="d1" operation="date_spec">
                   <date_spec id="ds" hours="9-17" weekdays="1-5"/>
                 </date_expression>
               </rule>
             </rule>
           </rsc_location>"""
    )
    (location,) = parse_constraints(root).location
    assert location.role == "Promoted"
    (rule,) = location.rules or ()
    assert (rule.id, rule.boolean_op, rule.role) == ("r1", "or", "Promoted")
    attribute, nested = rule.expressions
    assert attribute.type == "attribute" and attribute.attributes["attribute"] == "#uname"
    assert nested.type == "rule" and nested.rule is not None
    (date,) = nested.rule.expressions
    assert date.type == "date" and date.date_spec == {
        "id": "ds",
        "hours": "9-17",
        "weekdays": "1-5",
    }


def test_rule_id_ref_is_followed() -> None:
    root = cib_with(
        """<rsc_location id="first" rsc="vip">
             <rule id="shared" score="-INFINITY">
               <expression id="e" attribute="site" operation="eq" value="dc2"/>
             </rule>
           </rsc_location>
           <rsc_location id="second" rsc="sip"><rule id-ref="shared"/></rsc_location>"""
    )
    second = parse_constraints(root).location[1]
    (rule,) = second.rules or ()
    assert rule.id == "shared" and rule.score == "-INFINITY" and len(rule.expressions) == 1


def test_location_on_a_tag_becomes_a_set_of_the_tagged_resources() -> None:
    root = cib_with(
        '<rsc_location id="loc" rsc="sip-stack" node="a" score="-INFINITY" role="Slave"/>',
        tags='<tag id="sip-stack"><obj_ref id="vip"/><obj_ref id="sip"/></tag>',
    )
    (location,) = parse_constraints(root).location
    assert location.resource is None
    (resource_set,) = location.sets or ()
    assert resource_set.resources == ("vip", "sip")
    assert resource_set.role == "Unpromoted" and resource_set.sequential is False


def test_tags_and_templates_inside_sets_are_expanded_in_place() -> None:
    root = cib_with(
        """<rsc_colocation id="col" score="INFINITY">
             <resource_set id="s1"><resource_ref id="db-clone"/><resource_ref id="stack"/>
               <resource_ref id="tmpl"/></resource_set>
           </rsc_colocation>""",
        tags='<tag id="stack"><obj_ref id="vip"/></tag>',
    )
    (colocation,) = parse_constraints(root).colocation
    (resource_set,) = colocation.sets or ()
    assert resource_set.resources == ("db-clone", "vip", "sip")


def test_a_resource_wins_over_a_tag_of_the_same_id() -> None:
    root = cib_with(
        '<rsc_location id="loc" rsc="vip" node="a" score="10"/>',
        tags='<tag id="vip"><obj_ref id="sip"/></tag>',
    )
    (location,) = parse_constraints(root).location
    assert location.resource == "vip" and location.sets is None


def test_colocation_roles_are_normalised() -> None:
    root = cib_with(
        '<rsc_colocation id="c" rsc="vip" with-rsc="db-clone" score="INFINITY" '
        'rsc-role="Started" with-rsc-role="Master"/>'
    )
    (colocation,) = parse_constraints(root).colocation
    assert colocation.with_resource_role == "Promoted"
    assert colocation.score_int == 1_000_000


@pytest.mark.parametrize(
    ("attributes", "kind", "symmetrical", "then_action"),
    [
        ('first="vip" then="sip"', "Mandatory", True, "start"),
        ('first="vip" then="sip" score="0"', "Optional", True, "start"),
        ('first="vip" then="sip" kind="Serialize"', "Serialize", False, "start"),
        (
            'first="db-clone" then="sip" first-action="promote" symmetrical="false"',
            "Mandatory",
            False,
            "promote",
        ),
        ('first="vip" then="sip" then-action="stop"', "Mandatory", True, "stop"),
    ],
)
def test_order_gets_pacemakers_defaults(
    attributes: str, kind: str, symmetrical: bool, then_action: str
) -> None:
    (order,) = parse_constraints(cib_with(f'<rsc_order id="o" {attributes}/>')).order
    assert (order.kind, order.symmetrical, order.then_action) == (kind, symmetrical, then_action)


def test_ticket_and_constraints_without_id_are_handled() -> None:
    root = cib_with(
        '<rsc_ticket id="t" rsc="vip" ticket="site-a" loss-policy="stop"/>'
        '<rsc_location rsc="vip" node="a" score="-INFINITY"/>'
    )
    constraints = parse_constraints(root)
    assert [(t.resource, t.ticket, t.loss_policy) for t in constraints.ticket] == [
        ("vip", "site-a", "stop")
    ]
    assert constraints.location == ()


def test_no_constraints_section_gives_empty_constraints() -> None:
    root = parse_xml(b"<cib><configuration><resources/></configuration><status/></cib>")
    assert constraints_document(parse_constraints(root)) == {
        "location": [],
        "colocation": [],
        "order": [],
        "ticket": [],
    }


def test_document_matches_the_json_contract_and_serialises() -> None:
    root = cib_with(
        """<rsc_location id="cli-prefer-vip" rsc="vip" role="Started">
             <rule id="cli-prefer-rule-vip" score="INFINITY" boolean-op="and">
               <expression id="e" attribute="#uname" operation="eq" value="a" type="string"/>
               <date_expression id="d" operation="lt" end="2030-01-01 00:00:00Z"/>
             </rule>
           </rsc_location>
           <rsc_colocation id="c" rsc="vip" with-rsc="sip" score="INFINITY"/>
           <rsc_order id="o" first="vip" then="sip"/>
           <rsc_ticket id="t" ticket="x"><resource_set id="ts"><resource_ref id="vip"/></resource_set>
           </rsc_ticket>"""
    )
    document = constraints_document(parse_constraints(root))
    json.dumps(document)
    location = document["location"][0]
    assert {"id", "resource", "resource_pattern", "node", "score_int", "role", "origin"} <= set(
        location
    )
    assert location["origin"] == "cli-prefer"
    rules = location["rules"]
    assert isinstance(rules, list)
    expressions = rules[0]["expressions"]
    assert expressions[0]["type"] == "attribute" and expressions[0]["value_type"] == "string"
    assert expressions[1] == {
        "id": "d",
        "type": "date",
        "operation": "lt",
        "end": "2030-01-01 00:00:00Z",
    }
    colocation = document["colocation"][0]
    assert {"resource", "with_resource", "score_int", "resource_role", "with_resource_role"} <= set(
        colocation
    )
    order = document["order"][0]
    assert (order["first_action"], order["then_action"], order["kind"]) == (
        "start",
        "start",
        "Mandatory",
    )
    ticket = document["ticket"][0]
    assert ticket["sets"] == [
        {
            "id": "ts",
            "resources": ["vip"],
            "sequential": None,
            "require_all": None,
            "role": None,
            "action": None,
            "score": None,
        }
    ]


def test_parse_accepts_the_root_the_configuration_or_the_constraints_section() -> None:
    root = cib_with(
        '<rsc_location id="loc" rsc="stack" node="a" score="-1"/>',
        tags='<tag id="stack"><obj_ref id="vip"/></tag>',
    )
    parsed = {
        parse_constraints(element)
        for element in (root, root.find("configuration"), root.find("configuration/constraints"))
    }
    assert len(parsed) == 1
    (location,) = parsed.pop().location
    assert location.sets is not None and location.sets[0].resources == ("vip",)
    assert parse_constraints(None).location == ()
