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
from textual.widget import Widget

from console.actions.fixes import FIX_KINDS
from console.actions.plans import ActionKind
from console.ui.action_requests import ActionRequest, palette_requests
from console.ui.actions_flow import ActionsApp, shown_snapshot
from console.ui.inert import highlighted, inert
from console.ui.widgets.constraints_pane import ConstraintsPane
from console.ui.widgets.nodes_pane import NodesPane
from console.ui.widgets.problems_pane import ProblemsPane
from console.ui.widgets.resources_pane import ResourcesPane

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
        found = self.screen.query(_pane_action(request)[0])
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


PANE_ACTIONS: dict[ActionKind, tuple[type[Widget], str]] = {
    ActionKind.STANDBY: (NodesPane, "standby_node({node!r})"),
    ActionKind.ONLINE: (NodesPane, "online_node({node!r})"),
    ActionKind.FAILBACK: (NodesPane, "failback_vip()"),
    ActionKind.CLEANUP: (ProblemsPane, "cleanup_failure({resource!r}, {node!r})"),
    ActionKind.CLEAR: (ConstraintsPane, "clear_constraint({resource!r})"),
    ActionKind.CLEAR_EXPIRED: (ConstraintsPane, "clear_expired()"),
    ActionKind.MOVE: (ResourcesPane, "move_resource({resource!r}, {node!r})"),
    ActionKind.BAN: (ResourcesPane, "ban_resource({resource!r}, {node!r})"),
    ActionKind.DISABLE: (ResourcesPane, "disable_resource({resource!r})"),
    ActionKind.ENABLE: (ResourcesPane, "disable_resource({resource!r})"),
    ActionKind.REFRESH: (ResourcesPane, "refresh_resource({resource!r})"),
    ActionKind.RESTART: (ResourcesPane, "restart_resource({resource!r})"),
    ActionKind.FENCE: (NodesPane, "fence_node({node!r})"),
    **{kind: (ProblemsPane, f"fix_advisory({code!r})") for code, kind in FIX_KINDS.items()},
}
"""Which pane runs each action's key, and that key's action with the target as parameters."""


def _maintenance_action(request: ActionRequest) -> tuple[type[Widget], str]:
    """Maintenance goes to the pane of its scope; its key toggles, so the state decides."""
    if request.resource is not None:
        return ResourcesPane, f"maintenance_resource({request.resource!r})"
    if request.node is not None:
        return NodesPane, f"maintenance_node({request.node!r})"
    return NodesPane, "maintenance_cluster()"


def _pane_action(request: ActionRequest) -> tuple[type[Widget], str]:
    if request.kind in (ActionKind.MAINTENANCE_ON, ActionKind.MAINTENANCE_OFF):
        return _maintenance_action(request)
    pane, text = PANE_ACTIONS[request.kind]
    return pane, text.format(node=request.node, resource=request.resource)
"""Which pane runs each action's key, and that key's action with the target as parameters."""


def _action_text(request: ActionRequest) -> str:
    """The pane action with its target as parameters ("standby_node('node-b')")."""
    return _pane_action(request)[1]
