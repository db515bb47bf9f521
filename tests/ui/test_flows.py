"""Key flows driven through Pilot: what an operator does, and what the console must then show."""

from __future__ import annotations

from dataclasses import replace

from textual.message import Message
from textual.widgets import Input

from console.model.cluster import ClusterSnapshot
from console.ui.messages import SnapshotReceived
from console.ui.screens.help import HelpScreen
from console.ui.widgets.events_pane import EventsPane
from console.ui.widgets.keyed_table import KeyedTable
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.problems_pane import ProblemsPane
from console.ui.widgets.resources_pane import ResourcesPane
from console.ui.widgets.status_bar import StatusBar
from console.ui.widgets.vip_banner import VipBanner
from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.support.waiting import until
from tests.ui.fakes import FixedClock, ScriptedSource
from tests.ui.waiting import main_screen, until_shown


def banner_text(app: object) -> str:
    banner = app.screen.query_one(VipBanner)  # type: ignore[attr-defined]
    return "\n".join(str(static.render()) for static in banner.children)


def with_many_resources(count: int, *, first: str | None = None) -> ClusterSnapshot:
    """The lab cluster plus `count` dummy primitives (r0000...), optionally one more first."""
    base = b.cluster()
    extra = {f"r{i:04d}": b.primitive(f"r{i:04d}", "ocf:pacemaker:Dummy", ("node-b",))
             for i in range(count)}
    head = {first: b.primitive(first, "ocf:pacemaker:Dummy", ("node-a",))} if first else {}
    return replace(base, resources={**head, **base.resources, **extra})


async def test_snapshot_flow_posts_messages_and_fills_panes(make_app: AppFactory) -> None:
    messages: list[Message] = []
    app = make_app(b.live())
    async with app.run_test(size=(120, 36), message_hook=messages.append) as pilot:
        await until_shown(pilot)
        assert any(isinstance(m, SnapshotReceived) for m in messages)
        assert app.screen.query_one(NodesPane).shown_keys == ["node-a", "node-b"]
        assert app.screen.query_one(ResourcesPane).shown_keys == ["ClusterIP", "OSIPS"]
        assert "192.168.122.100/24 ClusterIP on node-a" in banner_text(app)


async def test_filter_shows_matching_rows_and_escape_clears(make_app: AppFactory) -> None:
    app = make_app(b.live(with_many_resources(20)))
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        resources = app.screen.query_one(ResourcesPane)
        await pilot.press("2", "slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"osips")
        await until(pilot, lambda: resources.shown_keys == ["OSIPS"])
        await pilot.press("enter")
        assert app.focused is resources and resources.shown_keys == ["OSIPS"]
        assert "matching 'osips'" in str(resources.border_title)
        await pilot.press("escape")
        assert len(resources.shown_keys) == 22


async def test_r_asks_the_source_for_a_refresh(make_app: AppFactory) -> None:
    source = ScriptedSource([b.live()])
    app = make_app(source=source)
    async with app.run_test() as pilot:
        await until_shown(pilot)
        await pilot.press("r")
        assert source.refresh_requests == 1


async def test_tab_moves_focus_through_the_panes(make_app: AppFactory) -> None:
    app = make_app(b.live())
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        seen = [app.focused.id if app.focused else None]
        for _ in range(4):
            await pilot.press("tab")
            seen.append(app.focused.id if app.focused else None)
        assert seen == ["nodes-pane", "resources-pane", "constraints-pane", "events-pane",
                        "problems-pane"]
        await pilot.press("shift+tab")
        assert app.focused is not None and app.focused.id == "events-pane"


async def test_vim_keys_move_the_cursor(make_app: AppFactory) -> None:
    app = make_app(b.live(with_many_resources(10)))
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        resources = app.screen.query_one(ResourcesPane)
        await pilot.press("2", "j", "j")
        assert resources.cursor_key == "r0000"
        await pilot.press("G")
        assert resources.cursor_key == "r0009"
        await pilot.press("g", "k")
        assert resources.cursor_key == "ClusterIP"


async def test_help_lists_every_binding(make_app: AppFactory) -> None:
    app = make_app(b.live())
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {entry.binding.id for entry in app.screen.entries}
        assert {"console.show-help", "console.refresh-now", "console.quit",
                "console.filter-list", "console.focus-events", "console.jump-bottom",
                "console.change-theme"} <= ids
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_runs_the_same_action_as_the_key(make_app: AppFactory) -> None:
    source = ScriptedSource([b.live()])
    app = make_app(source=source)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"refresh now")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: source.refresh_requests == 1)


