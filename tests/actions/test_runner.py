"""The one action runner: every step in order, and every ending journaled (on the demo cluster)."""

from __future__ import annotations

import asyncio

from console.actions import audit, runner
from console.actions.catalog import ACTIONS
from console.actions.plans import ActionKind, ActionPlan
from console.actions.requests import GuardedRequest
from console.actions.runner import Ending, RunEvents, RunSettings
from tests.ui.actions_fixtures import demo_cluster, live_from


class Recorder(RunEvents):
    def __init__(self, answer: str | None) -> None:
        self.answer = answer
        self.steps: list[str] = []

    def planning(self, request: GuardedRequest, run_on: str) -> None:
        self.steps.append(f"planning on {run_on}")

    def previewed(self, plan: ActionPlan) -> None:
        self.steps.append("previewed")

    async def confirm(self, plan: ActionPlan) -> str | None:
        self.steps.append("asked")
        return self.answer

    def applying(self, plan: ActionPlan) -> None:
        self.steps.append("applying")


def run(request: GuardedRequest, events: Recorder, *, dry_run: bool = False) -> runner.RunReport:
    _, demo = demo_cluster()
    settings = RunSettings("demo", dry_run=dry_run)
    report = asyncio.run(runner.run_request(request, live_from(demo), demo, settings, events))
    assert not dry_run or not demo.writes()
    return report


def test_every_action_kind_has_one_row_named_as_the_journal_names_it() -> None:
    assert set(ACTIONS) == set(ActionKind)
    verbs = [spec.verb for spec in ACTIONS.values()]
    assert len(set(verbs)) == len(verbs)
    # The journal of 0.1 named these by their kind: old entries keep meaning the same.
    for kind in (ActionKind.STANDBY, ActionKind.ONLINE, ActionKind.CLEANUP, ActionKind.CLEAR,
                 ActionKind.FAILBACK):
        assert ACTIONS[kind].verb == kind.value


def test_a_refusal_by_the_guard_asks_nothing_and_is_journaled() -> None:
    events = Recorder(None)
    report = run(GuardedRequest(ActionKind.ONLINE, node="node-b"), events)
    assert (report.ending, runner.exit_status(report)) == (Ending.REFUSED, 3)
    assert events.steps == []
    [entry] = audit.read_entries()
    assert (entry["action"], entry["target"], entry["outcome"]) == ("online", "node-b", "refused")


def test_a_dry_run_stops_after_the_preview() -> None:
    events = Recorder(None)
    report = run(GuardedRequest(ActionKind.STANDBY, node="node-a"), events, dry_run=True)
    assert report.ending is Ending.PREVIEWED and report.plan is not None
    assert events.steps == ["planning on node-a", "previewed"]


def test_not_confirmed_changes_nothing_and_is_journaled_as_cancelled() -> None:
    events = Recorder("not confirmed")
    report = run(GuardedRequest(ActionKind.STANDBY, node="node-a"), events)
    assert (report.ending, runner.exit_status(report)) == (Ending.CANCELLED, 1)
    assert events.steps == ["planning on node-a", "previewed", "asked"]
    [entry] = audit.read_entries()
    assert entry["outcome"] == "cancelled" and entry["message"] == "not confirmed"


def test_confirmed_runs_verifies_and_journals_the_outcome() -> None:
    events = Recorder(None)
    report = run(GuardedRequest(ActionKind.STANDBY, node="node-a"), events)
    assert runner.done(report), report.message
    assert events.steps == ["planning on node-a", "previewed", "asked", "applying"]
    [entry] = audit.read_entries()
    assert (entry["action"], entry["outcome"]) == ("standby", "done")


def test_the_demo_refuses_with_a_sentence_what_it_cannot_model() -> None:
    report = run(GuardedRequest(ActionKind.MAINTENANCE_ON, node="node-b"), Recorder(None))
    assert (report.ending, runner.exit_status(report)) == (Ending.REFUSED, 3)
    assert "the demo cluster models only standby" in report.message


def test_a_move_runs_through_the_demo_and_is_verified() -> None:
    report = run(GuardedRequest(ActionKind.MOVE, resource="ClusterIP", node="node-b"),
                 Recorder(None))
    assert runner.done(report), report.message
    assert report.message.startswith("failover done") and "ClusterIP on node-b" in report.message


def test_a_fix_with_nothing_to_fix_is_refused_unchanged_and_journaled() -> None:
    _, demo = demo_cluster()  # the demo has a preferred node: nothing to fix
    events = Recorder(None)
    report = asyncio.run(runner.run_request(GuardedRequest(ActionKind.FIX_PREFERRED),
                                            live_from(demo), demo, RunSettings("demo"), events))
    assert (report.ending, runner.exit_status(report)) == (Ending.REFUSED, 3)
    assert report.message == "there is no no-preferred-node advisory to fix"
    assert events.steps == [] and not demo.writes()
    [entry] = audit.read_entries()
    assert (entry["action"], entry["outcome"]) == ("fix no-preferred-node", "refused")
