"""GuardedActionCommands: the command palette's guarded actions, one entry per target.

"node: Standby node-b", "failure: Clean up OSIPS on node-a", ... Only the entries whose guard
allows them on the snapshot on screen are listed; each runs the pane's own action through
`App.run_action` (which asks `check_action` again), so the palette goes through the same guard,
preview and confirmation as the key. Nothing is listed in read-only mode or without a runner.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from console.actions.plans import ActionKind
from console.ui.action_requests import ActionRequest, palette_requests
from console.ui.actions_flow import ActionsApp, shown_snapshot
from console.ui.inert import highlighted, inert
from console.ui.widgets.constraints_pane import ConstraintsPane
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.problems_pane import ProblemsPane

HELP = "guarded: previewed, then asks for confirmation"


class GuardedActionCommands(Provider):
    """Palette entries for every guarded action the current snapshot allows."""

    def _entries(self) -> list[tuple[str, str, DOMNode]]:
        app = self.app
        if not isinstance(app, ActionsApp) or not app.actions_enabled:
            return []
        screen = self.screen
        snapshot = shown_snapshot(screen)
        entries = []
        for scope, label, request in palette_requests(snapshot):
            target = self._target(request)
            if target is None or app.blocked_reason(request, snapshot) is not None:
                continue
            entries.append((f"{scope}: {label}", _action_text(request), target))
        return entries

    def _target(self, request: ActionRequest) -> DOMNode | None:
        pane_type = {ActionKind.CLEANUP: ProblemsPane,
                     ActionKind.CLEAR: ConstraintsPane}.get(request.kind, NodesPane)
        found = self.screen.query(pane_type)
        return found.first() if found else None

    async def _run(self, action: str, target: DOMNode) -> None:
        await self.app.run_action(action, target)

    async def discover(self) -> Hits:
        for name, action, target in self._entries():
            yield DiscoveryHit(inert(name), partial(self._run, action, target), help=HELP)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, target in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlighted(matcher, name), partial(self._run, action, target),
                          help=HELP)


def _action_text(request: ActionRequest) -> str:
    """The pane action with its target as parameters ("standby_node('node-b')")."""
    if request.kind is ActionKind.STANDBY:
        return f"standby_node({request.node!r})"
    if request.kind is ActionKind.ONLINE:
        return f"online_node({request.node!r})"
    if request.kind is ActionKind.FAILBACK:
        return "failback_vip()"
    if request.kind is ActionKind.CLEANUP:
        return f"cleanup_failure({request.resource!r}, {request.node!r})"
    return f"clear_constraint({request.resource!r})"
