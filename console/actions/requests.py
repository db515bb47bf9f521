"""One guarded action on its target, and the one place that maps an action to its guard.

The TUI's keys and command palette (`console.ui.action_requests.ActionRequest`, which adds what
the screen needs) and the CLI (`console.commands.actions_run`) ask the same `guard_reason`, so an
action the key greys out is refused by `hacon standby ...` with the same sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.actions import guards
from console.actions.plans import ActionKind


@dataclass(frozen=True, slots=True)
class GuardedRequest:
    """One guarded action as the operator asked for it (a key, a palette entry, a command)."""

    kind: ActionKind
    node: str | None = None
    resource: str | None = None

    @property
    def target(self) -> str | None:
        """The node or resource acted on (the audit journal's target)."""
        if self.kind in (ActionKind.STANDBY, ActionKind.ONLINE):
            return self.node
        return self.resource or self.node

    def guard_reason(self, snapshot: guards.Snapshot, *, now: float | None) -> str | None:
        """The action's guard on `snapshot`: its sentence, or None when the action may go."""
        if self.kind is ActionKind.STANDBY:
            return guards.standby_blocked_reason(snapshot, self.node or "", now=now)
        if self.kind is ActionKind.ONLINE:
            return guards.online_blocked_reason(snapshot, self.node or "", now=now)
        if self.kind is ActionKind.CLEANUP:
            return guards.cleanup_blocked_reason(snapshot, self.resource or "", self.node,
                                                 now=now)
        if self.kind is ActionKind.CLEAR:
            return guards.clear_blocked_reason(snapshot, self.resource, now=now)
        return guards.failback_blocked_reason(snapshot, now=now)
