"""The fleet overview: every cluster at once, worst first, filterable; enter opens a cluster's
console and escape comes back with every cluster still watched."""

from __future__ import annotations

from dataclasses import replace

from textual.pilot import Pilot

from console.demo.fleet import running_demo_fleet
from console.model.live.snapshot import LiveSnapshot
from console.transport.fleet import FleetWatch
from console.ui.fleet_app import ClusterScreen, FleetApp, FleetMember
from console.ui.screens.fleet import FleetScreen
from console.ui.widgets.fleet_pane import FleetPane
from console.ui.widgets.keyed_table import KeyedTable
from tests.support.lab_live import lab_live
from tests.ui.fakes import FixedClock, ScriptedSource
from tests.support.waiting import until

WIDE = (130, 20)
STATES = {"sip-ams": "healthy-2node", "sip-fra": "standby-node-a", "sip-lon": "split-brain",
          "sip-par": "cli-ban"}


def fleet_app(**extra: LiveSnapshot) -> FleetApp:
    """A FleetApp over scripted sources of the lab's captured states (and any `extra`)."""
    snapshots = {name: lab_live(state) for name, state in STATES.items()} | extra
    sources = {name: ScriptedSource([snapshot]) for name, snapshot in snapshots.items()}
    members = {name: FleetMember(source, None, f"cluster {name}")
               for name, source in sources.items()}
    return FleetApp(FleetWatch(sources), members, theme="console-dark", clock=FixedClock(),
                    remember_theme=False)


def overview(app: FleetApp) -> FleetScreen:
    screen = app.fleet_screen
    assert screen is not None
    return screen


async def until_overview(pilot: Pilot[None]) -> None:
    app: FleetApp = pilot.app  # type: ignore[assignment]
    await until(pilot, lambda: app.fleet_screen is not None
                and None not in app.fleet_screen.snapshots.values())
    await until(pilot, lambda: not any(table._require_update_dimensions
                                       for table in app.screen.query(KeyedTable)))
    await pilot.pause()


async def test_rows_are_worst_first_and_the_cursor_starts_on_the_worst() -> None:
    app = fleet_app()
    async with app.run_test(size=WIDE) as pilot:
        await until_overview(pilot)
        pane = app.screen.query_one(FleetPane)
        assert pane.shown_keys == ["sip-lon", "sip-fra", "sip-par", "sip-ams"]
        assert pane.cursor_key == "sip-lon"
        row = [cell.plain for cell in pane.get_row("sip-fra")]
        assert row[:3] == ["WARNING", "sip-fra", "consistent"]
        assert row[3] == "ClusterIP node-b" and row[4] == "2/2" and row[7] == "node-a standby"


async def test_enter_opens_the_cluster_and_escape_returns_with_every_cluster_still_watched(
        ) -> None:
    app = fleet_app()
    async with app.run_test(size=WIDE) as pilot:
        await until_overview(pilot)
        await pilot.press("down", "enter")  # sip-fra
        await until(pilot, lambda: isinstance(app.screen, ClusterScreen)
                    and app.screen.snapshot is not None)
        assert app.screen.snapshot.cluster.nodes["node-a"].standby  # type: ignore[union-attr]
        assert app.source_label == "cluster sip-fra" and app.opened == "sip-fra"
        app.fleet.sources["sip-lon"].push(lab_live("healthy-2node"))  # type: ignore[attr-defined]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, FleetScreen))
        # the split brain healed while the operator looked at sip-fra: its row follows
        await until(pilot, lambda: overview(app).rows[-1].name == "sip-lon")
        assert app.opened is None and app.source is None


async def test_updates_of_the_opened_cluster_reach_its_console() -> None:
    app = fleet_app()
    async with app.run_test(size=WIDE) as pilot:
        await until_overview(pilot)
        await pilot.press("enter")  # sip-lon, the worst
        await until(pilot, lambda: isinstance(app.screen, ClusterScreen)
                    and app.screen.snapshot is not None)
        assert app.screen.snapshot.split_brain  # type: ignore[union-attr]
        app.fleet.sources["sip-lon"].push(lab_live("healthy-2node"))  # type: ignore[attr-defined]
        await until(pilot, lambda: not app.screen.snapshot.split_brain)  # type: ignore[union-attr]


async def test_the_filter_keeps_matching_clusters_and_escape_shows_all_again() -> None:
    app = fleet_app()
    async with app.run_test(size=WIDE) as pilot:
        await until_overview(pilot)
        pane = app.screen.query_one(FleetPane)
        await pilot.press("slash")
        await pilot.press(*"standby")
        await until(pilot, lambda: pane.shown_keys == ["sip-fra"])
        await pilot.press("escape")
        await until(pilot, lambda: len(pane.shown_keys) == 4)


async def test_a_verdict_this_version_does_not_know_is_shown_in_words() -> None:
    class Word:
        value = "uncertain"

    odd = replace(lab_live("healthy-2node"), verdict=Word())  # type: ignore[arg-type]
    app = fleet_app(**{"sip-new": odd})
    async with app.run_test(size=WIDE) as pilot:
        await until_overview(pilot)
        row = [cell.plain for cell in app.screen.query_one(FleetPane).get_row("sip-new")]
        assert row[:3] == ["WARNING", "sip-new", "uncertain"]


async def test_the_overview_works_on_three_demo_clusters_over_ssh() -> None:
    async with running_demo_fleet(3) as runtimes:
        members = {name: FleetMember(runtime.poller, runtime.ssh, f"demo {name}")
                   for name, runtime in runtimes.items()}
        watch = FleetWatch({name: runtime.poller for name, runtime in runtimes.items()})
        app = FleetApp(watch, members, theme="console-dark", remember_theme=False)
        async with app.run_test(size=WIDE) as pilot:
            await until_overview(pilot)
            rows = overview(app).rows
            assert [(row.name, row.state.name) for row in rows] == [
                ("sip-lon", "CRITICAL"), ("sip-fra", "WARNING"), ("sip-ams", "OK")]
        await watch.close()


def test_snapshot_the_overview(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(fleet_app(), terminal_size=WIDE, run_before=until_overview)


def test_snapshot_the_overview_filtered(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def filtered(pilot: Pilot[None]) -> None:
        await until_overview(pilot)
        await pilot.press("slash", *"warn")
        await until(pilot, lambda: len(pilot.app.screen.query_one(FleetPane).shown_keys) == 2)
        await pilot.pause()

    assert snap_compare(fleet_app(), terminal_size=WIDE, run_before=filtered)


async def test_history_is_a_key_of_an_opened_cluster_not_of_the_overview() -> None:
    app = fleet_app()
    history = object()
    app.members["sip-lon"] = replace(app.members["sip-lon"], history=history)  # type: ignore[arg-type]
    async with app.run_test(size=WIDE) as pilot:
        await until_overview(pilot)
        assert app.check_action("show_history", ()) is False
        await pilot.press("enter")  # sip-lon
        await until(pilot, lambda: isinstance(app.screen, ClusterScreen))
        assert app.history is history and app.check_action("show_history", ()) is True
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, FleetScreen))
        assert app.history is None and app.check_action("show_history", ()) is False
