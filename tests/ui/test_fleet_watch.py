"""How closely the fleet overview watches each cluster: every row loosely (a silent cluster's
row turns unreachable within the overview's keepalive bound), the opened cluster closely."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from console.commands.fleet_console import fleet_watch
from console.demo.fleet import running_demo_fleet
from console.model.live.snapshot import LiveSnapshot
from console.transport import ssh as ssh_module
from console.transport import ssh_config
from console.transport.base import CommandResult
from console.transport.poller import ClusterPoller, PollSettings
from console.transport.ssh import SshCluster
from console.transport.ssh_config import Keepalive, SshSettings
from console.ui.fleet_app import ClusterScreen, FleetApp, FleetMember
from console.ui.screens.fleet import FleetScreen
from console.ui.widgets.fleet_pane import FleetPane
from tests.support.lab_live import lab_live
from tests.support.waiting import until
from tests.ui.fakes import FixedClock, ScriptedSource
from tests.ui.test_fleet_screen import STATES, WIDE, until_overview


class Connections:
    """A cluster's connections as the fleet sees them: only how closely they are watched."""

    def __init__(self) -> None:
        self.closely: list[bool] = []

    def watch_closely(self, closely: bool) -> None:
        self.closely.append(closely)

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        raise AssertionError("the overview runs no command")


def watched_app() -> tuple[FleetApp, dict[str, Connections]]:
    snapshots: dict[str, LiveSnapshot] = {name: lab_live(state) for name, state in STATES.items()}
    connections = {name: Connections() for name in snapshots}
    members = {name: FleetMember(ScriptedSource([snapshot]), connections[name], f"cluster {name}")
               for name, snapshot in snapshots.items()}
    app = FleetApp(fleet_watch(members), members, theme="console-dark", clock=FixedClock(),
                   remember_theme=False)
    return app, connections


async def test_every_row_is_watched_loosely_and_the_opened_cluster_closely() -> None:
    app, connections = watched_app()
    async with app.run_test(size=WIDE) as pilot:
        await until_overview(pilot)
        assert {name: conn.closely for name, conn in connections.items()} == {
            name: [False] for name in STATES}
        await pilot.press("enter")  # sip-lon, the worst
        await until(pilot, lambda: isinstance(app.screen, ClusterScreen))
        assert connections["sip-lon"].closely == [False, True]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, FleetScreen))
        assert connections["sip-lon"].closely == [False, True, False]
        assert all(conn.closely == [False] for name, conn in connections.items()
                   if name != "sip-lon")


async def test_a_silent_cluster_row_turns_unreachable_from_the_overview_keepalive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two demo clusters behind real SSH, connected as `hacon --all` connects (hacon's own
    keepalive), with no timed rounds and no push channel: when every node of one goes silent,
    only the overview's keepalive can tell, and its row turns unreachable. The console's
    keepalive is off and the overview's quick, so this waits no 10 s; the bound itself is
    OVERVIEW_KEEPALIVE's (tests/transport/test_watch_closely.py)."""
    off = Keepalive(0.0, 3)
    monkeypatch.setattr(ssh_config, "CONSOLE_KEEPALIVE", off)
    monkeypatch.setattr(ssh_module, "CONSOLE_KEEPALIVE", off)
    monkeypatch.setattr(ssh_module, "OVERVIEW_KEEPALIVE", Keepalive(0.2, 1))
    rounds = PollSettings(interval=600.0, retry_interval=600.0, command_timeout=5.0, push=False)
    async with running_demo_fleet(2, varied=False) as runtimes:
        members, closers = {}, []
        for name, runtime in runtimes.items():
            nodes = list(runtime.cluster.node_names)
            ssh = SshCluster(nodes, SshSettings(
                config_files=(str(runtime.config_dir / "config"),), use_agent=False))
            poller = ClusterPoller(ssh, nodes, rounds)
            members[name] = FleetMember(poller, ssh, f"demo {name}")
            closers += [poller.close, ssh.close]
        app = FleetApp(fleet_watch(members), members, theme="console-dark",
                       remember_theme=False)
        silent = runtimes["sip-ams"]
        try:
            async with app.run_test(size=WIDE) as pilot:
                await until_overview(pilot)
                pane = app.screen.query_one(FleetPane)
                assert _verdict(pane, "sip-ams") == "consistent"
                for node in silent.cluster.node_names:
                    silent.server.freeze_node(node)
                await until(pilot, lambda: _verdict(pane, "sip-ams") == "unreachable")
                assert _verdict(pane, "sip-fra") == "consistent"
        finally:
            for node in silent.cluster.node_names:
                silent.server.thaw_node(node)
            await app.fleet.close()
            for close in closers:
                await close()


def _verdict(pane: FleetPane, name: str) -> str:
    return str(pane.get_row(name)[2].plain)
