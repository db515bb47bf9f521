"""The toolkit's keys on the real lab: ban, clear, disable, enable, restart, refresh, online and
clear-expired pressed in the console as an operator presses them, each previewed (nothing changes
before `y`), applied, verified by Pacemaker's own tools and the kernel, and journaled; and a
moved constraint's lifetime counting down on screen until it reads EXPIRED.

Disable and restart of the VIP's own service are an outage the console never forces (only the
command line does, typed out): their keys are greyed with that sentence. The keys that do run them
are exercised on `Spare`, a Dummy resource outside the VIP's family that the test adds and removes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from console.ui.action_requests import resource_disable_request, resource_restart_request
from console.ui.app import ConsoleApp
from console.ui.screens.confirm_action import ConfirmActionScreen
from console.ui.screens.typed_confirm import TypedConfirmScreen
from console.ui.widgets.constraints_pane import ConstraintsPane
from console.ui.widgets.keyed_table import KeyedTable
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.resources_pane import ResourcesPane

from .fixtures import FigureRecorder
from .harness import Lab
from .operations import LabError
from .test_actions_standby import config_version, hacon, journal
from .test_actions_toolkit import crm_mon, location, peer_of
from .test_console_lab import banner_text, console_on, until

pytestmark = pytest.mark.lab

SPARE = "Spare"
SPARE_PRIMITIVE = (
    f'<primitive id="{SPARE}" class="ocf" provider="heartbeat" type="Dummy"><operations>'
    f'<op id="{SPARE}-monitor-interval-10s" name="monitor" interval="10s" timeout="20s"/>'
    "</operations></primitive>")
"""Dummy keeps its state under the node's private /run: one instance per node, as a service."""


def role_of(lab: Lab, resource: str) -> tuple[str | None, str | None]:
    """(role, node) of `resource` as crm_mon reports it on the first node."""
    found = crm_mon(lab, lab.nodes[0]).find(f"resources/resource[@id='{resource}']")
    if found is None:
        return None, None
    node = found.find("node")
    return found.get("role"), node.get("name") if node is not None else None


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise LabError(f"not reached in {timeout:.0f} s: {what}")
        time.sleep(0.3)


def add_spare(lab: Lab) -> None:
    lab.exec(lab.nodes[0], ["cibadmin", "--create", "--scope", "resources", "--xml-text",
                            SPARE_PRIMITIVE], check=True)
    wait_for(lambda: role_of(lab, SPARE)[0] == "Started", f"{SPARE} started")


def remove_spare(lab: Lab) -> None:
    """Stop it first, then delete it (a deleted running primitive would be an orphan)."""
    via = lab.nodes[0]
    lab.exec(via, ["crm_resource", "--resource", SPARE, "--meta", "--set-parameter",
                   "target-role", "--parameter-value", "Stopped"])
    wait_for(lambda: role_of(lab, SPARE)[0] in (None, "Stopped"), f"{SPARE} stopped")
    lab.exec(via, ["cibadmin", "--delete", "--scope", "resources", "--xml-text",
                   f'<primitive id="{SPARE}"/>'], check=True)
    lab.exec(via, ["crm_resource", "--cleanup", "--resource", SPARE])
    lab.restore()


def row_text(pane: KeyedTable, key: str) -> str:
    if key not in pane.shown_keys:
        return ""
    return " ".join(str(cell) for cell in pane.get_row(key))


