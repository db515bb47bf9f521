"""Advisories: each of the seed's lessons shows up when, and only when, it applies."""

from __future__ import annotations

from dataclasses import replace

import pytest

from console.model.cluster import Constraints
from console.model.live.advisories import Severity, cluster_advisories, live_advisories
from tests.support import snapshots as b


def codes(advisories: tuple[object, ...]) -> set[str]:
    return {a.code for a in advisories}  # type: ignore[attr-defined]


def test_well_configured_cluster_has_no_advisory() -> None:
    assert cluster_advisories(b.cluster()) == ()


def test_vip_without_colocation_is_flagged() -> None:
    constraints = Constraints(order=(b.order("o", "ClusterIP", "OSIPS"),))
    found = cluster_advisories(b.cluster(constraints=constraints))
    assert "vip-not-colocated" in codes(found)


def test_colocated_but_unordered_is_flagged() -> None:
    constraints = Constraints(colocation=(b.colocation("c", "OSIPS", "ClusterIP"),),
                              location=(b.location("p", "ClusterIP", "node-a", "50"),))
    found = cluster_advisories(b.cluster(constraints=constraints))
    assert codes(found) == {"vip-not-ordered"}
    assert "ClusterIP and OSIPS" in found[0].text


def test_negative_colocation_is_not_a_colocation() -> None:
    constraints = Constraints(colocation=(b.colocation("c", "OSIPS", "ClusterIP", "-INFINITY"),),
                              order=(b.order("o", "ClusterIP", "OSIPS"),))
    assert "vip-not-colocated" in codes(cluster_advisories(b.cluster(constraints=constraints)))


def test_no_stickiness_and_no_preferred_node() -> None:
    constraints = Constraints(colocation=(b.colocation("c", "OSIPS", "ClusterIP"),),
                              order=(b.order("o", "ClusterIP", "OSIPS"),))
    found = codes(cluster_advisories(b.cluster(constraints=constraints, stickiness=None)))
    assert found == {"no-stickiness", "no-preferred-node"}


def test_stickiness_from_rsc_defaults_counts() -> None:
    snapshot = replace(b.cluster(stickiness=None), rsc_defaults={"resource-stickiness": "100"})
    assert "no-stickiness" not in codes(cluster_advisories(snapshot))


def test_stonith_disabled() -> None:
    found = cluster_advisories(b.cluster(stonith=False))
    assert codes(found) == {"stonith-disabled"}


@pytest.mark.parametrize(("two_node", "expected"), [(False, True), (True, False), (None, False)])
def test_two_node_only_when_known(two_node: bool | None, expected: bool) -> None:
    found = codes(cluster_advisories(b.cluster(), two_node=two_node))
    assert ("two-node-missing" in found) is expected


def test_node_left_in_standby() -> None:
    nodes = [b.node("node-a", dc=True), b.node("node-b", node_id="2", standby=True)]
    found = cluster_advisories(b.cluster(nodes=nodes))
    assert [(a.code, a.subject) for a in found] == [("node-standby", "node-b")]


def test_every_node_in_standby_is_critical() -> None:
    nodes = [b.node("node-a", dc=True, standby=True), b.node("node-b", standby=True)]
    found = cluster_advisories(b.cluster(nodes=nodes, vip_on=()))
    assert {(a.code, a.severity) for a in found} == {("all-standby", Severity.CRITICAL),
                                                     ("vip-stopped", Severity.CRITICAL)}


def test_vip_running_on_two_nodes_is_critical() -> None:
    found = cluster_advisories(b.cluster(vip_on=("node-a", "node-b")))
    assert [(a.code, a.severity) for a in found] == [("vip-on-several", Severity.CRITICAL)]


def test_ban_on_the_only_other_node() -> None:
    ban = b.cli_ban("ClusterIP", "node-b")
    snapshot = b.cluster(bans=(b.ban_of(ban),),
                         constraints=replace(b.cluster().constraints,
                                             location=(b.cluster().constraints.location + (ban,))))
    found = {a.code: a for a in cluster_advisories(snapshot)}
    assert "only on node-a" in found["ban-leaves-one-node"].text
    assert "leftover-cli-constraint" in found


@pytest.mark.parametrize(("count", "code", "severity"), [
    (1, "failcount-near", Severity.INFO),
    (2, "failcount-near", Severity.WARNING),
    (3, "failcount-reached", Severity.CRITICAL),
])
def test_failcount_against_threshold(count: int, code: str, severity: Severity) -> None:
    found = cluster_advisories(b.cluster(failcounts={"OSIPS": {"node-a": count}}))
    assert [(a.code, a.severity, a.subject) for a in found] == [(code, severity, "OSIPS@node-a")]


def test_service_running_apart_from_vip_in_cib() -> None:
    found = cluster_advisories(b.cluster(vip_on=("node-a",), service_on=("node-b",)))
    assert [(a.code, a.subject) for a in found] == [("service-apart-from-vip", "OSIPS")]


def test_service_running_where_vip_is_not_from_probes() -> None:
    live = b.live(service_running={"node-a": True, "node-b": True})
    found = {(a.code, a.subject) for a in live_advisories(live)}
    assert found == {("service-without-vip", "node-b")}


def test_vip_bound_without_service_from_probes() -> None:
    live = b.live(service_running={"node-a": False, "node-b": False})
    found = {(a.code, a.subject) for a in live_advisories(live)}
    assert found == {("vip-without-service", "node-a")}


def test_most_urgent_first() -> None:
    snapshot = b.cluster(stonith=False, failcounts={"OSIPS": {"node-a": 3}})
    severities = [a.severity for a in cluster_advisories(snapshot)]
    assert severities == [Severity.CRITICAL, Severity.WARNING]
