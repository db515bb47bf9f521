"""The transition explainer on inputs a real 2-node lab saved, and on Pacemaker's own corpus.

tests/fixtures/history/lab-2node holds node-a's pe-inputs and the transition lines of its log
from one lab run: start, standby and back (no failback: stickiness 1), a location preference
for node-a, standby and back (failback), a monitor failure recovered in place,
migration-threshold set to 3 and two more failures (moved away), a cleanup, a move
(cli-prefer), resource-stickiness 1 -> 200, power loss of node-b (fencing off), node-b back.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from console.model.errors import CibParseError, MalformedXmlError
from console.model.transitions import (
    Category,
    InputRef,
    Transition,
    explain_history,
    explain_one,
    facts_from_json,
    facts_to_json,
    find_causes,
    group_incidents,
    read_facts,
    read_log_lines,
    replay_actions,
)
from console.model.transitions.document import transition_document
from console.model.transitions.facts import decompress_input
from tests.support.paths import REPO_ROOT

LAB = REPO_ROOT / "tests" / "fixtures" / "history" / "lab-2node" / "node-a"
CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "pacemaker-scheduler"


def lab_history() -> dict[str, Transition]:
    facts = [read_facts(InputRef("node-a", path.name), path.read_bytes())
             for path in sorted((LAB / "pengine").glob("pe-input-*.bz2"))]
    logs = read_log_lines("node-a", (LAB / "pacemaker.log").read_text().splitlines())
    return {t.ref.name.removesuffix(".bz2"): t for t in explain_history(facts, logs)}


@pytest.fixture(scope="module")
def history() -> dict[str, Transition]:
    return lab_history()


def actions(transition: Transition) -> list[str]:
    return [action.text for action in transition.actions]


@pytest.mark.parametrize(("name", "category", "words", "did"), [
    ("pe-input-1", Category.STANDBY, "node-a put in standby (standby=on) (by crm_attribute",
     ["move ClusterIP node-a -> node-b", "move OSIPS node-a -> node-b"]),
    ("pe-input-2", Category.ONLINE, "node-a back from standby", []),
    ("pe-input-3", Category.CONSTRAINT, ("location-ClusterIP-node-a-100 added: ClusterIP prefers "
     "node-a (100)"), ["move ClusterIP node-b -> node-a", "move OSIPS node-b -> node-a"]),
    ("pe-input-5", Category.ONLINE, "node-a back from standby",
     ["move ClusterIP node-b -> node-a", "move OSIPS node-b -> node-a"]),
    ("pe-input-6", Category.RECOVERY, ("OSIPS monitor_10000 failed on node-a: rc=1 (error); "
     "failcount 1"), ["restart OSIPS on node-a"]),
    ("pe-input-7", Category.CONFIG, "resource OSIPS meta: migration-threshold = 3 added", []),
    ("pe-input-8", Category.RECOVERY, "failcount 2 of migration-threshold 3",
     ["restart OSIPS on node-a"]),
    ("pe-input-9", Category.FAILURE, ("failcount 3 of migration-threshold 3; threshold reached: "
     "banned from node-a until cleanup"),
     ["move ClusterIP node-a -> node-b", "move OSIPS node-a -> node-b"]),
    ("pe-input-12", Category.FAILURE, "OSIPS failures on node-a cleared",
     ["move ClusterIP node-b -> node-a", "move OSIPS node-b -> node-a"]),
    ("pe-input-13", Category.CONSTRAINT, ("move constraint cli-prefer-ClusterIP added: ClusterIP "
     "prefers node-b (INFINITY)"),
     ["move ClusterIP node-a -> node-b", "move OSIPS node-a -> node-b"]),
    ("pe-input-14", Category.STICKINESS, "rsc_defaults: resource-stickiness 1 -> 200", []),
    ("pe-input-15", Category.NODE_LOST, ("node-b lost (left the membership without shutting down);"
     " fencing is off"), ["start ClusterIP on node-a", "start OSIPS on node-a"]),
])
def test_each_lab_event_is_named_with_its_cause_and_actions(
        history: dict[str, Transition], name: str, category: Category, words: str,
        did: list[str]) -> None:
    transition = history[name]
    assert transition.category is category
    assert words in transition.causes[0].text
    assert actions(transition) == did


def test_a_node_back_without_failback_says_what_kept_the_resources(
        history: dict[str, Transition]) -> None:
    assert history["pe-input-2"].kept == ("ClusterIP stayed on node-b (resource-stickiness 1)",
                                          "OSIPS stayed on node-b (resource-stickiness 1)")


def test_the_failure_that_reaches_the_threshold_carries_its_numbers(
        history: dict[str, Transition]) -> None:
    cause = history["pe-input-9"].causes[0]
    assert (cause.resource, cause.node, cause.op, cause.rc) == ("OSIPS", "node-a",
                                                                "monitor_10000", 1)
    assert (cause.failcount, cause.threshold, cause.threshold_reached) == (3, 3, True)


def test_the_dc_log_names_transitions_and_results(history: dict[str, Transition]) -> None:
    assert (history["pe-input-9"].number, history["pe-input-9"].result) == (12, "Complete")
    superseded = history["pe-input-10"]
    assert superseded.result is None and not superseded.actions


def test_the_vip_before_and_after(history: dict[str, Transition]) -> None:
    failover = history["pe-input-9"]
    assert failover.vips == {"ClusterIP": "10.213.47.100"}
    assert failover.before["ClusterIP"] == ("node-a",)
    assert failover.after is not None and failover.after["ClusterIP"] == ("node-b",)


def test_the_newest_input_has_no_actions_until_replayed(history: dict[str, Transition]) -> None:
    newest = history["pe-input-16"]
    assert newest.category is Category.ONLINE
    assert newest.actions_from == "none" and newest.after is None


def test_the_first_input_is_unknown_never_guessed(history: dict[str, Transition]) -> None:
    first = history["pe-input-0"]
    assert first.category is Category.UNKNOWN
    assert "nothing earlier to compare" in first.causes[0].text


def test_transitions_seconds_apart_are_one_incident(history: dict[str, Transition]) -> None:
    incidents = group_incidents(sorted(history.values(), key=lambda t: t.executed_at or 0))
    standby = next(i for i in incidents if i.key == "node-a/pe-input-1.bz2")
    assert [t.ref.name for t in standby.transitions] == ["pe-input-1.bz2", "pe-input-2.bz2"]
    assert standby.category is Category.STANDBY
    assert all(not t.quiet for i in incidents for t in i.transitions)


def test_facts_survive_the_cache_round_trip() -> None:
    path = LAB / "pengine" / "pe-input-9.bz2"
    facts = read_facts(InputRef("node-a", path.name), path.read_bytes())
    assert facts_from_json(facts_to_json(facts)) == facts


def test_no_earlier_input_means_unknown() -> None:
    path = LAB / "pengine" / "pe-input-3.bz2"
    facts = read_facts(InputRef("node-a", path.name), path.read_bytes())
    assert [c.category for c in find_causes(None, facts)] == [Category.UNKNOWN]
    assert [c.category for c in find_causes(facts, facts)] == [Category.UNKNOWN]


def test_a_corrupt_input_is_a_clear_parse_error() -> None:
    with pytest.raises(MalformedXmlError, match="bz2"):
        decompress_input(b"BZh9" + b"\0" * 40)
    with pytest.raises(CibParseError):
        read_facts(InputRef("n", "pe-input-1.bz2"), b"<cib/>")


REPLAY = b"""<pacemaker-result api-version="2.25" request="crm_simulate">
  <allocations>
    <node_weight function="pcmk__primitive_assign" node="node-a" score="0" id="ClusterIP"/>
    <node_weight function="pcmk__primitive_assign" node="node-b" score="2" id="ClusterIP"/>
  </allocations>
  <actions>
    <node_action task="Fence (reboot)" node="node-b" reason="peer is lost"/>
    <rsc_action action="move" resource="ClusterIP" source="node-b" dest="node-a"/>
    <rsc_action action="recover" resource="OSIPS" node="node-a"/>
    <rsc_action action="recover" resource="web" source="node-a" dest="node-b"/>
    <pseudo_action task="DoFencing_stop_0"/>
  </actions>
  <status code="0" message="OK"/>
