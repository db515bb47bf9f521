"""The console reads at a glance: nothing hidden, nothing cut, the next step in hacon's keys.

Each test drives the console at the size where an operator saw the problem (80x24, 120x36 or
160x48) and reads what is on screen: rendered lines, not widget attributes, wherever the
complaint was about what could be read.
"""

from __future__ import annotations

from dataclasses import replace

from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual.widgets._toast import Toast

from console.actions.plans import ActionKind
from console.model.cluster import Constraints
from console.ui.action_requests import ActionRequest
from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.screens.detail import DetailScreen
from console.ui.screens.help import HelpScreen
from console.ui.widgets.constraints_pane import ConstraintsPane
from console.ui.widgets.events_pane import EventsPane
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.problems_pane import ProblemsPane
from console.ui.widgets.resources_pane import ResourcesPane
from console.ui.widgets.status_bar import StatusBar
from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.support.waiting import until
from tests.ui.actions_fixtures import demo_cluster, live_from
from tests.ui.test_ui_snapshots import leftover_ban, split_brain
from tests.ui.waiting import until_shown

NARROW = (80, 24)
WIDE = (120, 36)
HUGE = (160, 48)


def screen_lines(widget: Widget) -> list[str]:
    """What `widget` shows, line by line (its content area, as the terminal draws it)."""
    return ["".join(segment.text for segment in widget.render_line(y)).rstrip()
            for y in range(widget.size.height)]


def shown_text(widget: Widget) -> str:
    """Everything `widget` shows, wrapped lines joined with spaces."""
    return " ".join(" ".join(line.split()) for line in screen_lines(widget) if line.strip())


def last_active_node() -> object:
    """node-a left in standby; node-b runs everything: standby of node-b is refused."""
    nodes = [b.node("node-a", dc=True, standby=True), b.node("node-b", node_id="2")]
    return b.live(b.cluster(nodes=nodes, vip_on=("node-b",)))


def critical_failcount() -> object:
    return b.live(b.cluster(failcounts={"OSIPS": {"node-a": 3}},
                            failures=(b.failure("OSIPS", "node-a"),),
                            service_changes={"failed": True}))


# --- 1: toasts -----------------------------------------------------------------------------------


