"""The switchover flow on the demo cluster, in-process: every step through the one action
runner, the state saved between steps and taken up by a new process, and a cluster changed under
it refused in words with nothing sent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from console.actions import runbook_store
from console.actions.runbook import Step, Switchover, started
from console.actions.switchover import abandon, run_step, start
from tests.actions.switchover_helpers import RecordingEvents, demo, flow_context, look
from tests.ui.actions_fixtures import audit_entries

pytestmark = pytest.mark.skipif(
    shutil.which("crm_simulate", path="/usr/sbin:/usr/bin") is None,
    reason="LOUD SKIP: Pacemaker's crm_simulate is not installed (tests/run installs it)")


async def until_step(state: Switchover, context: object, step: Step) -> Switchover:
    while state.step is not step:
        report = await run_step(state, context)  # type: ignore[arg-type]
        assert report.moved_on, report.message
        state = report.state
    return state


def journal() -> list[tuple[object, object]]:
    return [(entry["action"], entry["outcome"]) for entry in audit_entries()]


async def test_the_whole_switchover_moves_the_vip_away_and_back_each_step_journaled(
        tmp_path: Path) -> None:
    cluster, runner = demo()
    events = RecordingEvents()
    context = flow_context(runner, tmp_path, events=events)
    state = await start(look(runner), context)
    state = await until_step(state, context, Step.VERIFY)
    assert cluster.holders("ClusterIP") == ("node-b",)
    assert state.peer == "node-b" and state.versions["standby"].startswith("0.15.")
    state = await until_step(state, context, Step.DONE)
    assert cluster.holders("ClusterIP") == ("node-a",)
    assert not look(runner).cluster.nodes["node-a"].standby  # type: ignore[union-attr]
    assert events.confirmed == ["Put node-a in standby", "Bring node-a online",
                                "Fail ClusterIP back to node-a"]
    assert "verify: the kernel has 192.0.2.10 on node-b only" in events.lines
    assert journal() == [("switchover start", "done"), ("standby", "done"),
                         ("switchover verify", "done"), ("switchover pause", "done"),
                         ("online", "done"), ("failback", "done"), ("switchover done", "done")]
    assert runbook_store.load("demo", tmp_path) is None  # done: the journal keeps the story


async def test_a_new_process_takes_the_flow_up_where_the_last_one_stopped(tmp_path: Path) -> None:
    cluster, runner = demo()
    first = flow_context(runner, tmp_path)
    state = await until_step(await start(look(runner), first), first, Step.PAUSE)
    del first  # the first process ends here

    second = flow_context(runner, tmp_path)
    resumed = runbook_store.load("demo", tmp_path)
    assert resumed == state and resumed is not None
    report = await run_step(resumed, second)
    assert report.moved_on and report.message.startswith("maintenance of node-a done after")
    report = await run_step(report.state, second)
    assert report.state.step is Step.FAILBACK
    assert not look(runner).cluster.nodes["node-a"].standby  # type: ignore[union-attr]


async def test_a_node_onlined_by_hand_stops_the_flow_in_words_and_sends_nothing(
        tmp_path: Path) -> None:
    cluster, runner = demo()
    context = flow_context(runner, tmp_path)
    state = await until_step(await start(look(runner), context), context, Step.PAUSE)
    cluster.set_standby("node-b", "node-a", None, "forever")  # someone, by hand
    cluster.timeline.settle(limit=60.0)
    writes = len(runner.writes())  # type: ignore[attr-defined]
    report = await run_step(state, context)
    assert (report.moved_on, report.exit_code) == (False, 3)
    assert report.message == ("node-a is online again, but the runbook left it in standby: "
                              "someone brought it online by hand")
    assert len(runner.writes()) == writes  # type: ignore[attr-defined]
    assert runbook_store.load("demo", tmp_path) == state  # kept: the operator decides
    assert journal()[-1] == ("switchover pause", "refused")


async def test_an_unconfirmed_step_stays_current_and_saved(tmp_path: Path) -> None:
    cluster, runner = demo()
    context = flow_context(runner, tmp_path, events=RecordingEvents(answer=False))
    state = await start(look(runner), context)
    report = await run_step(state, context)
    assert (report.moved_on, report.exit_code, report.state.step) == (False, 1, Step.STANDBY)
    assert cluster.holders("ClusterIP") == ("node-a",)
    saved = runbook_store.load("demo", tmp_path)
    assert saved is not None and not saved.running and saved.step is Step.STANDBY


async def test_a_standby_applied_before_hacon_died_is_found_and_the_flow_goes_on(
        tmp_path: Path) -> None:
    cluster, runner = demo()
    context = flow_context(runner, tmp_path)
    state = started(await start(look(runner), context))
    runbook_store.save(state, tmp_path)
    cluster.set_standby("node-a", "node-a", "on", "forever")  # applied, then hacon died
    cluster.timeline.settle(limit=60.0)
    report = await run_step(state, flow_context(runner, tmp_path))
    assert report.found == ("the standby of node-a went through",)
    assert report.moved_on and report.state.step is Step.PAUSE  # and verify ran


async def test_failback_not_asked_for_is_skipped_and_the_flow_is_done(tmp_path: Path) -> None:
    cluster, runner = demo()
    context = flow_context(runner, tmp_path, failback=False)
    state = await until_step(await start(look(runner), context), context, Step.DONE)
    assert state.notes[-1] == "failback skipped: not asked for"
    assert journal()[-2:] == [("switchover failback", "cancelled"), ("switchover done", "done")]
    assert cluster.holders("ClusterIP") == ("node-b",)


async def test_abandon_forgets_the_flow_and_says_what_stays(tmp_path: Path) -> None:
    _, runner = demo()
    context = flow_context(runner, tmp_path)
    state = await until_step(await start(look(runner), context), context, Step.PAUSE)
    said = await abandon(state, "demo", context)
    assert said == ("switchover of node-a abandoned at its pause step; if node-a is still in "
                    "standby, bring it online with `hacon online node-a`")
    assert runbook_store.load("demo", tmp_path) is None
    assert journal()[-1] == ("switchover abandon", "cancelled")
