"""One guarded action on its target, as the operator asked for it.

The TUI's keys and command palette (`console.ui.action_requests.ActionRequest`, which adds what
the screen needs) and the CLI (`console.commands.actions_run`) ask the same `guard_reason`, read
from the action table (`console.actions.catalog`), so an action the key greys out is refused by
`hacon standby ...` with the same sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.actions import guards
from console.actions.catalog import spec_of
from console.actions.plans import ActionKind


@dataclass(frozen=True, slots=True)
class GuardedRequest:
    """One guarded action as the operator asked for it (a key, a palette entry, a command)."""

    kind: ActionKind
    node: str | None = None
    resource: str | None = None

    @property
    def verb(self) -> str:
        """"standby", "cleanup", ... (the status bar's and the journal's name)."""
        return spec_of(self.kind).verb

    @property
    def target(self) -> str | None:
        """The node or resource acted on (the audit journal's target)."""
        return spec_of(self.kind).target_of(self)

    def guard_reason(self, snapshot: guards.Snapshot, *, now: float | None) -> str | None:
        """The action's guard on `snapshot`: its sentence, or None when the action may go."""
        return spec_of(self.kind).guard(snapshot, self, now)