async def test_a_toast_never_covers_a_confirmation_at_80x24(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(live_from(runner), runner=runner)
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await until_shown(pilot)
        app.notify("Broken service configuration: OSIPS fails on node-a from now on",
                   title="demo")
        await pilot.pause()
        await until(pilot, lambda: bool(app.screen.query(Toast)))  # the toast is up
        await pilot.press("1", "j", "s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        await pilot.pause()
        dialog = app.screen.query_one("Vertical").region
        for screen in app.screen_stack:
            rack = screen.query_one("#textual-toastrack")
            for toast in screen.query(Toast):
                on_screen = rack.display and toast.display and bool(toast.region)
                # neither on the dialog nor showing through from the screen underneath
                assert not (on_screen and toast.region.overlaps(dialog)), (screen, toast.region)


async def test_escape_dismisses_the_toasts(make_app: AppFactory) -> None:
    app = make_app(b.live())
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await until_shown(pilot)
        app.notify("refreshing…")
        await pilot.pause()
        assert list(app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert not list(app._notifications)
        assert app.NOTIFICATION_TIMEOUT <= 5  # short by default (Textual's is 5 s... or more)


async def test_toasts_stay_above_the_status_bar_and_its_reason_line(
        make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(last_active_node(), runner=runner)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await until_shown(pilot)
        await pilot.press("j", "s")  # refused: the reason line opens
        app.notify("a toast while the refusal is on screen")
        await until(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)))
        bar = app.screen.query_one(StatusBar).region
        for toast in app.screen.query(Toast):
            assert toast.region.bottom <= bar.y, (toast.region, bar)


# --- 2 and 6: reasons in full, greyed keys ---------------------------------------------------


async def test_a_refusal_is_readable_in_full_at_80_columns(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(last_active_node(), runner=runner)
    async with app.run_test(size=NARROW) as pilot:
        await until_shown(pilot)
        await pilot.press("j", "s")
        await pilot.pause()
        bar = app.screen.query_one(StatusBar)
        text = shown_text(bar)
        assert ("after a standby of node-b no node could run ClusterIP (node-a in standby)"
                in text)
        # ...with what to do first, in hacon's keys, and the DC and CIB version still there.
        assert "first bring node-a online: press 1, select node-a, o" in text
        assert "DC node-a" in screen_lines(bar)[-1] and "CIB 0.42.7" in screen_lines(bar)[-1]


async def test_pressing_a_greyed_o_says_why(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(b.live(), runner=runner)
    async with app.run_test(size=WIDE) as pilot:
        await until_shown(pilot)
        await pilot.press("o")  # node-a is not in standby
        await pilot.pause()
        text = shown_text(app.screen.query_one(StatusBar))
        assert "o greyed: online unavailable:" in text
        assert runner.inputs == []


async def test_a_reason_does_not_outlive_its_pane(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(b.live(), runner=runner)
    async with app.run_test(size=WIDE) as pilot:
        await until_shown(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert "greyed" in shown_text(app.screen.query_one(StatusBar))
        await pilot.press("2")
        await pilot.pause()
        assert "greyed" not in shown_text(app.screen.query_one(StatusBar))


async def test_greyed_footer_keys_look_greyed_in_console_light(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(b.live(), runner=runner, theme="console-light")
    async with app.run_test(size=WIDE) as pilot:
        await until_shown(pilot)
        keys = {key.key: key for key in app.screen.query("FooterKey")}
        greyed, enabled = keys["o"], keys["s"]  # node-a is online: o greyed, s enabled
        assert greyed.has_class("-disabled") and not enabled.has_class("-disabled")
        grey = greyed.get_component_rich_style("footer-key--description").color
        normal = enabled.get_component_rich_style("footer-key--description").color
        assert grey is not None and normal is not None
        assert grey != normal
        assert app.theme_variables["key-greyed"] == "#a0a0a0"


# --- 3 and 7: detail view, hacon's keys ------------------------------------------------------


async def test_enter_on_an_advisory_describes_it_with_the_hacon_key(
        make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(leftover_ban(), runner=runner)
    async with app.run_test(size=NARROW) as pilot:
        await until_shown(pilot)
        await pilot.press("3")
        pane = app.screen.query_one(ProblemsPane)
        row = pane.shown_keys.index("leftover-cli-constraint:cli-ban-ClusterIP-on-node-a")
        pane.move_cursor(row=row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.pause()
        text = " ".join(shown_text(line) for line in app.screen.query(Static))
        assert "press 4, select it, x" in text
        assert "hacon clear ClusterIP" in text
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, DetailScreen))


async def test_long_advisories_wrap_instead_of_being_cut_at_120(make_app: AppFactory) -> None:
    app = make_app(b.live(b.cluster(stonith=False)))
    async with app.run_test(size=WIDE) as pilot:
        await until_shown(pilot)
        text = shown_text(app.screen.query_one(ProblemsPane))
        assert ("both sides of a split may bind the VIP → run pcs property set "
                "stonith-enabled=true") in text


async def test_failed_rows_name_c(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(critical_failcount(), runner=runner)
    async with app.run_test(size=WIDE) as pilot:
        await until_shown(pilot)
        assert "OSIPS monitor failed on node-a" in shown_text(app.screen.query_one(ProblemsPane))
        assert "→ c cleans it up" in shown_text(app.screen.query_one(ProblemsPane))


async def test_after_a_power_on_the_console_says_press_f(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(b.live(b.cluster(vip_on=("node-b",))), runner=runner)
    async with app.run_test(size=WIDE) as pilot:
        await until_shown(pilot)
        text = shown_text(app.screen.query_one(ProblemsPane))
        assert "not on its preferred node node-a" in text and "press 1, f" in text


async def test_no_warning_about_hacons_own_failback_prefer(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    prefer = b.location("cli-prefer-ClusterIP", "ClusterIP", "node-a", "INFINITY",
                        origin="cli-prefer")
    base = b.cluster(vip_on=("node-b",))
    moving = b.live(replace(base, constraints=replace(
        base.constraints, location=base.constraints.location + (prefer,))))
    app = make_app(moving, runner=runner)
    async with app.run_test(size=WIDE) as pilot:
        await until_shown(pilot)
        pane = app.screen.query_one(ProblemsPane)
        assert "leftover-cli-constraint:cli-prefer-ClusterIP" in pane.shown_keys
        app.action_request = ActionRequest(ActionKind.FAILBACK)  # hacon's failback runs
        app.screen.render_view()  # type: ignore[attr-defined]
        await pilot.pause()
        assert "leftover-cli-constraint:cli-prefer-ClusterIP" not in pane.shown_keys


# --- 4: a critical finding is never hidden in the narrow slot ----------------------------------


async def test_a_new_critical_brings_failures_into_the_narrow_slot(make_app: AppFactory) -> None:
    app = make_app(b.live())
    async with app.run_test(size=NARROW) as pilot:
        await until_shown(pilot)
        await pilot.press("5")
        events = app.screen.query_one(EventsPane)
        assert events.display and "3: failures (0)" in str(events.border_subtitle)
        app.source.push(critical_failcount())  # type: ignore[attr-defined]
        await until_shown(pilot, 2)
        problems = app.screen.query_one(ProblemsPane)
        assert problems.display and not events.display
        assert "FAILED" in shown_text(problems)
        assert "critical" in str(problems.border_subtitle)


# --- 5: footer and help ---------------------------------------------------------------------


async def test_the_footer_keeps_quit_at_80_columns(make_app: AppFactory) -> None:
    _, runner = demo_cluster()
    app = make_app(b.live(), runner=runner)
    async with app.run_test(size=NARROW) as pilot:
        await until_shown(pilot)
        whole = [shown_text(key) for key in app.screen.query("FooterKey")
                 if key.region.right <= NARROW[0] and key.region.width]
        for key in ("s Standby", "o Online", "f Failback", "? Help", "q Quit"):
            assert key in whole, whole


async def test_the_help_wraps_instead_of_cutting(make_app: AppFactory) -> None:
    app = make_app(b.live())
    async with app.run_test(size=NARROW) as pilot:
        await until_shown(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert "Ask the cluster now instead of waiting for the next poll" in shown_text(table)


# --- 8: widths ------------------------------------------------------------------------------


async def test_score_and_id_come_back_after_a_failback_at_160(make_app: AppFactory) -> None:
    prefer = b.location("cli-prefer-ClusterIP-with-a-long-name", "ClusterIP", "node-a",
                        "INFINITY", origin="cli-prefer")
    base = b.cluster(vip_on=("node-b",))
    during = b.live(replace(base, constraints=replace(
        base.constraints, location=base.constraints.location + (prefer,))))
    app = make_app(during)
    async with app.run_test(size=HUGE) as pilot:
        await until_shown(pilot)
        pane = app.screen.query_one(ConstraintsPane)
        assert pane.outer_size.width > 42  # the side column follows the terminal
        app.source.push(b.live(b.cluster()))  # type: ignore[attr-defined]
        await until_shown(pilot, 2)
        header = screen_lines(pane)[0]
        assert "Score" in header and "Id" in header, header
        assert "prefer-node-a" in shown_text(pane)


async def test_type_is_whole_again_after_a_heal_at_120(make_app: AppFactory) -> None:
    app = make_app(split_brain())
    async with app.run_test(size=WIDE) as pilot:
        await until_shown(pilot)
        app.source.push(b.live())  # type: ignore[attr-defined]
        await until_shown(pilot, 2)
        lines = screen_lines(app.screen.query_one(ResourcesPane))
        assert "Type" in lines[0] and "IPaddr2" in lines[1], lines[:2]


async def test_events_wrap_instead_of_clipping(make_app: AppFactory) -> None:
    app = make_app(b.live())
    async with app.run_test(size=WIDE) as pilot:
        await until_shown(pilot)
        app.source.push(split_brain())  # type: ignore[attr-defined]
        await until_shown(pilot, 2)
        events = app.screen.query_one(EventsPane)
        assert any("→" in line for line in screen_lines(events))
        for text in (cells[1].text for _key, cells in events.rows_to_show):
            assert " ".join(text.split()) in shown_text(events)


async def test_constraints_stack_their_id_when_the_pane_is_narrow(make_app: AppFactory) -> None:
    app = make_app(leftover_ban())
    async with app.run_test(size=WIDE) as pilot:
        await until_shown(pilot)
        pane = app.screen.query_one(ConstraintsPane)
        text = shown_text(pane)
        assert "cli-ban-ClusterIP-on-node-a" in text.replace(" ", "")
        assert "-INFINITY" in text


async def test_failures_get_the_room_at_160x48(make_app: AppFactory) -> None:
    many = b.live(b.cluster(stonith=False, stickiness=None, threshold=3,
                            failcounts={"OSIPS": {"node-a": 2}, "ClusterIP": {"node-b": 1}},
                            failures=(b.failure("OSIPS", "node-a"),
                                      b.failure("OSIPS", "node-b", task="start"),
                                      b.failure("ClusterIP", "node-a")),
                            constraints=Constraints(location=(), colocation=(), order=())))
    app = make_app(many)
    async with app.run_test(size=HUGE) as pilot:
        await until_shown(pilot)
        pane = app.screen.query_one(ProblemsPane)
        table_lines = pane.virtual_size.height
        assert pane.scrollable_content_region.height >= table_lines, "failures are cut"



# --- 10: the demo menu moves like every list -----------------------------------------------


async def test_j_k_g_and_G_move_in_the_demo_faults_menu() -> None:
    from textual.app import App
    from textual.widgets import OptionList

    from console.ui.demo_panel import DemoMenuScreen

    scenarios = [(f"fault-{n}", f"Fault {n}") for n in range(6)]

    class MenuApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(DemoMenuScreen(scenarios))

    app = MenuApp()
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DemoMenuScreen))
        options = app.screen.query_one(OptionList)
        await pilot.press("j", "j")
        assert options.highlighted == 2
        await pilot.press("k")
        assert options.highlighted == 1
        await pilot.press("G")
        assert options.highlighted == 5
        await pilot.press("g")
        assert options.highlighted == 0


async def test_a_cursor_event_after_the_panes_are_gone_does_not_crash_the_console(
        make_app: AppFactory) -> None:
    """On quit, Textual removes the panes while a cursor event may still be queued: the
    console must close quietly instead of ending with a traceback."""
    app = make_app(b.live())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await app.screen.query_one(NodesPane).remove()
        app._hint_shown = "something else"  # force the redraw the cursor event asks for
        app.on_data_table_row_highlighted(DataTable.RowHighlighted(DataTable(), 0, None))
        await pilot.pause()
