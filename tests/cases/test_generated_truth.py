"""Generated clusters: each is what it claims to be, and hacon reads it as crm_mon does.

The cases are built with Pacemaker's own tools (tests/cases/catalog.py lists them). For each one,
crm_mon must confirm the situation the case claims (so a generator bug cannot quietly produce a
trivial cluster), and hacon's ★ fields of `hacon status --json` must agree with crm_mon's.
"""

from __future__ import annotations

import pytest
from lxml import etree

from console.model import parse_cib
from console.model.export import status_document
from tests.cases.catalog import CaseSpec, GeneratedSet, selected_cases
from tests.oracle import compare, crm_mon_xml, reference_document
from tests.support.status_schema import assert_conforms

ACCEPTED_DISAGREEMENTS: dict[str, str] = {}
"""Difference line (as `compare` prints it, prefixed by the case name) -> why it is accepted."""

REQUIRED_SITUATIONS = frozenset(
    {
        "nodes-2",
        "nodes-32",
        "all-standby",
        "standby-lifetimes",
        "vip-stopped-service-failed-everywhere",
        "failed-monitors",
        "failed-starts",
        "vip-multi-active",
        "unclean",
        "offline",
        "node-maintenance",
        "maintenance-mode",
        "failed-stop-blocked",
        "failed-stop-fenceable",
        "promotable",
        "cli-prefer",
        "cli-ban",
        "cli-rule",
        "ipv6-vip",
        "group",
        "colocated-vip",
        "failcount-near-threshold",
        "on-fail-policies",
        "failed-migrate-to",
        "failed-migrate-from",
        "group-partial",
        "remote-nodes",
        "remote-connection-failed",
        "unique-clone",
        "failure-expired",
        "shutdown",
    }
)
"""What the generated set must cover (each tag is set by the code that builds it)."""


def _case_id(spec: CaseSpec) -> str:
    return spec.name


@pytest.mark.parametrize("spec", selected_cases(), ids=_case_id)
def test_case_is_what_it_claims(spec: CaseSpec, generated_cases: GeneratedSet) -> None:
    case = generated_cases.get(spec)
    trees = {
        "crm_mon": etree.fromstring(crm_mon_xml(case.path)),
        "cib": etree.parse(str(case.path)).getroot(),
    }
    broken = [claim.text for claim in case.claims if not claim.holds(trees[claim.target])]
    assert case.claims
    assert not broken, f"{spec.name} is not what it claims: {broken}"


def test_case_set_covers_the_situations_of_the_issue(generated_cases: GeneratedSet) -> None:
    built = set().union(*(case.tags for case in generated_cases.built.values()))
    assert not REQUIRED_SITUATIONS - built


@pytest.mark.parametrize("spec", selected_cases(), ids=_case_id)
def test_hacon_reads_the_case_as_crm_mon_does(
    spec: CaseSpec, generated_cases: GeneratedSet
) -> None:
    case = generated_cases.get(spec)
    cib = case.path.read_bytes()
    reference = reference_document(crm_mon_xml(case.path), cib)
    assert reference is not None, f"crm_mon could not read {spec.name}"
    differences = compare(assert_conforms(status_document(parse_cib(cib))), reference)
    unexplained = [d for d in differences if f"{spec.name}: {d}" not in ACCEPTED_DISAGREEMENTS]
    assert not unexplained, "\n".join(unexplained)
