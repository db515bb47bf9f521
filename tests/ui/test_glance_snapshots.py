"""The four demo states an operator meets most (healthy, flapping, a leftover cli-ban, split
brain) at the three terminal sizes of everyday use: no refusal, advisory, footer key or column
header may be cut. Review a change with the HTML report, and read the SVG's text."""

from __future__ import annotations

import pytest

from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.ui.actions_fixtures import demo_cluster
from tests.ui.test_glance import critical_failcount
from tests.ui.test_ui_snapshots import leftover_ban, shown, split_brain

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "160x48": (160, 48)}
STATES = {
    "healthy": b.live,
    "flapping": critical_failcount,
    "cli-ban": leftover_ban,
    "split-brain": split_brain,
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("state", list(STATES))
def test_demo_state_at_size(snap_compare, make_app: AppFactory,  # type: ignore[no-untyped-def]
                            state: str, size: str) -> None:
    _, runner = demo_cluster()  # actions offered: the footer and rows show hacon's keys
    app = make_app(STATES[state](), runner=runner)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=shown())
