"""The console itself on the real lab: what an operator sees when the cluster changes under it.

The app is the real ConsoleApp, fed by the real poller over asyncssh to the lab's sshd, exactly
as `hacon --nodes node-a,node-b` builds it; only the terminal is Textual's headless one.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from console.transport.poller import ClusterPoller, PollSettings
from console.transport.probes import ServiceProbe
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings
from console.ui.app import ConsoleApp
from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.vip_banner import VipBanner
from tests.support import waiting

from .harness import Lab

pytestmark = pytest.mark.lab

SETTINGS = PollSettings(retry_interval=0.5, service=ServiceProbe("process", "fake-opensips"))
until = functools.partial(waiting.until, step=0.05)
"""The lab's pace, 50 ms a step: the nodes answer over SSH, polling faster only costs CPU.
(A cursor event queued while the console closes is handled by the console itself:
MainScreen.refresh_ages returns once the panes are gone.)"""


@asynccontextmanager
async def console_on(lab: Lab) -> AsyncIterator[tuple[ConsoleApp, Pilot[None]]]:
    ssh = SshSettings(config_files=(os.fspath(lab.files.ssh_config),), use_agent=False,
                      backoff_initial=0.2, backoff_max=1.0)
    async with (SshCluster(lab.nodes, ssh) as cluster,
                ClusterPoller(cluster, lab.nodes, SETTINGS) as poller):
        app = ConsoleApp(poller, runner=cluster, source_label="lab", theme="console-dark",
                         remember_theme=False)
        async with app.run_test(size=(120, 36)) as pilot:
            yield app, pilot


def banner_text(app: ConsoleApp) -> str:
    if app.main_screen is None:
        return ""
    banner = app.main_screen.query_one(VipBanner)
    return "\n".join(str(line.content) for line in banner.query_children(Static))


def other_node(lab: Lab, node: str) -> str:
    return next(name for name in lab.nodes if name != node)


async def test_a_standby_made_behind_the_consoles_back_moves_the_vip_on_screen(
        healthy_lab: Lab, lab_figures: Callable[[str, float], None]) -> None:
    holder = healthy_lab.vip()[0]
    peer = other_node(healthy_lab, holder)
    async with console_on(healthy_lab) as (app, pilot):
        await until(pilot, lambda: f"ClusterIP on {holder} · kernel: bound on {holder}"
                    in banner_text(app))
        started = asyncio.get_running_loop().time()
        await asyncio.to_thread(healthy_lab.set_standby, holder, True)
        await until(pilot, lambda: f"ClusterIP on {peer} · kernel: bound on {peer}"
                    in banner_text(app))
        lab_figures("console: standby behind its back, VIP moved on screen",
                    asyncio.get_running_loop().time() - started)
        assert "SPLIT BRAIN" not in banner_text(app)


async def test_standby_through_the_keys_is_confirmed_applied_and_verified_on_the_lab(
        healthy_lab: Lab) -> None:
    holder = healthy_lab.vip()[0]
    peer = other_node(healthy_lab, holder)
    async with console_on(healthy_lab) as (app, pilot):
        await until(pilot, lambda: f"ClusterIP on {holder}" in banner_text(app))
        nodes = app.main_screen.query_one(NodesPane)  # type: ignore[union-attr]
        nodes.focus()
        nodes.move_cursor(row=sorted(healthy_lab.nodes).index(holder))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
        assert healthy_lab.vip() == [holder], "nothing may change before the answer"
        await pilot.press("y")
        await until(pilot, lambda: f"ClusterIP on {peer} · kernel: bound on {peer}"
                    in banner_text(app))
    assert healthy_lab.vip() == [peer]
    assert holder in healthy_lab.view(peer).standby
