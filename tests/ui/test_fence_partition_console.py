"""The typed confirmation of a fence through a partition shows what is in doubt, in words."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App
from textual.widgets import Static

from console.actions import fence
from console.ui.screens.typed_confirm import TypedConfirmScreen

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "actions"))
from cib_edits import lab_cib  # noqa: E402 - the lab's captured CIBs
from test_fence import fenced  # noqa: E402 - the fenced lab CIB of the fence tests


async def test_the_fence_of_the_other_side_says_it_ends_the_split_and_may_lose_the_race() -> None:
    plan = fence.plan_fence(fenced(lab_cib("split-brain", "node-a")), "node-b", run_on="node-a")

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(TypedConfirmScreen(plan))

    async with Host().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = [str(line.render()) for line in pilot.app.screen.query(Static)]
    assert "• node-b is not seen by node-a's side: if it still runs, fencing it ends the " \
           "split; the other side may fence node-a first" in shown
    assert "Type node-b and press Enter to go ahead; escape changes nothing." in shown
