"""The worst moments on the real lab: every partition, doubt, fencing, the VIP as clients see it.

Each test runs the real console (ConsoleApp, poller, asyncssh to the lab's sshd, client probes
on) while the lab is hurt behind its back, and checks what the console shows, what the status
text says (`render_live`, what `hacon status` prints) and the JSON (`live_status_document`,
what `hacon status --json` prints) for the same snapshot. One scenario also runs `hacon status`
itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from console.commands.status_live import render_live
from console.model.live.snapshot import LiveSnapshot, Verdict
from console.model.live.export import live_status_document
from console.model.live.fencing import FenceEvent
from console.transport.client_poll import ClientProbeSettings
from console.transport.poller import ClusterPoller, PollSettings
from console.transport.probes import ServiceProbe
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings
from console.ui.app import ConsoleApp
from console.ui.widgets.partitions_panel import PartitionsPanel
from console.ui.widgets.vip_banner import VipBanner

from .fixtures import FigureRecorder
from .harness import Lab

pytestmark = pytest.mark.lab
REPO = Path(__file__).resolve().parents[2]

SETTINGS = PollSettings(retry_interval=0.5, service=ServiceProbe("process", "fake-opensips"),
                        clients=ClientProbeSettings(interval=2.0, from_host=True))


@asynccontextmanager
async def console_on(lab: Lab) -> AsyncIterator[tuple[ConsoleApp, Pilot[None]]]:
    ssh = SshSettings(config_files=(os.fspath(lab.files.ssh_config),), use_agent=False,
                      backoff_initial=0.2, backoff_max=1.0)
    async with (SshCluster(lab.nodes, ssh) as cluster,
                ClusterPoller(cluster, lab.nodes, SETTINGS) as poller):
        app = ConsoleApp(poller, runner=cluster, source_label="lab", theme="console-dark",
                         remember_theme=False)
        async with app.run_test(size=(160, 48)) as pilot:
            try:
                yield app, pilot
            finally:
                # No snapshot may land while the app tears its screens down (a row
                # highlighted then finds no screen): stop the feed first, let the queue drain.
                await poller.close()
                await pilot.pause(0.3)


def shown(app: ConsoleApp) -> LiveSnapshot | None:
    return app.main_screen.snapshot if app.main_screen is not None else None


def banner(app: ConsoleApp) -> str:
    widget = app.main_screen.query_one(VipBanner)  # type: ignore[union-attr]
    return "\n".join(str(line.content) for line in widget.query_children(Static))


def panel(app: ConsoleApp) -> list[str]:
    widget = app.main_screen.query_one(PartitionsPanel)  # type: ignore[union-attr]
    return [str(column.content) for column in widget.query_children(Static)] if (
        widget.display) else []


def table(app: ConsoleApp, pane_id: str) -> str:
    pane = app.main_screen.query_one(f"#{pane_id}", DataTable)  # type: ignore[union-attr]
    return "\n".join(" ".join(str(cell) for cell in pane.get_row(key)) for key in pane.rows)


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "the console never showed it"
        await pilot.pause(0.1)


def text_and_json(snapshot: LiveSnapshot) -> tuple[str, dict[str, Any]]:
    document = json.loads(json.dumps(live_status_document(snapshot)))
    return render_live(snapshot, color=False), document


def hacon_status(lab: Lab, *extra: str) -> subprocess.CompletedProcess[str]:
    return hacon(lab, "status", *extra)


def hacon(lab: Lab, verb: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "console", verb, "--nodes", ",".join(lab.nodes),
               "--ssh-config", os.fspath(lab.files.ssh_config), *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                          cwd=REPO)


def fencers_say(lab: Lab) -> str:
    """What the lab's power switch did, and every powered node's full fencer history."""
    said = [f"switch: {lab.fencer.done if lab.fencer else None}"]
    for node in lab.powered():
        history = lab.exec(node, ["stonith_admin", "--history", "*", "--verbose"])
        said.append(f"{node}: {history.stdout.strip()} {history.stderr.strip()}")
    return "; ".join(said)


def other(lab: Lab, node: str) -> str:
    return next(name for name in lab.nodes if name != node)


def sides(snapshot: LiveSnapshot | None) -> dict[tuple[str, ...], Any]:
    return {side.members: side for side in snapshot.partition_views} if snapshot else {}


async def test_a_cut_standby_dc_runs_nothing_and_nobody_says_runs_nowhere(
        healthy_lab: Lab) -> None:
    lab = healthy_lab
    dc = lab.view(lab.nodes[0]).dc
    assert dc is not None
    peer = other(lab, dc)
    lab.set_standby(dc, True)
    lab.wait_for_vip([peer])
    async with console_on(lab) as (app, pilot):
        await until(pilot, lambda: f"ClusterIP on {peer}" in banner(app))
        await asyncio.to_thread(lab.partition, dc)

        def split_seen() -> bool:
            found = sides(shown(app))
            return ((dc,) in found and (peer,) in found and not found[(dc,)].running
                    and "ClusterIP" in found[(peer,)].running)

        await until(pilot, split_seen)
        snapshot = shown(app)
        assert snapshot is not None
        columns = panel(app)
        assert len(columns) == 2 and any("runs NOTHING" in column for column in columns)
        assert f"ClusterIP on {peer}" in banner(app) and "NO NODE" not in banner(app)
        assert "runs nowhere" not in table(app, "problems-pane")
    text, document = text_and_json(snapshot)
    assert f"{{{dc}}}  DC {dc}  quorate  runs NOTHING" in text and "NOT RUNNING" not in text
    views = {tuple(side["members"]): side for side in document["live"]["partition_views"]}
    assert views[(peer,)]["vip_holders"] == {"ClusterIP": [peer]}
    assert views[(dc,)]["running"] == {} and document["live"]["verdict"] == "partitioned"
    status = hacon_status(lab, "--json")  # the one-shot CLI, as an operator types it
    assert status.returncode == 0, status.stderr
    live = json.loads(status.stdout)["live"]
    assert len(live["partition_views"]) == 2 and live["verdict"] == "partitioned"


async def test_a_cut_holder_is_uncertain_then_resolved_when_it_comes_back(
        healthy_lab: Lab, lab_figures: FigureRecorder) -> None:
    lab = healthy_lab
    holder = lab.vip()[0]
    peer = other(lab, holder)
    async with console_on(lab) as (app, pilot):
        await until(pilot, lambda: f"ClusterIP on {holder} · kernel: bound on {holder}"
                    in banner(app))
        loop = asyncio.get_running_loop()
        cut_at = loop.time()
        await asyncio.to_thread(lab.partition, holder, True)
        await until(pilot, lambda: holder in shown(app).unreachable)  # type: ignore[union-attr]
        lab_figures("cable pull: holder shown unreachable", loop.time() - cut_at)
        await until(pilot, lambda: shown(app).verdict is Verdict.UNCERTAIN)  # type: ignore[union-attr]
        uncertain = shown(app)
        assert uncertain is not None
        assert f"DOUBT: {holder} unreachable since" in banner(app)
        assert "split brain cannot be ruled out" in banner(app)
        assert f"MAY ALSO BE ON {holder} (unreachable)" in banner(app)
        text, document = text_and_json(uncertain)
        assert text.startswith(f"DOUBT: {holder} unreachable since")
        assert "Live: uncertain" in text
        assert document["live"]["vip_may_be_on"] == {"ClusterIP": [holder]}
        assert document["live"]["last_seen"][holder]["vips_held"] == ["ClusterIP"]
        await asyncio.to_thread(lab.heal, holder)
        healed_at = loop.time()
        await until(pilot, lambda: not shown(app).vip_may_be_on  # type: ignore[union-attr]
                    and shown(app).verdict is Verdict.CONSISTENT, 90.0)  # type: ignore[union-attr]
        lab_figures("cable back: doubt resolved, consistent again", loop.time() - healed_at)
        assert "DOUBT" not in banner(app)
    assert peer in lab.nodes


async def test_the_three_node_minority_is_its_own_side_without_quorum(
        healthy_lab3: Lab) -> None:
    lab = healthy_lab3
    holder = lab.vip()[0]
    majority = tuple(sorted(node for node in lab.nodes if node != holder))
    async with console_on(lab) as (app, pilot):
        await until(pilot, lambda: f"ClusterIP on {holder}" in banner(app))
        await asyncio.to_thread(lab.partition, holder)

        def settled() -> bool:  # the minority stopped the VIP and the majority started it
            snapshot = shown(app)
            found = sides(snapshot)
            return ((holder,) in found and majority in found and not snapshot.split_brain
                    and not found[(holder,)].running and "ClusterIP" in found[majority].running
                    and snapshot.vip_truth["ClusterIP"].bound_on == found[majority].vip_holders[
                        "ClusterIP"])

        await until(pilot, settled)
        snapshot = shown(app)
        assert snapshot is not None
        assert any("NO QUORUM" in column and "runs NOTHING" in column for column in panel(app))
        assert "runs nowhere" not in table(app, "problems-pane")
    text, document = text_and_json(snapshot)
    assert f"{{{holder}}}  DC {holder}  NO QUORUM  runs NOTHING" in text
    assert document["live"]["verdict"] == "partitioned" and not document["live"]["split_brain"]
    minority = next(side for side in document["live"]["partition_views"]
                    if side["members"] == [holder])
    assert minority["quorate"] is False and minority["running"] == {}


async def test_a_two_node_fence_race_shows_the_history_and_fenced_by(
        healthy_lab_fenced: Lab, lab_figures: FigureRecorder) -> None:
    lab = healthy_lab_fenced
    async with console_on(lab) as (app, pilot):
        await until(pilot, lambda: "ClusterIP on" in banner(app))
        loop = asyncio.get_running_loop()
        # The session's fencing lab keeps the fencers' history of earlier tests (hacon fence,
        # the history lab's power loss): only a fencing completed after this cut is this
        # race's (the fencer stamps whole seconds). Those older successes are also what hid
        # this race's from a history read without --verbose (stonith_admin then prints its
        # oldest success alone).
        cut_wall, cut_at = time.time() - 1.0, loop.time()
        await asyncio.to_thread(lab.partition, "node-b")

        def this_race(snapshot: LiveSnapshot) -> list[FenceEvent]:
            return [event for event in snapshot.fencing.history
                    if event.fenced and (event.completed_at or 0.0) >= cut_wall]

        def fenced() -> bool:
            snapshot = shown(app)
            return snapshot is not None and bool(this_race(snapshot))

        try:
            await until(pilot, fenced, 60.0)
        except AssertionError:
            raise AssertionError(f"no fencing reached hacon: {fencers_say(lab)}") from None
        lab_figures("fence race: fencing in hacon's history", loop.time() - cut_at)
        snapshot = shown(app)
        assert snapshot is not None
        event = this_race(snapshot)[0]
        victim, survivor = event.target, event.delegate or event.origin
        assert victim in lab.nodes and survivor in lab.nodes and victim != survivor
        await until(pilot, lambda: f"fenced by {survivor} at" in table(app, "nodes-pane"))
        assert f"{victim} fenced by {survivor}" in table(app, "events-pane")
    text, document = text_and_json(snapshot)
    assert f"reboot of {victim} by {survivor}: success at" in text
    assert f"fenced by {survivor} at" in text
    assert document["fencing"]["enabled"] is True
    assert document["fencing"]["devices"][0]["id"] == "fence-lab"
    assert any(entry["target"] == victim and entry["status"] == "success"
               for entry in document["fencing"]["history"])


async def test_arp_hears_two_macs_in_a_split_brain(healthy_lab: Lab) -> None:
    lab = healthy_lab
    async with console_on(lab) as (app, pilot):
        await until(pilot, lambda: "ClusterIP on" in banner(app))
        await asyncio.to_thread(lab.partition, "node-b")

        def two_macs() -> bool:
            snapshot = shown(app)
            view = snapshot.client_view.get("ClusterIP") if snapshot else None
            return view is not None and len(view.macs) >= 2

        await until(pilot, two_macs, 60.0)
        snapshot = shown(app)
        assert snapshot is not None and snapshot.split_brain
        assert "SPLIT BRAIN" in banner(app)
    text, document = text_and_json(snapshot)
    client = document["live"]["client_view"]["ClusterIP"]
    assert client["arp_nodes"] == ["node-a", "node-b"]
    assert "ClusterIP ARP: 2 MACs answer (node-a, node-b): SPLIT BRAIN on the LAN" in text


async def test_sip_answers_from_the_new_holder_after_a_guarded_standby(
        healthy_lab: Lab, lab_figures: FigureRecorder) -> None:
    lab = healthy_lab
    holder = lab.vip()[0]
    peer = other(lab, holder)
    async with console_on(lab) as (app, pilot):
        await until(pilot, lambda: f"ClusterIP on {holder}" in banner(app))
        # the operator's guarded failover, from another terminal while the console watches
        standby = await asyncio.to_thread(hacon, lab, "standby", holder, "--yes")
        assert standby.returncode == 0, standby.stderr
        reached = re.search(rf"clients reached {peer} after (\d+\.\d) s", standby.stdout)
        assert reached is not None, standby.stdout
        # ARP and SIP answered from the new holder, from the commit on: not before its VIP
        # could move, and within the verification's own time
        assert 0.0 < float(reached[1]) < 60.0
        lab_figures("hacon standby: clients reached the new holder (ARP + SIP)",
                    float(reached[1]))

        def answered_by_peer() -> bool:
            snapshot = shown(app)
            view = snapshot.client_view.get("ClusterIP") if snapshot else None
            return view is not None and all(
                answer.answered and answer.server == f"fake-opensips ({peer})"
                for answer in view.service.values()) and len(view.service) == 3

        await until(pilot, answered_by_peer, 60.0)
        snapshot = shown(app)
        assert snapshot is not None
    text, document = text_and_json(snapshot)
    service = document["live"]["client_view"]["ClusterIP"]["service"]
    assert set(service) == {"node-a", "node-b", "host"}
    assert all(answer["status"] == "SIP/2.0 200 OK" for answer in service.values())
    assert f"ClusterIP SIP from host: SIP/2.0 200 OK, fake-opensips ({peer})" in text
    status = hacon_status(lab, "--probe-clients")
    assert status.returncode == 0, status.stderr
    assert f"ClusterIP SIP from {holder}: SIP/2.0 200 OK, fake-opensips ({peer})" in status.stdout
