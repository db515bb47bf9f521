"""The switchover runbook in the console: key S opens its screen; a saved flow is announced.

`SwitchoverApp` is the part of `ConsoleApp` that knows the runbook. The flow itself runs in
`console.actions.switchover` (the steps through the one action runner); this module hands it
the console's way of getting a fresh look at the cluster (`AppFeed`: ask the source for a
round, wait for the snapshot it brings) and opens `SwitchoverScreen`. When the console opens on
a cluster with a saved switchover, it says where that flow stopped. In read-only mode (or
without a command runner) the runbook is absent: no key, no palette entry, no notice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from console.actions import runbook_store
from console.actions.runbook import RunbookFileError, cluster_key, where_it_stopped
from console.actions.switchover import FlowContext, FlowEvents, fresh_enough
from console.model.live.snapshot import LiveSnapshot
from console.model.types import CibVersion
from console.ui.actions_flow import ActionsApp
from console.ui.screens.switchover import SwitchoverScreen
from console.ui.toasts import TOAST_LONG_S

FRESH_LIMIT_S = 30.0
"""How long a step waits for the source to bring a snapshot taken after it asked."""
FRESH_CHECK_S = 0.05


class AppFeed:
    """Fresh looks at the cluster through the console's own source (the flow's `SnapshotFeed`)."""

    def __init__(self, latest: Callable[[], LiveSnapshot | None], refresh: Callable[[], None],
                 clock: Callable[[], float]) -> None:
        self.latest, self.refresh, self.clock = latest, refresh, clock

    async def fresh(self, at_least: CibVersion | None = None) -> LiveSnapshot:
        """The first snapshot the source brings in which every node answered after this call
        (with `at_least` its CIB version); the newest one after `FRESH_LIMIT_S`."""
        asked = self.clock()
        self.refresh()
        deadline = time.monotonic() + FRESH_LIMIT_S
        while time.monotonic() < deadline:
            await asyncio.sleep(FRESH_CHECK_S)
            snapshot = self.latest()
            if snapshot is not None and fresh_enough(snapshot, asked, at_least):
                return snapshot
        newest = self.latest()
        if newest is None:
            raise TimeoutError("no snapshot of the cluster arrived")
        return newest


class SwitchoverApp(ActionsApp):
    """An ActionsApp with the switchover runbook (ConsoleApp's base)."""

    switchover_announced = False

    def latest_snapshot(self) -> LiveSnapshot | None:
        """The newest snapshot from the source (the console overrides it)."""
        return self.shown_snapshot()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The runbook is hidden when no action is offered (read-only, file mode)."""
        if action == "open_switchover":
            if not self.actions_enabled:
                return False
            if self.action_running and not isinstance(self.screen, SwitchoverScreen):
                return None  # one action at a time: the runbook's steps are actions too
        return super().check_action(action, parameters)

    def flow_context(self, cluster: str | None) -> FlowContext:
        """What the runbook needs from the console (its events are the screen's)."""
        assert self.runner is not None
        snapshot = self.latest_snapshot()
        nodes = tuple(snapshot.views) if snapshot is not None else ()
        feed = AppFeed(self.latest_snapshot, self.refresh_source, self.clock)
        return FlowContext(self.runner, feed,
                           FlowEvents(), cluster, nodes, clock=self.clock)

    def action_open_switchover(self) -> None:
        """Open the switchover runbook on the cluster on screen."""
        if (not self.actions_enabled or self.action_running
                or isinstance(self.screen, SwitchoverScreen)):
            return
        snapshot = self.latest_snapshot()
        if snapshot is None or snapshot.cluster is None:
            self.notify("no cluster data yet: the switchover needs the cluster's CIB",
                        title="switchover", severity="warning")
            return
        cluster = snapshot.cluster
        self.push_screen(SwitchoverScreen(cluster_key(cluster),
                                          self.flow_context(cluster.info.name),
                                          self.latest_snapshot))

    def screen_showed(self, snapshot: LiveSnapshot) -> None:
        """The first snapshot shown: say so when this cluster has a switchover saved."""
        super().screen_showed(snapshot)
        if self.switchover_announced or snapshot.cluster is None or not self.actions_enabled:
            return
        self.switchover_announced = True
        try:
            saved = runbook_store.load(cluster_key(snapshot.cluster))
        except RunbookFileError as error:
            self.notify(str(error), title="switchover", severity="error", timeout=TOAST_LONG_S)
            return
        if saved is not None:
            self.notify(f"{where_it_stopped(saved, self.clock())}. Press S to continue or "
                        "abandon it.", title="switchover saved", severity="warning",
                        timeout=TOAST_LONG_S)
