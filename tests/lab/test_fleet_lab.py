"""`hacon check` and the notify hook on the real lab (Pacemaker, corosync, sshd, IPaddr2).

The check runs as monitoring runs it: a process per check, the lab's OpenSSH config, exit
status and plugin output read back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path

import pytest

from console.config import NotifyConfig
from console.notify import Notifier, ObservedSource
from console.transport.fleet import FleetWatch
from console.transport.poller import ClusterPoller, PollSettings
from console.transport.probes import ServiceProbe
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings
from console.ui.fleet_app import ClusterScreen, FleetApp, FleetMember
from console.ui.screens.fleet import FleetScreen
from tests.hacon_process import hacon

from .fixtures import FigureRecorder
from .harness import Lab

pytestmark = pytest.mark.lab


def check(lab: Lab) -> tuple[int, str, float]:
    """(exit status, plugin output, seconds) of one `hacon check` on the lab."""
    started = time.monotonic()
    result = hacon("check", "--nodes", ",".join(lab.nodes), "--ssh-config",
                   os.fspath(lab.files.ssh_config), "--service-process", "fake-opensips",
                   "--timeout", "8", timeout=30)
    return result.returncode, result.stdout, time.monotonic() - started


def check_until(lab: Lab, wanted: int, words: str = "",
                limit: float = 60) -> tuple[int, str, float]:
    """Check again until the exit status is `wanted` and the summary line says `words` (the
    cluster passes through other states while it settles)."""
    deadline = time.monotonic() + limit
    while True:
        code, output, seconds = check(lab)
        if (code == wanted and words in output.partition("\n")[0]) or (
                time.monotonic() > deadline):
            return code, output, seconds
        time.sleep(1.0)


def test_check_says_ok_warning_critical_unknown_as_the_lab_goes_from_bad_to_worse(
        healthy_lab: Lab, lab_figures: FigureRecorder) -> None:
    holder = healthy_lab.vip()[0]
    (other,) = [node for node in healthy_lab.nodes if node != holder]
    code, output, seconds = check(healthy_lab)
    assert code == 0, output
    assert output.startswith(f"HACON OK - {','.join(healthy_lab.nodes)}: consistent, 2/2 nodes "
                             f"online, ClusterIP on {holder} | nodes_online=2"), output
    lab_figures("hacon check, healthy 2-node lab (process start to exit)", seconds)

    healthy_lab.set_standby(holder, True)  # left in standby after the work is done
    healthy_lab.wait_for_vip([other])
    code, output, _ = check_until(healthy_lab, 1, "standby")
    assert code == 1, output
    assert f"nodes away ({holder} standby) 1 > 0" in output.splitlines()[0]

    healthy_lab.set_standby(holder, False)
    healthy_lab.partition("node-a")  # nft: each side its own quorate DC, the VIP on both
    code, output, _ = check_until(healthy_lab, 2, "split brain")
    assert code == 2, output
    assert "HACON CRITICAL" in output and "split brain" in output.splitlines()[0]

    for node in healthy_lab.nodes:
        healthy_lab.stop_sshd(node)
    code, output, _ = check(healthy_lab)
    assert code == 3, output
    assert output.startswith(f"HACON UNKNOWN - {','.join(healthy_lab.nodes)}: no node "
                             "reachable"), output




async def test_a_notify_command_receives_the_vip_move_of_a_standby(
        healthy_lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "events"
    script = f"import sys; open({str(out)!r}, 'a').write(sys.stdin.read())"
    notifier = Notifier(NotifyConfig((sys.executable, "-c", script), debounce=2.0))
    holder = healthy_lab.vip()[0]
    (other,) = [node for node in healthy_lab.nodes if node != holder]
    settings = SshSettings(config_files=(os.fspath(healthy_lab.files.ssh_config),),
                           use_agent=False)
    poll = PollSettings(interval=600.0, service=ServiceProbe("process", "fake-opensips"))
    async with (SshCluster(healthy_lab.nodes, settings) as cluster,
                ClusterPoller(cluster, healthy_lab.nodes, poll) as poller):
        seen: list[object] = []

        async def watch() -> None:  # what the console's worker does with its source
            async for snapshot in ObservedSource(poller, "lab", notifier).snapshots():
                seen.append(snapshot)

        watcher = asyncio.create_task(watch())
        async with asyncio.timeout(60):
            while not seen:  # the first look is the baseline
                await asyncio.sleep(0.05)
            await asyncio.to_thread(healthy_lab.set_standby, holder, True)
            while not out.exists():
                await asyncio.sleep(0.1)
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    await notifier.close()
    (event,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert event["cluster"] == "lab" and event["verdict"] is None
    assert event["vips"] == {"ClusterIP": {"from": [holder], "to": [other]}}


async def test_the_overview_shows_the_lab_and_opens_its_console(healthy_lab: Lab) -> None:
    settings = SshSettings(config_files=(os.fspath(healthy_lab.files.ssh_config),),
                           use_agent=False)
    poll = PollSettings(service=ServiceProbe("process", "fake-opensips"))
    holder = healthy_lab.vip()[0]
    async with SshCluster(healthy_lab.nodes, settings) as cluster:
        poller = ClusterPoller(cluster, healthy_lab.nodes, poll)
        fleet = FleetWatch({"lab": poller})
        app = FleetApp(fleet, {"lab": FleetMember(poller, cluster, "cluster lab")},
                       theme="console-dark", remember_theme=False)
        async with app.run_test(size=(130, 30)) as pilot:
            async with asyncio.timeout(30):
                while app.fleet_screen is None or not app.fleet_screen.rows or (
                        app.fleet_screen.rows[0].verdict == "connecting"):
                    await pilot.pause(0.05)
            (row,) = app.fleet_screen.rows
            assert (row.state.name, row.verdict, row.nodes_up, row.nodes_total) == (
                "OK", "consistent", 2, 2)
            assert [(vip.vip_id, vip.holders, vip.bound_on) for vip in row.vips] == [
                ("ClusterIP", (holder,), (holder,))]
            await pilot.press("enter")
            async with asyncio.timeout(10):
                while not isinstance(app.screen, ClusterScreen) or app.screen.snapshot is None:
                    await pilot.pause(0.05)
            await pilot.press("escape")
            await pilot.pause(0.2)
            assert isinstance(app.screen, FleetScreen)
        await fleet.close()
        await poller.close()
