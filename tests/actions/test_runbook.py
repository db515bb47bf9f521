"""The switchover runbook's state machine, pure: steps in order, what the cluster must look like
to go on (drift, in words), an interrupted step settled, and the saved document."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from console.actions import runbook
from console.actions.runbook import (
    RunbookFileError,
    RunbookRefused,
    Step,
    Switchover,
    advanced,
    begin,
    drift,
    settled,
    started,
)
from console.model.cluster import ClusterSnapshot
from tests.actions.switchover_helpers import NOW, demo, look


def healthy() -> ClusterSnapshot:
    _, runner = demo()
    cluster = look(runner).cluster
    assert cluster is not None
    return cluster


def with_node(cluster: ClusterSnapshot, node: str, **changes: object) -> ClusterSnapshot:
    nodes = dict(cluster.nodes)
    nodes[node] = replace(nodes[node], **changes)  # type: ignore[arg-type]
    return replace(cluster, nodes=nodes)


def with_vip_on(cluster: ClusterSnapshot, *holders: str) -> ClusterSnapshot:
    vips = dict(cluster.vips)
    vips["ClusterIP"] = replace(vips["ClusterIP"], holder_nodes=holders)
    return replace(cluster, vips=vips)


def after_standby(cluster: ClusterSnapshot) -> ClusterSnapshot:
    return with_vip_on(with_node(cluster, "node-a", standby=True), "node-b")


def paused() -> Switchover:
    state = begin(healthy(), NOW)
    state = advanced(state, NOW + 5, "standby: failover done", version="0.15.0", peer="node-b")
    return advanced(state, NOW + 8, "verify: ok", version="0.15.3")


def test_it_starts_at_the_vip_holder_and_walks_the_steps_in_order() -> None:
    state = begin(healthy(), NOW)
    assert (state.node, state.vip, state.step) == ("node-a", "ClusterIP", Step.STANDBY)
    assert state.versions == {"start": "0.14.8"}
    seen = [state.step]
    while not state.finished:
        state = advanced(state, NOW, f"{state.step.value} done", peer="node-b")
        seen.append(state.step)
    assert seen == [Step.STANDBY, Step.VERIFY, Step.PAUSE, Step.ONLINE, Step.FAILBACK, Step.DONE]


def test_no_single_vip_holder_is_refused_with_a_sentence() -> None:
    with pytest.raises(RunbookRefused, match="ClusterIP runs on no node: a switchover starts "
                                             "from one active node"):
        begin(with_vip_on(healthy()), NOW)


def test_the_standby_age_counts_from_the_verified_standby() -> None:
    state = paused()
    assert runbook.standby_age(state, NOW + 5 + 252) == "node-a in standby for 4 min 12 s"
    assert runbook.standby_age(begin(healthy(), NOW), NOW) is None
    assert runbook.age_text(3 * 3600 + 7 * 60) == "3 h 07 min"


def test_the_steps_are_marked_done_current_and_todo() -> None:
    marks = [(mark, step) for mark, step, _ in runbook.step_marks(paused())]
    assert marks == [("done", Step.STANDBY), ("done", Step.VERIFY), ("current", Step.PAUSE),
                     ("todo", Step.ONLINE), ("todo", Step.FAILBACK)]
    assert runbook.step_marks(paused())[1][2] == ("Check that the VIP and the service answer "
                                                  "on node-b")


def test_a_node_onlined_by_hand_during_the_pause_stops_the_runbook_in_words() -> None:
    cluster = with_node(after_standby(healthy()), "node-a", standby=False)
    assert drift(paused(), cluster) == ("node-a is online again, but the runbook left it in "
                                        "standby: someone brought it online by hand")


def test_a_vip_that_is_not_where_the_runbook_left_it_stops_the_runbook() -> None:
    cluster = with_vip_on(after_standby(healthy()), "node-a")
    assert drift(paused(), cluster) == ("ClusterIP runs on node-a, not on node-b where the "
                                        "runbook left it")


def test_the_cluster_as_the_runbook_left_it_lets_it_go_on() -> None:
    assert drift(paused(), after_standby(healthy())) is None
    assert drift(begin(healthy(), NOW), healthy()) is None


def test_before_the_standby_a_vip_that_moved_or_a_node_already_in_standby_stop_it() -> None:
    state = begin(healthy(), NOW)
    assert "runs on node-b, not on node-a where the runbook found it" in str(drift(
        state, with_vip_on(healthy(), "node-b")))
    assert "node-a is already in standby" in str(drift(state, after_standby(healthy())))


def test_a_node_gone_from_the_cluster_stops_it() -> None:
    cluster = healthy()
    nodes = {name: node for name, node in cluster.nodes.items() if name != "node-a"}
    assert drift(paused(), replace(cluster, nodes=nodes)) == ("node-a is no longer a node of "
                                                              "this cluster")


def test_a_standby_that_went_through_while_hacon_was_gone_counts_as_done() -> None:
    interrupted = started(begin(healthy(), NOW))
    state, found = settled(interrupted, after_standby(healthy()), NOW + 60)
    assert found == "the standby of node-a went through"
    assert (state.step, state.peer, state.running, state.standby_at) == (
        Step.VERIFY, "node-b", False, NOW + 60)


def test_a_standby_that_did_not_go_through_is_simply_current_again() -> None:
    interrupted = started(begin(healthy(), NOW))
    state, found = settled(interrupted, healthy(), NOW + 60)
    assert found == "the standby step did not finish"
    assert (state.step, state.running) == (Step.STANDBY, False)


def test_a_configuration_change_since_the_last_step_is_said_with_both_versions() -> None:
    state = paused()
    cluster = after_standby(healthy())
    info = replace(cluster.info, version=cluster.info.version._replace(epoch=17, num_updates=2))
    assert runbook.version_note(state, replace(cluster, info=info)) == (
        "the configuration changed since the runbook's last step (CIB 0.15.3 → 0.17.2)")


def test_the_document_round_trips() -> None:
    state = paused()
    assert runbook.from_document(json.loads(json.dumps(runbook.to_document(state)))) == state


@pytest.mark.parametrize(("document", "why"), [
    ([1, 2], "it is not a hacon switchover"),
    ({"cluster": "x"}, "it is not a hacon switchover"),
    ({**runbook.to_document(begin(healthy(), NOW)), "step": "reboot"}, "'reboot' is not a valid"),
    ({**runbook.to_document(begin(healthy(), NOW)), "started_at": "noon"},
     "started_at is not a number"),
    ({**runbook.to_document(begin(healthy(), NOW)), "notes": "x"}, "notes is not a list of text"),
    ({**runbook.to_document(begin(healthy(), NOW)), "node": None}, "node is not text"),
])
def test_an_alien_document_is_refused_with_what_is_wrong(document: object, why: str) -> None:
    with pytest.raises(RunbookFileError, match=why):
        runbook.from_document(document)
