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
from console.model.cluster import ClusterSnapshot


@dataclass(frozen=True, slots=True)
class GuardedRequest:
    """One guarded action as the operator asked for it (a key, a palette entry, a command)."""

    kind: ActionKind
    node: str | None = None
    resource: str | None = None
    when: str | None = None
    """The time the action writes into the CIB, fixed when asked (ISO 8601, UTC): a move/ban's
    lifetime end, maintenance's start, or "now" for clearing expired constraints."""
    force: bool = False
    """The operator accepts an outage (disable of the VIP or its service), typed out."""
    value: str | None = None
    """The value a configuration edit writes (`hacon config`): already checked as input."""

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


def unknown_target(request: GuardedRequest, cluster: ClusterSnapshot) -> str | None:
    """Why the request names something this cluster does not have (bad input), or None."""
    if request.node is not None and request.node not in cluster.nodes:
        return f"{request.node} is not a node of this cluster ({', '.join(sorted(cluster.nodes))})"
    if request.resource is not None and request.resource not in cluster.resources:
        return f"{request.resource} is not a resource of this cluster"
    return None
