"""Fence in the console: a palette entry per node, confirmed only by typing the node's name."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

from textual.app import App

from console.actions import fence
from console.actions.plans import ActionKind
from console.model import parse_cib
from console.ui.action_requests import palette_requests
from console.ui.screens.typed_confirm import TypedConfirmScreen

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "actions"))
from test_fence import fenced  # noqa: E402 - the fenced lab CIB of the fence tests


def test_the_palette_lists_a_fence_of_each_node() -> None:
    snapshot = SimpleNamespace(cluster=parse_cib(fenced()))
    entries = {label: request for scope, label, request in palette_requests(snapshot)  # type: ignore[arg-type]
               if scope == "node"}
    request = entries["Fence (reboot) node-b"]
    assert request.kind is ActionKind.FENCE and request.node == "node-b"


async def _answer(typed: str, key: str = "enter") -> bool | None:
    plan = fence.plan_fence(fenced(), "node-b", run_on="node-a")
    answers: list[bool | None] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(TypedConfirmScreen(plan), answers.append)

    async with Host().run_test() as pilot:
        await pilot.pause()
        assert "Type node-b and press Enter" in str(pilot.app.screen.query_one("#typed-ask")
                                                    .render())
        await pilot.press(*typed, key)
        await pilot.pause()
    return answers[0] if answers else None


async def test_only_the_node_name_typed_out_confirms_a_fence() -> None:
    assert await _answer("node-b") is True
    assert await _answer("node-a") is False
    assert await _answer("") is False
    assert await _answer("node-b", "escape") is False