async def test_theme_switch_recolours_and_is_remembered(make_app: AppFactory) -> None:
    app = make_app(b.live(), remember_theme=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        dark_style = app.tone_styles["status-started"]
        app.theme = "console-light"
        await pilot.pause()
        assert app.tone_styles["status-started"] != dark_style
        cell = app.screen.query_one(ResourcesPane).get_cell("ClusterIP", "status")
        assert cell.style == app.tone_styles["status-started"]
    again = make_app(b.live(), theme=None, remember_theme=True)  # type: ignore[arg-type]
    assert again.theme == "console-light"


async def test_live_update_keeps_the_cursor_on_its_row(make_app: AppFactory) -> None:
    source = ScriptedSource([b.live(with_many_resources(40))])
    app = make_app(source=source)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        resources = app.screen.query_one(ResourcesPane)
        resources.focus()
        resources.move_cursor(row=resources.shown_keys.index("r0030"))
        source.push(b.live(with_many_resources(40, first="new-first")))
        await until_shown(pilot, 2)
        assert resources.shown_keys[0] == "new-first"
        assert resources.cursor_key == "r0030"


async def test_stale_banner_appears_when_data_ages(make_app: AppFactory) -> None:
    clock = FixedClock()
    app = make_app(b.live(), clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        assert "STALE" not in banner_text(app)
        clock.advance(60)
        await until(pilot, lambda: "STALE: data is 63 s old" in banner_text(app))
        assert app.screen.query_one(StatusBar).has_class("-stale")


async def test_vip_move_is_logged_with_its_time(make_app: AppFactory) -> None:
    source = ScriptedSource([b.live()])
    app = make_app(source=source)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        source.push(b.live(b.cluster(vip_on=("node-b",))))
        await until_shown(pilot, 2)
        events = app.screen.query_one(EventsPane)
        texts = [str(events.get_row(key)[1]) for key in events.shown_keys]
        assert texts == ["ClusterIP node-a → node-b", "OSIPS node-a → node-b"]
        assert str(events.get_row(events.shown_keys[0])[0]) == "08:00:03"


async def test_markup_in_names_is_shown_literally(make_app: AppFactory) -> None:
    base = b.cluster()
    hostile = b.primitive("[bold red]x[/]", "ocf:pacemaker:Dummy", ("node-a",))
    app = make_app(b.live(replace(base, resources={**base.resources, hostile.id: hostile})))
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        resources = app.screen.query_one(ResourcesPane)
        assert str(resources.get_cell("[bold red]x[/]", "resource")) == "[bold red]x[/]"


async def test_modal_pins_the_screen_until_it_closes(make_app: AppFactory) -> None:
    source = ScriptedSource([b.live()])
    app = make_app(source=source)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        await pilot.press("question_mark")
        source.push(b.live(b.cluster(vip_on=("node-b",))))
        await pilot.pause(0.1)
        assert main_screen(app).snapshots_shown == 1
        await pilot.press("escape")
        await until_shown(pilot, 2)


async def test_narrow_terminal_shares_the_bottom_slot(make_app: AppFactory) -> None:
    app = make_app(b.live())
    async with app.run_test(size=(80, 24)) as pilot:
        await until_shown(pilot)
        assert app.screen.query_one(ProblemsPane).display
        assert not app.screen.query_one(EventsPane).display
        await pilot.press("5")
        assert app.screen.query_one(EventsPane).display
        assert not app.screen.query_one(ProblemsPane).display
        assert isinstance(app.focused, KeyedTable) and app.focused.id == "events-pane"


async def test_broken_theme_file_gives_a_notice(make_app: AppFactory, tmp_path: object) -> None:
    import platformdirs

    theme_dir = platformdirs.user_config_path("hacon") / "themes"
    theme_dir.mkdir(parents=True)
    (theme_dir / "bad.toml").write_text('name = "bad"\nprimary = "not-a-colour"\n')
    app = make_app(b.live())
    async with app.run_test() as pilot:
        await until_shown(pilot)
        assert any("bad.toml" in n.message for n in app._notifications)
        assert app.theme == "console-dark"


async def test_without_a_cluster_the_console_says_how_to_configure_one() -> None:
    from textual.widgets import Static

    from console.ui.app import ConsoleApp
    from console.ui.screens.setup import SetupScreen

    app = ConsoleApp(None, setup_help="hacon has no cluster to show. [b]clusters.toml[/b]",
                     theme="console-dark", remember_theme=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        instructions = app.screen.query_one(Static)
        text = str(instructions.render())
        assert "[b]clusters.toml[/b]" in text  # shown literally, never read as markup
        assert instructions.size.width >= len(text) and instructions.size.height >= 1, \
            "the instructions must be laid out where the operator can read them"
        await pilot.press("q")
    assert app.return_code == 0


def test_guards_are_rechecked_only_when_their_inputs_change() -> None:
    """A poll round that only renews the data's age must not redraw the footer."""
    from console.actions.guards import guard_inputs

    assert guard_inputs(b.live(fetched_at=1.0)) == guard_inputs(b.live(fetched_at=99.0))
    assert guard_inputs(b.live()) != guard_inputs(b.live(unreachable={"node-b": "refused"}))
    assert guard_inputs(b.live()) != guard_inputs(
        b.live(b.cluster(version=b.CibVersion(0, 42, 8))))
    assert guard_inputs(b.live()) != guard_inputs(b.live(bound_on=()))


async def test_a_two_node_cluster_without_corosync_two_node_is_flagged(
        make_app: AppFactory) -> None:
    healthy = b.live()
    without = replace(healthy, views={name: replace(view, two_node=False)
                                      for name, view in healthy.views.items()})
    app = make_app(without)
    async with app.run_test(size=(120, 36)) as pilot:
        await until_shown(pilot)
        problems = app.screen.query_one(ProblemsPane)
        assert any("two-node-missing" in str(key) for key in problems.shown_keys), \
            problems.shown_keys
