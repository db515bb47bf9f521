"""Transitions seconds apart belong to one incident: a standby, a failover, a recovery."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from console.model.transitions.causes import CATEGORY_ORDER, Category
from console.model.transitions.explain import Transition

INCIDENT_GAP_S = 10
"""Transitions closer than this in time are one incident."""


@dataclass(frozen=True, slots=True)
class Incident:
    """A run of transitions close in time, headlined by their most decisive cause."""

    transitions: tuple[Transition, ...]

    @property
    def started_at(self) -> int | None:
        """When its first transition was computed."""
        return self.transitions[0].executed_at

    @property
    def category(self) -> Category:
        """The most decisive category among its transitions."""
        return min((t.category for t in self.transitions), key=CATEGORY_ORDER.__getitem__)

    @property
    def headline(self) -> str:
        """The text of the most decisive cause."""
        causes = [cause for t in self.transitions for cause in t.causes]
        best = min(causes, key=lambda cause: CATEGORY_ORDER[cause.category])
        return best.text

    @property
    def action_texts(self) -> tuple[str, ...]:
        """Every action of every transition, in order, without repeats."""
        seen: dict[str, None] = {}
        for transition in self.transitions:
            for action in transition.actions:
                seen.setdefault(action.text)
        return tuple(seen)

    @property
    def key(self) -> str:
        """The first transition's input key: stable while the incident grows."""
        return self.transitions[0].ref.key


def group_incidents(transitions: Iterable[Transition], gap_s: int = INCIDENT_GAP_S,
                    include_quiet: bool = False) -> tuple[Incident, ...]:
    """Incidents, oldest first; quiet transitions (nothing changed, nothing done) left out."""
    groups: list[list[Transition]] = []
    last_time: int | None = None
    for transition in transitions:
        if transition.quiet and not include_quiet:
            continue
        at = transition.executed_at
        if groups and at is not None and last_time is not None and at - last_time <= gap_s:
            groups[-1].append(transition)
        else:
            groups.append([transition])
        last_time = at if at is not None else last_time
    return tuple(Incident(tuple(group)) for group in groups)