</pacemaker-result>"""


def test_a_crm_simulate_replay_reads_fencing_moves_recoveries_and_scores() -> None:
    replay = replay_actions(REPLAY)
    assert [a.text for a in replay.actions] == ["fence node-b", "move ClusterIP node-b -> node-a",
                                               "move web node-a -> node-b",
                                               "restart OSIPS on node-a"]
    assert replay.scores == {"ClusterIP": {"node-a": "0", "node-b": "2"}}


def test_log_lines_give_results_and_fencing() -> None:
    lines = [
        ("Dec 06 09:07:07.857 node-a pacemaker-schedulerd[33] (pcmk__log_transition_summary) "
        "\tnotice: Calculated transition 1, saving inputs in /var/lib/pacemaker/pengine/"
        "pe-input-1.bz2"),
        ("Dec 06 09:07:08.145 node-a pacemaker-controld  [34] (pcmk__execute_graph) \tnotice: "
        "Transition 1 (Complete=0, Pending=0, Fired=0, Skipped=0, Incomplete=0, "
        "Source=/var/lib/pacemaker/pengine/pe-input-1.bz2): Complete"),
        ("Dec 06 09:08:00.000 node-a pacemaker-controld  [34] (tengine_stonith_notify) \tnotice: "
        "Peer node-b was terminated (reboot) by node-a on behalf of "
        "pacemaker-controld.34@node-a: OK | event=1eb71c63-cbbb-4384-9191-7c97f574f857"),
    ]
    found = read_log_lines("node-a", lines)
    logged = found.transitions[("node-a", "pe-input-1.bz2")]
    assert (logged.number, logged.result, logged.did_nothing) == (1, "Complete", True)
    assert [(f.target, f.action, f.result) for f in found.fencing] == [("node-b", "reboot", "OK")]


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.xml"))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_every_pacemaker_regression_input_loads_and_is_explained() -> None:
    facts = [read_facts(InputRef("corpus", path.name), path.read_bytes())
             for path in corpus_files()]
    assert len(facts) == len(corpus_files()) > 800
    transitions = explain_history(facts)
    assert len(transitions) == len(facts)
    assert all(t.causes and all(c.text for c in t.causes) for t in transitions)


def test_a_transition_with_no_change_and_no_action_is_quiet_and_not_an_incident() -> None:
    path = LAB / "pengine" / "pe-input-7.bz2"
    facts = read_facts(InputRef("node-a", path.name), path.read_bytes())
    recheck = explain_one(facts, facts, facts)
    assert recheck.quiet and recheck.category is Category.UNKNOWN
    assert group_incidents([recheck]) == ()
    assert len(group_incidents([recheck], include_quiet=True)) == 1


def test_with_fencing_on_a_lost_node_carries_the_fencing_result_from_the_logs() -> None:
    path = LAB / "pengine" / "pe-input-15.bz2"
    lost = read_facts(InputRef("node-a", path.name), path.read_bytes())
    before_path = LAB / "pengine" / "pe-input-14.bz2"
    before = read_facts(InputRef("node-a", before_path.name), before_path.read_bytes())
    unclean = dict(lost.nodes)
    unclean["node-b"] = replace(unclean["node-b"], unclean=True)
    fenced = replace(lost, stonith_enabled=True, nodes=unclean)
    stamp = time.strftime("%b %d %H:%M:%S.000", time.gmtime((lost.executed_at or 0) + 3))
    logs = read_log_lines("node-a", [
        (f"{stamp} node-a pacemaker-controld  [34] (tengine_stonith_notify) \tnotice: Peer node-b "
        "was terminated (reboot) by node-a on behalf of pacemaker-controld.34@node-a: OK")])
    transition = explain_one(before, fenced, None, logs)
    assert transition.category is Category.NODE_LOST
    assert "fencing is on: the scheduler fences it; fencing result: reboot by node-a: OK" in \
        transition.causes[0].text
    assert transition_document(transition)["causes"][0]["fencing"] == {
        "target": "node-b", "action": "reboot", "by": "node-a", "result": "OK",
        "succeeded": True, "logged_at": stamp}
    unknown = explain_one(before, fenced, None)
    assert "fencing result: not in the logs read" in unknown.causes[0].text
    assert transition_document(unknown)["causes"][0]["fencing"] is None


def test_a_failed_fencing_is_named_as_failed_with_the_fencer_s_error() -> None:
    lines = ["Dec 06 09:08:00.000 node-a pacemaker-controld  [34] (tengine_stonith_notify) "
             "\tnotice: Peer node-b was not terminated (reboot) by node-a on behalf of "
             "pacemaker-controld.34@node-a: Timer expired | event=1eb71c63"]
    result = read_log_lines("node-a", lines).fencing[0]
    assert (result.executioner, result.result, result.succeeded) == ("node-a", "Timer expired",
                                                                     False)


def test_a_first_input_with_an_unclean_node_names_it_lost_and_a_clean_one_stays_unknown() -> None:
    """The old DC lost power: the survivor's first input is all there is to read."""
    path = LAB / "pengine" / "pe-input-15.bz2"
    facts = read_facts(InputRef("node-b", path.name), path.read_bytes())
    nodes = {name: replace(node, unclean=False) for name, node in facts.nodes.items()}
    clean = replace(facts, nodes=nodes)
    assert [c.category for c in find_causes(None, clean)] == [Category.UNKNOWN]
    nodes["node-a"] = replace(nodes["node-a"], online=False, unclean=True)
    lost = find_causes(None, replace(facts, nodes=nodes, stonith_enabled=True))
    assert [(c.category, c.node) for c in lost] == [(Category.NODE_LOST, "node-a")]
    assert "fencing is on: the scheduler fences it" in lost[0].text