async def press_until_confirm(app: ConsoleApp, pilot: Pilot[None], key: str) -> float:
    """Press `key` and wait for the confirmation (the previewed plan); the seconds it took."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen))
    return loop.time() - started


async def answer_yes(app: ConsoleApp, pilot: Pilot[None]) -> None:
    await pilot.press("y")
    await until(pilot, lambda: not isinstance(app.screen, ConfirmActionScreen)
                and not app.action_running, seconds=60)


async def select(app: ConsoleApp, pilot: Pilot[None], pane: KeyedTable, key: str) -> None:
    await until(pilot, lambda: key in pane.shown_keys)
    pane.focus()
    pane.move_cursor(row=pane.shown_keys.index(key))
    await until(pilot, lambda: pane.cursor_key == key)


def outcomes() -> list[tuple[object, object]]:
    return [(entry["action"], entry["outcome"]) for entry in journal()]


# --- ban, clear, disable, enable, restart, refresh, online ----------------------------------------


async def test_the_resource_and_node_keys_preview_apply_verify_and_journal_on_the_lab(
        healthy_lab: Lab, lab_figures: FigureRecorder) -> None:
    lab = healthy_lab
    holder = lab.vip()[0]
    peer = peer_of(lab, holder)
    try:
        add_spare(lab)
        async with console_on(lab) as (app, pilot):
            await until(pilot, lambda: f"ClusterIP on {holder}" in banner_text(app))
            screen = app.main_screen
            assert screen is not None
            resources = screen.query_one(ResourcesPane)
            await _ban_and_clear(lab, app, pilot, resources, lab_figures)
            await _outage_keys_are_greyed(lab, app, pilot, resources)
            await _disable_enable_restart_refresh(lab, app, pilot, resources, lab_figures)
            await _online(lab, app, pilot, screen.query_one(NodesPane), holder, lab_figures)
        assert lab.vip() == [peer]
        assert outcomes() == [("ban", "done"), ("clear", "done"), ("disable", "done"),
                              ("enable", "done"), ("restart", "done"), ("refresh", "done"),
                              ("online", "done")]
    finally:
        remove_spare(lab)


async def _ban_and_clear(lab: Lab, app: ConsoleApp, pilot: Pilot[None],
                         resources: ResourcesPane, lab_figures: FigureRecorder) -> None:
    holder = lab.vip()[0]
    peer = peer_of(lab, holder)
    ban_id = f"cli-ban-ClusterIP-on-{holder}"
    await select(app, pilot, resources, "ClusterIP")
    lab_figures("key b → ban preview on screen", await press_until_confirm(app, pilot, "b"))
    assert lab.vip() == [holder] and location(lab, holder, ban_id) is None, (
        "nothing may change before the answer")
    await answer_yes(app, pilot)
    await until(pilot, lambda: f"ClusterIP on {peer} · kernel: bound on {peer}"
                in banner_text(app), seconds=30)
    assert lab.vip() == [peer]
    ban = location(lab, peer, ban_id)
    assert ban is not None and ban.get("score") == "-INFINITY"

    constraints = app.main_screen.query_one(ConstraintsPane)  # type: ignore[union-attr]
    await select(app, pilot, constraints, ban_id)
    lab_figures("key x → clear preview on screen", await press_until_confirm(app, pilot, "x"))
    assert location(lab, peer, ban_id) is not None, "nothing may change before the answer"
    await answer_yes(app, pilot)
    assert location(lab, peer, ban_id) is None
    await until(pilot, lambda: ban_id not in constraints.shown_keys)
    assert lab.vip() == [peer]  # clearing a ban moves nothing back: stickiness keeps it


async def _outage_keys_are_greyed(lab: Lab, app: ConsoleApp, pilot: Pilot[None],
                                  resources: ResourcesPane) -> None:
    """D and R on the VIP's service: greyed with the outage sentence; pressing them sends
    nothing and the CIB keeps its version."""
    await select(app, pilot, resources, "OSIPS")
    snapshot = app.shown_snapshot()
    for request in (resource_disable_request(snapshot, "OSIPS"),
                    resource_restart_request("OSIPS")):
        reason = app.blocked_reason(request, snapshot) or ""
        assert "an outage" in reason and "--force" in reason, reason
    before = config_version(lab, lab.nodes[0])
    for key in ("D", "R"):
        await pilot.press(key)
        await pilot.pause(0.5)
        assert not isinstance(app.screen, ConfirmActionScreen) and not app.action_running
    assert config_version(lab, lab.nodes[0]) == before
    assert role_of(lab, "OSIPS")[0] == "Started"


async def _disable_enable_restart_refresh(lab: Lab, app: ConsoleApp, pilot: Pilot[None],
                                          resources: ResourcesPane,
                                          lab_figures: FigureRecorder) -> None:
    await select(app, pilot, resources, SPARE)
    lab_figures("key D → disable preview on screen", await press_until_confirm(app, pilot, "D"))
    assert role_of(lab, SPARE)[0] == "Started", "nothing may change before the answer"
    await answer_yes(app, pilot)
    assert role_of(lab, SPARE)[0] == "Stopped"
    assert b'name="target-role" value="Stopped"' in lab.cib(lab.nodes[0]).encode()

    await until(pilot, lambda: app.blocked_reason(
        resource_disable_request(app.shown_snapshot(), SPARE), app.shown_snapshot()) is None
        and "Stopped" in row_text(resources, SPARE))
    lab_figures("key D → enable preview on screen", await press_until_confirm(app, pilot, "D"))
    assert role_of(lab, SPARE)[0] == "Stopped", "nothing may change before the answer"
    await answer_yes(app, pilot)
    role, spare_node = role_of(lab, SPARE)  # a stopped resource has no stickiness: any node
    assert role == "Started" and spare_node in lab.nodes
    assert b'name="target-role"' not in lab.cib(lab.nodes[0]).encode()

    await until(pilot, lambda: "Started" in row_text(resources, SPARE)
                and spare_node in row_text(resources, SPARE))
    lab_figures("key R → restart preview on screen", await press_until_confirm(app, pilot, "R"))
    await answer_yes(app, pilot)
    assert role_of(lab, SPARE) == ("Started", spare_node)  # back on the same node
    assert b'name="target-role"' not in lab.cib(lab.nodes[0]).encode()

    lab_figures("key p → refresh preview on screen", await press_until_confirm(app, pilot, "p"))
    await answer_yes(app, pilot)
    assert role_of(lab, SPARE) == ("Started", spare_node)


async def _online(lab: Lab, app: ConsoleApp, pilot: Pilot[None], nodes: NodesPane,
                  holder: str, lab_figures: FigureRecorder) -> None:
    """The former holder (the VIP is on its peer now) is put in standby behind the console's
    back; `o` brings it online again."""
    await asyncio.to_thread(lab.set_standby, holder, True)
    await until(pilot, lambda: "standby" in row_text(nodes, holder).lower(), seconds=30)
    await select(app, pilot, nodes, holder)
    lab_figures("key o → online preview on screen", await press_until_confirm(app, pilot, "o"))
    assert holder in lab.view(holder).standby, "nothing may change before the answer"
    await answer_yes(app, pilot)
    assert holder not in lab.view(holder).standby and holder in lab.view(holder).online


# --- a moved constraint's lifetime on screen ------------------------------------------------------


async def test_a_moved_constraints_lifetime_counts_down_on_screen_expires_and_X_clears_it(
        healthy_lab: Lab, lab_figures: FigureRecorder) -> None:
    lab = healthy_lab
    holder = lab.vip()[0]
    peer = peer_of(lab, holder)
    moved = hacon(lab, "move", "ClusterIP", peer, "--lifetime", "25s", "--yes")
    assert moved.returncode == 0, moved.stderr
    constraint_id = "cli-prefer-ClusterIP"
    async with console_on(lab) as (app, pilot):
        constraints = app.main_screen.query_one(ConstraintsPane)  # type: ignore[union-attr]
        await until(pilot, lambda: " left" in row_text(constraints, constraint_id))
        counting = row_text(constraints, constraint_id)
        assert "LEFTOVER cli-prefer" in counting and "EXPIRED" not in counting, counting
        await until(pilot, lambda: "EXPIRED" in row_text(constraints, constraint_id),
                    seconds=40)
        assert " ago" in row_text(constraints, constraint_id)
        assert location(lab, peer, constraint_id) is not None, "expired is not removed"

        constraints.focus()
        lab_figures("key X → clear-expired preview on screen",
                    await press_until_confirm(app, pilot, "X"))
        assert location(lab, peer, constraint_id) is not None, (
            "nothing may change before the answer")
        await answer_yes(app, pilot)
        await until(pilot, lambda: constraint_id not in constraints.shown_keys)
    assert location(lab, peer, constraint_id) is None
    assert outcomes() == [("move", "done"), ("clear --expired", "done")]


# --- fence, from the command palette, the node's name typed out ---------------------------------


async def test_fence_from_the_palette_asks_for_the_name_typed_and_is_verified_by_the_history(
        healthy_lab_fenced: Lab, lab_figures: FigureRecorder) -> None:
    lab = healthy_lab_fenced
    assert lab.fencer is not None
    holder = lab.vip()[0]
    victim = peer_of(lab, holder)
    answered = len(lab.fencer.done)
    try:
        async with console_on(lab) as (app, pilot):
            await until(pilot, lambda: f"ClusterIP on {holder}" in banner_text(app))
            await _fence_from_palette(app, pilot, victim, typed=victim.upper())
            assert len(lab.fencer.done) == answered, "a mistyped name fences nothing"
            assert lab.state.nodes[victim].init_pid is not None
            preview_s = await _fence_from_palette(app, pilot, victim, typed=victim)
            lab_figures("palette fence → typed confirmation on screen", preview_s)
            await until(pilot, lambda: not app.action_running, seconds=90)
        assert [(asked["target"], asked["answer"]) for asked in lab.fencer.done[answered:]] == [
            (victim, "ok")]
        assert lab.state.nodes[victim].init_pid is None  # the lab's switch powered it off
        history = lab.exec(holder, ["stonith_admin", "--history", victim, "--output-as=xml"],
                           check=True).stdout
        assert f'target="{victim}"' in history and 'status="success"' in history
        assert lab.vip() == [holder]
        assert outcomes() == [("fence", "cancelled"), ("fence", "done")]
    finally:
        if lab.state.nodes[victim].init_pid is None:
            lab.start(victim)
        lab.wait(90)


async def _fence_from_palette(app: ConsoleApp, pilot: Pilot[None], node: str, *,
                              typed: str) -> float:
    """Pick "Fence (reboot) NODE" in ctrl+p, type `typed` into the confirmation and press
    Enter; the seconds from the entry to the typed confirmation on screen."""
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*f"Fence (reboot) {node}")
    await until(pilot, lambda: any(f"Fence (reboot) {node}" in str(option.prompt)
                                   for option in app.screen.query_one(CommandList).options))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
    preview_s = loop.time() - started
    assert f"Type {node} and press Enter" in str(app.screen.query_one("#typed-ask").render())
    await pilot.press(*typed, "enter")
    await until(pilot, lambda: not isinstance(app.screen, TypedConfirmScreen))
    if typed != node:
        await until(pilot, lambda: not app.action_running)
    return preview_s
