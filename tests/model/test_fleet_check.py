"""`hacon check`'s judgement on the real lab's captured states and on hand-made edge cases."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from console.model.fleet.check import CheckState, Thresholds, evaluate, plugin_output
from console.model.live.snapshot import KernelTruth, LiveSnapshot, VipTruth

from tests.support.lab_live import NOW, lab_live

DEFAULT = Thresholds()


@pytest.mark.parametrize(("scenario", "state", "reason"), [
    ("healthy-2node", CheckState.OK, "consistent, 2/2 nodes online, ClusterIP on node-a"),
    ("healthy-3node", CheckState.OK, "3/3 nodes online"),
    ("standby-node-a", CheckState.WARNING, "nodes away (node-a standby) 1 > 0"),
    ("power-loss-survivor", CheckState.WARNING, "node-a offline"),
    ("cli-ban", CheckState.WARNING, "cli-ban-ClusterIP-on-node-a"),
    ("split-brain", CheckState.CRITICAL, "split brain: {node-a} vs {node-b}"),
])
def test_each_captured_lab_state_gets_the_state_an_operator_expects(
        scenario: str, state: CheckState, reason: str) -> None:
    result = evaluate(lab_live(scenario), DEFAULT, NOW)
    assert result.state is state
    assert reason in result.summary


def test_no_node_reachable_is_unknown_with_every_reason() -> None:
    live = lab_live("healthy-2node", unreachable=("node-a", "node-b"))
    result = evaluate(live, DEFAULT, NOW)
    assert result.state is CheckState.UNKNOWN
    assert "no node reachable" in result.summary and "connection refused" in result.summary


def test_one_node_unreachable_warns_and_the_other_still_answers() -> None:
    result = evaluate(lab_live("healthy-2node", unreachable=("node-b",)), DEFAULT, NOW)
    assert result.state is CheckState.WARNING
    assert "node-b unreachable" in result.summary


def test_a_vip_bound_nowhere_is_critical() -> None:
    live = lab_live("healthy-2node")
    truth = VipTruth("ClusterIP", "10.0.0.1", ("node-a",), (), KernelTruth.NOWHERE)
    result = evaluate(replace(live, vip_truth={"ClusterIP": truth}), DEFAULT, NOW)
    assert result.state is CheckState.CRITICAL
    assert "bound on no node" in result.summary


def test_a_vip_bound_where_pacemaker_does_not_run_it_is_critical() -> None:
    live = lab_live("healthy-2node")
    truth = VipTruth("ClusterIP", "10.0.0.1", ("node-a",), ("node-b",), KernelTruth.ELSEWHERE)
    result = evaluate(replace(live, vip_truth={"ClusterIP": truth}), DEFAULT, NOW)
    assert result.state is CheckState.CRITICAL
    assert "bound on node-b, Pacemaker runs it on node-a" in result.summary


def test_the_service_not_running_where_the_vip_is_bound_is_critical() -> None:
    live = lab_live("healthy-2node")
    views = dict(live.views)
    views["node-a"] = replace(views["node-a"], service_running=False)
    result = evaluate(replace(live, views=views), DEFAULT, NOW)
    assert result.state is CheckState.CRITICAL
    assert "service does not run there" in result.summary


@pytest.mark.parametrize("verdict", ["uncertain", "partitioned", "something_new"])
def test_verdicts_short_of_split_brain_warn_even_ones_this_version_does_not_know(
        verdict: str) -> None:
    class Word:
        value = verdict

    live = replace(lab_live("healthy-2node"), verdict=Word())  # type: ignore[arg-type]
    result = evaluate(live, DEFAULT, NOW)
    assert result.state is CheckState.WARNING
    assert f"verdict {verdict}" in result.summary


def test_thresholds_move_the_state() -> None:
    standby = lab_live("standby-node-a")
    assert evaluate(standby, Thresholds(away_warning=1), NOW).state is CheckState.OK
    assert evaluate(standby, Thresholds(away_critical=0), NOW).state is CheckState.CRITICAL
    old = lab_live("healthy-2node", fetched_at=NOW - 120)
    assert evaluate(old, DEFAULT, NOW).state is CheckState.WARNING
    assert evaluate(old, Thresholds(age_critical=100), NOW).state is CheckState.CRITICAL
    many = evaluate(lab_live("healthy-2node"), Thresholds(failovers_warning=2), NOW,
                    vip_failovers=3)
    assert many.state is CheckState.WARNING and "VIP starts" in many.summary


def test_the_plugin_output_has_a_summary_perfdata_and_one_line_per_reason() -> None:
    result = evaluate(lab_live("split-brain"), DEFAULT, NOW, vip_failovers=2)
    first, *rest = plugin_output("sip", result, DEFAULT).splitlines()
    summary, perf = first.split(" | ")
    assert summary == "HACON CRITICAL - sip: split brain: {node-a} vs {node-b}"
    assert perf.split() == ["nodes_online=1;;;0;2", "nodes_away=1;0;;0;2",
                            "resources_failed=0;;;0", "failcount_ratio=0;0.5;;0",
                            "data_age=1s;60;;0", "vip_failovers=2;;;0"]
    assert "CRITICAL: split brain: {node-a} vs {node-b}" in rest
    assert "WARNING: nodes away (node-a offline) 1 > 0" in rest
    assert first.count("|") == 1


def test_a_pipe_in_a_name_cannot_start_the_performance_data_early() -> None:
    result = evaluate(lab_live("healthy-2node"), DEFAULT, NOW)
    assert plugin_output("a|b", result, DEFAULT).splitlines()[0].count("|") == 1


@dataclass(frozen=True, slots=True)
class _Fencing:
    target: str
    status: str


@dataclass(frozen=True, slots=True)
class _ClientView:
    answered: bool


@dataclass(frozen=True, slots=True)
class _LiveWithProbes(LiveSnapshot):
    """A snapshot that also carries the fencing history and a client-side probe of the VIP."""

    fencing: tuple[_Fencing, ...] = ()
    client_view: _ClientView | None = None


def _with_probes(**probes: object) -> LiveSnapshot:
    live = lab_live("healthy-2node")
    fields = {name: getattr(live, name) for name in LiveSnapshot.__dataclass_fields__}
    return _LiveWithProbes(**fields, **probes)  # type: ignore[arg-type]


def test_failed_fencing_is_critical_when_the_snapshot_carries_the_history() -> None:
    result = evaluate(_with_probes(fencing=(_Fencing("node-b", "failed"),)), DEFAULT, NOW)
    assert result.state is CheckState.CRITICAL and "fencing of node-b failed" in result.summary
    done = evaluate(_with_probes(fencing=(_Fencing("node-b", "success"),)), DEFAULT, NOW)
    assert done.state is CheckState.OK


def test_the_service_not_answering_on_the_vip_is_critical_when_a_client_probe_exists() -> None:
    silent = evaluate(_with_probes(client_view=_ClientView(False)), DEFAULT, NOW)
    assert silent.state is CheckState.CRITICAL
    assert "does not answer on the VIP" in silent.summary
    assert evaluate(_with_probes(client_view=_ClientView(True)), DEFAULT, NOW).state is (
        CheckState.OK)
