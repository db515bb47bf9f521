"""The fix key (A) on a Failures row: a configuration advisory's fix goes through the same
guard, plan and preview as every guarded action; a row without a fix greys the key."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import replace

import pytest
from lxml import etree

from console.model.snapshot import parse_cib
from console.presentation.advice import problem_detail
from console.transport.base import CommandResult
from console.ui.widgets.problems_pane import ProblemsPane
from console.ui.widgets.status_bar import StatusBar
from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.support.waiting import until
from tests.ui.actions_fixtures import RecordingDemoRunner, audit_entries, demo_cluster
from tests.ui.waiting import until_shown

needs_crm_simulate = pytest.mark.skipif(
    shutil.which("crm_simulate", path="/usr/sbin:/usr/bin") is None,
    reason="LOUD SKIP: Pacemaker's crm_simulate is not installed (tests/run installs it)")


class UnstickyDemo(RecordingDemoRunner):
    """The demo cluster, its CIB read without rsc_defaults (so: no stickiness)."""

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        result = await super().run(node, argv, timeout=timeout, input=input)
        if list(argv[:2]) != ["cibadmin", "-Q"]:
            return result
        root = etree.fromstring(result.stdout)
        configuration = root.find("configuration")
        configuration.remove(configuration.find("rsc_defaults"))
        return replace(result, stdout=etree.tostring(root))


def unsticky() -> UnstickyDemo:
    cluster, demo = demo_cluster()
    return UnstickyDemo(cluster, demo.clock)


@needs_crm_simulate
async def test_A_on_the_no_stickiness_row_plans_and_previews_the_fix(
        make_app: AppFactory) -> None:
    runner = unsticky()
    _, cib, _ = runner.handler.answer("node-a", ["cibadmin", "-Q"], b"")
    root = etree.fromstring(cib)
    root.find("configuration").remove(root.find("configuration/rsc_defaults"))
    live = b.live(parse_cib(etree.tostring(root)))
    app = make_app(live, runner=runner)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_shown(pilot)
        problems = app.screen.query_one(ProblemsPane)
        problems.focus()
        await until(pilot, lambda: problems.cursor_key is not None)
        while problems.cursor_key != "no-stickiness:ClusterIP":
            await pilot.press("down")
        detail = problem_detail(live, "no-stickiness:ClusterIP")
        assert detail is not None and detail.step.command == "hacon fix no-stickiness"
        assert detail.step.keys is not None and ", A (" in detail.step.keys
        await pilot.press("A")
        # The demo's scheduler cannot model this change: the preview refuses it, in full on
        # the status bar, as it does maintenance (a real node previews it; tests/actions).
        await until(pilot, lambda: not app.action_running and "fix no-stickiness refused"
                    in str(app.screen.query_one(StatusBar).content))
        reason = str(app.screen.query_one(StatusBar).content)
    assert "scheduler's preview failed" in reason and "nothing changed" in reason
    assert runner.writes() == []
    [entry] = audit_entries()
    assert (entry["action"], entry["outcome"]) == ("fix no-stickiness", "refused")


async def test_A_on_a_row_without_a_fix_is_greyed(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(b.live(parse_cib(runner.handler.answer("node-a", ["cibadmin", "-Q"],
                                                          b"")[1])), runner=runner)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_shown(pilot)
        problems = app.screen.query_one(ProblemsPane)
        problems.focus()
        await until(pilot, lambda: problems.cursor_key is not None)
        assert problems.check_action("fix_advisory", ()) is None
        await pilot.press("A")
    assert runner.writes() == [] and audit_entries() == []
