"""A hostile cluster over real SSH: the console stays up and everything it shows is inert.

Four fake nodes on loopback (the project's in-process SSH server). node-a answers like a demo
node, but every resource id, the cluster name, the interface name and corosync's error carry
Textual markup, escape sequences, C1 controls and bidi overrides; node-b floods its CIB read;
node-c hangs; node-d cuts the connection with an escape-laden SSH disconnect reason. The console, the
text output and the JSON output must show all of it as plain, visible characters.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Static

from console.commands.status_live import render_live
from console.commands.text import write_json
from console.demo.cluster import DemoCluster
from console.demo.handler import DemoHandler
from console.demo.scenarios import start_in
from console.model.live.export import live_status_document
from console.model.live.snapshot import LiveSnapshot
from console.transport.local_server import DropConnection, LocalSshServer
from console.transport.poller import ClusterPoller, PollSettings
from console.transport.ssh import SshCluster
from console.ui.app import ConsoleApp
from tests.support.status_schema import assert_conforms
from tests.support.waiting import until
from tests.transport.helpers import settings_for
from tests.ui.fakes import FixedClock

NODES = ["node-a", "node-b", "node-c", "node-d"]
CAP = 1 << 20
IN_XML = "[/][b]x\u202eevil\u2066\u009b2J"
"""Markup, a right-to-left override, an isolate and a C1 CSI: all legal in a CIB's XML."""
ANYWHERE = "\x1b]2;pwned\x07\x1b[31mRED[/]\u202e"
"""A title-setting OSC, a colour CSI, markup and a bidi override: for text outside XML."""
RAW = ("\x1b", "\x07", "\u202e", "\u2066", "\u009b")
RENAMES = {b"OSIPS": f"OSIPS{IN_XML}".encode(), b"ClusterIP": f"VIP{IN_XML}".encode(),
           b'"demo"': f'"demo{IN_XML}"'.encode(), b"eth0": f"eth0{IN_XML}".encode(),
           b'exit-reason=""': f'exit-reason="{IN_XML}"'.encode()}


class HostileHandler:
    """The demo cluster's answers, made hostile per node."""

    def __init__(self) -> None:
        cluster = DemoCluster(3)
        start_in(cluster, "service-failure")  # failures and fail-counts to show
        start_in(cluster, "cli-ban")  # and a leftover constraint with its clear hint
        self.demo = DemoHandler(cluster, node_down=lambda node: DropConnection(node))

    async def handle(self, node: str, argv: list[str], stdin: bytes) -> tuple[int, bytes, bytes]:
        if node == "node-b":
            return 0, b"<cib>" + b" " * (4 * CAP), b""
        if node == "node-c":
            await asyncio.sleep(3600)
        if node == "node-d":
            raise DropConnection(node, reason=ANYWHERE)
        if argv[:1] == ["corosync-quorumtool"]:
            return 1, b"", f"corosync-quorumtool: {ANYWHERE}\n".encode()
        status, out, err = self.demo.answer(node, argv, stdin)
        return status, hostile(out), hostile(err)

    def stream(self, node: str, argv: list[str]) -> AsyncIterator[bytes] | None:
        return None


def hostile(data: bytes) -> bytes:
    for plain, evil in RENAMES.items():
        data = data.replace(plain, evil)
    return data


@pytest.fixture
async def hostile_cluster(tmp_path: Path) -> AsyncIterator[tuple[SshCluster, ClusterPoller]]:
    server = LocalSshServer(HostileHandler(), NODES)
    await server.start()
    files = server.write_client_files(tmp_path / "ssh")
    settings = settings_for(files, max_output_bytes=CAP, keepalive_interval=1.0)
    poll = PollSettings(interval=1.0, retry_interval=1.0, command_timeout=2.0,
                        first_snapshot_wait=5.0, push=False)
    try:
        async with SshCluster(NODES, settings) as cluster:
            poller = ClusterPoller(cluster, NODES, poll)
            try:
                yield cluster, poller
            finally:
                await poller.close()
    finally:
        await server.stop()


def assert_inert(text: str) -> None:
    assert not [char for char in RAW if char in text], text


def screen_texts(app: ConsoleApp) -> Iterator[str]:
    """Every piece of text on screen: static lines, table cells, pane titles."""
    for widget in app.screen.query("*"):
        if isinstance(widget, Static):
            yield str(widget.content)
        if isinstance(widget, DataTable):
            for index in range(widget.row_count):
                yield from (str(cell) for cell in widget.get_row_at(index))
        for title in (widget.border_title, widget.border_subtitle):
            if title:
                yield str(title)


def everything_failed_as_planned(snapshot: LiveSnapshot) -> bool:
    gone = snapshot.unreachable
    return snapshot.cluster is not None and {"node-b", "node-c", "node-d"} <= set(gone)


async def test_text_and_json_show_a_hostile_cluster_inert(
        hostile_cluster: tuple[SshCluster, ClusterPoller]) -> None:
    _, poller = hostile_cluster
    snapshot = await asyncio.wait_for(_first(poller, everything_failed_as_planned), 30)
    reasons = snapshot.unreachable
    assert "more than 1 MiB" in reasons["node-b"]
    assert "did not finish" in reasons["node-c"]
    assert ANYWHERE in reasons["node-d"]  # the server's own words, kept for the operator
    text = render_live(snapshot, color=False, now=snapshot.fetched_at)
    assert_inert(text)
    assert "OSIPS[/][b]x\\u202eevil\\u2066\\x9b2J" in text
    assert "clear with: hacon clear 'VIP[/][b]x\\u202eevil\\u2066\\x9b2J')" in text
    assert text.count("\\x1b]2;pwned\\x07\\x1b[31mRED[/]\\u202e") == 2  # stderr, goodbye
    out = io.StringIO()
    with redirect_stdout(out):
        write_json(live_status_document(snapshot))
    assert_inert(out.getvalue())
    document = assert_conforms(json.loads(out.getvalue()))
    assert f"OSIPS{IN_XML}" in document["resources"]
    assert "more than 1 MiB" in json.dumps(document["live"])


async def test_the_console_stays_up_and_shows_a_hostile_cluster_inert(
        hostile_cluster: tuple[SshCluster, ClusterPoller]) -> None:
    cluster, poller = hostile_cluster
    app = ConsoleApp(poller, runner=cluster, source_label=f"cluster demo{IN_XML}",
                     theme="console-dark", clock=FixedClock(), remember_theme=False)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await until(pilot, lambda: app.main_screen is not None
                    and app.main_screen.snapshot is not None
                    and everything_failed_as_planned(app.main_screen.snapshot))
        await pilot.pause()
        shown = "\n".join(screen_texts(app))
        assert_inert(shown)
        assert "OSIPS[/][b]x\\u202eevil" in shown and "RED[/]" in shown, shown
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"clean")
        await pilot.pause(0.3)
        await pilot.press("escape")
        await pilot.press("r")
        await pilot.pause(0.5)
        assert app.is_running
        assert_inert("\n".join(screen_texts(app)))


async def _first(poller: ClusterPoller, wanted: object) -> LiveSnapshot:
    async for snapshot in poller.snapshots():
        if wanted(snapshot):  # type: ignore[operator]
            return snapshot
    raise AssertionError("the poller stopped")
