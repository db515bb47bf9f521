"""Configuration edits typed in the command palette ("threshold OSIPS 5"): one entry, the same
guard, preview and confirmation as `hacon config`; a bad value or a guard's no is said, never run;
read-only lists nothing. Key A on the no-migration-threshold row previews its fix."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import replace

import pytest
from lxml import etree
from textual.command import CommandPalette

from console.actions.plans import ActionKind
from console.model.snapshot import parse_cib
from console.transport.base import CommandResult
from console.ui.config_commands import typed_request
from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.widgets.problems_pane import ProblemsPane
from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.support.waiting import until
from tests.ui.actions_fixtures import RecordingDemoRunner, audit_entries, demo_cluster, live_from
from tests.ui.waiting import until_shown

needs_crm_simulate = pytest.mark.skipif(
    shutil.which("crm_simulate", path="/usr/sbin:/usr/bin") is None,
    reason="LOUD SKIP: Pacemaker's crm_simulate is not installed (tests/run installs it)")


class RealSchedulerDemo(RecordingDemoRunner):
    """The demo cluster, previewed by Pacemaker's own crm_simulate on this machine (the demo's
    scheduler models only standby and moves: the node says it has no crm_simulate)."""

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        if "crm_simulate" in argv:
            return CommandResult(node, tuple(argv), 127, b"", b"not found", 0.0)
        return await super().run(node, argv, timeout=timeout, input=input)


def test_a_typed_edit_is_parsed_as_the_command_line_parses_it() -> None:
    label, request = typed_request("config threshold OSIPS 5") or ("", "")
    assert label == "config: Set OSIPS migration-threshold to 5"
    assert not isinstance(request, str)
    assert (request.kind, request.resource, request.value) == \
        (ActionKind.CONFIG_THRESHOLD, "OSIPS", "5")
    label, request = typed_request("prefer ClusterIP node-b=+INFINITY") or ("", "")
    assert label == "config: Prefer node-b for ClusterIP (score INFINITY)"
    assert typed_request("stickiness -3") == (
        "config: stickiness -3", "stickiness '-3' is negative: it must be 0 or more (or INFINITY)")
    assert typed_request("threshold OSIPS") == ("config: threshold OSIPS",
                                                "type threshold RESOURCE N")
    assert typed_request("standby node-a") is None and typed_request("thresh") is None


async def palette_prompts(pilot, app, text: str) -> dict[str, str]:  # noqa: ANN001 - pilot, app
    """Each entry the palette lists for `text`: its name, with its help line."""
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*text)
    await pilot.pause(0.3)
    prompts = [str(option.prompt) for option in app.screen.query_one("CommandList").options]
    return dict((*prompt.split("\n", 1), "")[:2] for prompt in prompts)


@needs_crm_simulate
async def test_threshold_typed_in_the_palette_is_previewed_and_asks_first(
        make_app: AppFactory) -> None:
    cluster, demo = demo_cluster()
    runner = RealSchedulerDemo(cluster, demo.clock)
    app = make_app(live_from(runner), runner=runner)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_shown(pilot)
        prompts = await palette_prompts(pilot, app, "threshold OSIPS 5")
        assert prompts.get("config: Set OSIPS migration-threshold to 5") == \
            "guarded: previewed, then asks for confirmation", prompts
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        modal = app.screen
        assert isinstance(modal, ConfirmActionScreen)
        assert str(modal.query_one("#confirm-title").content) == \
            "Set OSIPS migration-threshold to 5?"
        lines = [str(line.content) for line in modal.query(".confirm-consequence")]
        assert lines == ["• nothing moves", "• OSIPS migration-threshold 3 → 5: after 5 "
                         "failure(s) on a node it moves to another node"]
        await pilot.press("n")
        await until(pilot, lambda: not app.action_running)
    assert runner.writes() == []
    [entry] = audit_entries()
    assert (entry["action"], entry["outcome"], entry["target"]) == \
        ("config threshold", "cancelled", "OSIPS")


async def test_an_unknown_resource_is_said_and_nothing_runs(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(live_from(runner), runner=runner)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await until_shown(pilot)
        prompts = await palette_prompts(pilot, app, "threshold NOPE 5")
        assert prompts.get("config: Set NOPE migration-threshold to 5") == \
            "unavailable: NOPE is not a resource of this cluster", prompts
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, CommandPalette))
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmActionScreen)
    assert runner.writes() == [] and audit_entries() == []


async def test_read_only_lists_no_edit(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(live_from(runner), runner=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_shown(pilot)
        prompts = await palette_prompts(pilot, app, "threshold OSIPS 5")
        assert not any(prompt.startswith("config:") for prompt in prompts), prompts


class NoThresholdDemo(RealSchedulerDemo):
    """The demo cluster, its CIB read without OSIPS's own migration-threshold."""

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        result = await super().run(node, argv, timeout=timeout, input=input)
        if list(argv[:2]) != ["cibadmin", "-Q"] or result.exit_status != 0:
            return result
        return replace(result, stdout=without_threshold(result.stdout))


@needs_crm_simulate
async def test_A_on_the_no_migration_threshold_row_previews_its_fix(make_app: AppFactory) -> None:
    cluster, demo = demo_cluster()
    runner = NoThresholdDemo(cluster, demo.clock)
    app = make_app(b.live(parse_cib(cib_without_threshold(runner))), runner=runner)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_shown(pilot)
        problems = app.screen.query_one(ProblemsPane)
        problems.focus()
        await until(pilot, lambda: problems.cursor_key is not None)
        while problems.cursor_key != "no-migration-threshold:ClusterIP":
            await pilot.press("down")
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        modal = app.screen
        assert isinstance(modal, ConfirmActionScreen)
        assert str(modal.query_one("#confirm-title").content).startswith(
            "Fix no-migration-threshold: rsc_defaults migration-threshold=3")
        lines = [str(line.content) for line in modal.query(".confirm-consequence")]
        assert lines[0] == "• nothing moves"
        # The demo cluster cannot apply this patch (tests/actions and the lab apply it): No.
        await pilot.press("n")
        await until(pilot, lambda: not app.action_running)
    assert runner.writes() == []
    entry = audit_entries()[-1]
    assert (entry["action"], entry["outcome"]) == ("fix no-migration-threshold", "cancelled")


def cib_without_threshold(runner: RecordingDemoRunner) -> bytes:
    """The CIB the console first shows: the demo's, without OSIPS's migration-threshold."""
    _, cib, _ = runner.handler.answer("node-a", ["cibadmin", "-Q"], b"")
    return without_threshold(cib)


def without_threshold(cib: bytes) -> bytes:
    root = etree.fromstring(cib)
    for pair in root.iterfind(".//primitive[@id='OSIPS']/meta_attributes/nvpair"):
        if pair.get("name") == "migration-threshold":
            pair.getparent().remove(pair)
    return etree.tostring(root)
