"""Text from a node, a CIB, a theme file or the command line is shown as it is, never as markup.

A resource id `OSIPS[/]`, a crm_simulate stderr line `crm_simulate: [/] error` and a theme
named `[/]x` each crashed the 0.1 console (Textual read them as markup and raised MarkupError).
Escape sequences and bidi overrides must not reach the terminal either: they are shown escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from textual.command import CommandPalette
from textual.widgets._toast import Toast

from console.model.cluster import ClusterSnapshot
from console.transport.base import CommandResult
from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.status_bar import StatusBar
from console.ui.widgets.vip_banner import VipBanner
from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.support.waiting import until
from tests.ui.actions_fixtures import RecordingDemoRunner, demo_cluster, live_from
from tests.ui.waiting import until_shown

HOSTILE_RESOURCE = "OSIPS[/]"


def hostile_resource_cluster() -> ClusterSnapshot:
    """The lab cluster whose service is called `OSIPS[/]` and has failed on node-a."""
    snapshot = b.cluster(failures=(b.failure(HOSTILE_RESOURCE, "node-a"),))
    service = replace(snapshot.resources["OSIPS"], id=HOSTILE_RESOURCE)
    return replace(snapshot, resources={"ClusterIP": snapshot.resources["ClusterIP"],
                                        HOSTILE_RESOURCE: service})


def toast_texts(app: object) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query(Toast)]  # type: ignore[attr-defined]


async def test_a_resource_id_with_markup_in_the_palette_is_listed_literally(
        make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(b.live(hostile_resource_cluster()), runner=runner)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await until_shown(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"clean up")
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        prompts = [str(option.prompt) for option in palette.query_one("CommandList").options]
        assert any("Clean up OSIPS[/] on node-a" in prompt for prompt in prompts), prompts
        assert app.is_running


class StderrSimulateRunner(RecordingDemoRunner):
    """The demo cluster, but the scheduler's preview fails with a bracketed stderr line."""

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        if "crm_simulate" in argv:
            return CommandResult(node, tuple(argv), 1, b"", b"crm_simulate: [/] error\n", 0.0)
        return await super().run(node, argv, timeout=timeout, input=input)


async def test_a_preview_failure_with_markup_in_stderr_is_a_literal_toast(
        make_app: AppFactory) -> None:
    cluster, demo_runner = demo_cluster()
    runner = StderrSimulateRunner(cluster, demo_runner.clock)
    app = make_app(live_from(runner), runner=runner)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await until_shown(pilot)
        await pilot.press("s")
        # The refusal is read in the status bar's reason line: literal, never markup.
        await until(pilot, lambda: "[/] error" in str(app.screen.query_one(StatusBar).content))
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ConfirmActionScreen)


async def test_a_theme_name_with_markup_is_a_literal_notice(make_app: AppFactory) -> None:
    app = make_app(b.live(), theme="[/]x")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await until_shown(pilot)
        await until(pilot, lambda: any("'[/]x' is unknown" in text
                                       for text in toast_texts(app)))
        assert app.is_running


async def test_escapes_and_bidi_in_an_unreachable_reason_are_shown_escaped(
        make_app: AppFactory) -> None:
    reason = "\x1b]2;owned\x1b\\ \x1b[31mRED \u202eevil \u009b2J"
    app = make_app(b.live(unreachable={"node-b": reason}))
    async with app.run_test(size=(160, 36)) as pilot:
        await until_shown(pilot)
        shown = " ".join(str(line.content) for line in app.screen.query_one(VipBanner).children
                         ) + " ".join(str(cell) for row in _node_rows(app) for cell in row)
        assert "\\x1b[31mRED" in shown or "\\x1b]2;owned" in shown
        assert not any(char in shown for char in "\x1b\u202e\u009b")


def _node_rows(app: object) -> list[list[object]]:
    table = app.screen.query_one(NodesPane)  # type: ignore[attr-defined]
    return [table.get_row_at(index) for index in range(table.row_count)]


async def test_a_node_name_with_bidi_and_c1_never_reaches_a_cell_raw(
        make_app: AppFactory) -> None:
    nodes = [b.node("node-a", dc=True), b.node("node-\u202eb\u009b", node_id="2")]
    app = make_app(b.file_live(b.cluster(nodes=nodes)))
    async with app.run_test(size=(160, 36)) as pilot:
        await until_shown(pilot)
        cells = " ".join(str(cell) for row in _node_rows(app) for cell in row)
        assert "node-\\u202eb\\x9b" in cells
        assert "\u202e" not in cells and "\u009b" not in cells
