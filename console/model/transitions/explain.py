"""A cluster's transition history explained: each saved input with its cause and its actions.

Inputs from every node are put in time order (the DC moves, and each DC numbers its own series).
A transition's cause comes from comparing its input with the input before it; its actions from
the input after it (which records the results) or, where given, from a crm_simulate replay of
the same input, which wins.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from console.model.transitions.actions import Action, Replay, observed_actions
from console.model.transitions.causes import Category, Cause, find_causes
from console.model.transitions.facts import InputFacts, InputRef
from console.model.transitions.logs import NO_LOGS, FencingResult, LogFindings

FENCE_WINDOW_S = 600
"""A fencing result logged this long after an input still belongs to its transition."""


@dataclass(frozen=True, slots=True)
class Transition:
    """One scheduler run, explained."""

    ref: InputRef
    executed_at: int | None
    causes: tuple[Cause, ...]
    actions: tuple[Action, ...]
    actions_from: str
    """`next input`, `crm_simulate`, or `none` (the newest input, not replayed)."""
    before: Mapping[str, tuple[str, ...]]
    """Resource -> the nodes it ran on when the scheduler read this input."""
    after: Mapping[str, tuple[str, ...]] | None
    """Resource -> the nodes it runs on once the actions are done (None when unknown)."""
    vips: Mapping[str, str] = field(default_factory=dict)
    number: int | None = None
    """The transition number from the DC's log, when the log was read."""
    result: str | None = None
    """`Complete`, `Stopped`, `Terminated` from the DC's log; None when unknown."""
    kept: tuple[str, ...] = ()
    """Why resources stayed where they were when a node came back (stickiness, scores)."""
    scores: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def category(self) -> Category:
        """The headline cause's category."""
        return self.causes[0].category if self.causes else Category.UNKNOWN

    @property
    def computed_by(self) -> str:
        """The node whose scheduler computed it (the node the input was saved on)."""
        return self.ref.node

    @property
    def quiet(self) -> bool:
        """Nothing changed and nothing was done: a recheck or a result, not an incident."""
        return not self.actions and self.category is Category.UNKNOWN

    def touches(self, *, resource: str | None = None, node: str | None = None) -> bool:
        """Whether a cause or an action names this resource / node (filters)."""
        if resource is not None and not (
                any(cause.resource == resource or resource in cause.text for cause in self.causes)
                or any(action.resource == resource for action in self.actions)):
            return False
        return node is None or (
            any(cause.node == node or node in cause.text for cause in self.causes)
            or any(node in (action.node, action.source) for action in self.actions))


def order_inputs(inputs: Iterable[InputFacts]) -> list[InputFacts]:
    """Time order across nodes; inputs without a time by node and number."""
    return sorted(inputs, key=lambda facts: (facts.executed_at or 0, facts.ref.node,
                                             facts.ref.number))


def explain_history(inputs: Iterable[InputFacts], logs: LogFindings = NO_LOGS,
                    replays: Mapping[str, Replay] | None = None) -> tuple[Transition, ...]:
    """Every input explained, oldest first.

    Args:
        inputs: the facts of each saved input, from any number of nodes, in any order.
        logs: transitions and fencing results found in the nodes' logs.
        replays: crm_simulate replays keyed by `InputRef.key`, where some were run.
    """
    ordered = order_inputs(inputs)
    replays = replays or {}
    explained = []
    settled: InputFacts | None = None
    for index, facts in enumerate(ordered):
        after = ordered[index + 1] if index + 1 < len(ordered) else None
        explained.append(explain_one(settled, facts, after, logs, replays.get(facts.ref.key)))
        if not _superseded(facts, logs):
            settled = facts
    return tuple(explained)


def _superseded(facts: InputFacts, logs: LogFindings) -> bool:
    """A transition the DC logged as calculated but never finished: a newer input replaced it
    before it ran, so its changes are still news to the next transition."""
    logged = logs.transitions.get((facts.ref.node, facts.ref.name))
    return logged is not None and logged.result is None


def explain_one(before: InputFacts | None, facts: InputFacts, after: InputFacts | None,
                logs: LogFindings = NO_LOGS, replay: Replay | None = None) -> Transition:
    """One input explained against its neighbours."""
    logged = logs.transitions.get((facts.ref.node, facts.ref.name))
    if replay is not None:
        actions, source = replay.actions, "crm_simulate"
    elif logged is not None and logged.did_nothing:
        actions, source = (), "DC log"
    elif after is not None:
        actions, source = observed_actions(facts, after), "next input"
    else:
        actions, source = (), "none"
    causes = _refine(find_causes(before, facts), actions, facts, logs)
    placed_after = None if source == "none" else apply_actions(_placement(facts), actions)
    return Transition(
        ref=facts.ref, executed_at=facts.executed_at, causes=causes, actions=actions,
        actions_from=source, before=_placement(facts),
        after=placed_after, vips=dict(facts.vips),
        number=logged.number if logged else None, result=logged.result if logged else None,
        kept=_kept(causes, facts, actions, replay),
        scores=replay.scores if replay is not None else {})


def apply_actions(placement: Mapping[str, tuple[str, ...]],
                  actions: tuple[Action, ...]) -> dict[str, tuple[str, ...]]:
    """Where resources run once these actions are done (restarts and fencing move nothing)."""
    nodes = {rid: set(where) for rid, where in placement.items()}
    for action in actions:
        if action.resource is None or action.node is None:
            continue
        held = nodes.setdefault(action.resource, set())
        if action.kind == "stop":
            held.discard(action.node)
        elif action.kind in ("start", "move"):
            held.discard(action.source or "")
            held.add(action.node)
    return {rid: tuple(sorted(where)) for rid, where in nodes.items()}


def _placement(facts: InputFacts) -> dict[str, tuple[str, ...]]:
    return {rid: resource.active_on for rid, resource in facts.resources.items()}


def _refine(causes: tuple[Cause, ...], actions: tuple[Action, ...], facts: InputFacts,
            logs: LogFindings) -> tuple[Cause, ...]:
    refined = []
    for cause in causes:
        if cause.category is Category.FAILURE and _restarted_in_place(cause, actions):
            cause = replace(cause, category=Category.RECOVERY,
                            text=f"{cause.text}; recovered in place")
        elif cause.category is Category.NODE_LOST and facts.stonith_enabled:
            result = _fence_result(cause.node, facts, logs.fencing)
            cause = replace(cause, text=f"{cause.text}; {_fence_text(result)}", fencing=result)
        refined.append(cause)
    return tuple(refined)


def _restarted_in_place(cause: Cause, actions: tuple[Action, ...]) -> bool:
    if cause.threshold_reached:
        return False
    return any(action.kind == "restart" and action.resource == cause.resource
               and action.node == cause.node for action in actions)


def _fence_text(result: FencingResult | None) -> str:
    if result is None:
        return "fencing result: not in the logs read"
    return f"fencing result: {result.action} by {result.executioner}: {result.result} " \
           f"({result.logged_at})"


def _fence_result(node: str | None, facts: InputFacts,
                  fencing: tuple[FencingResult, ...]) -> FencingResult | None:
    candidates = [result for result in fencing if result.target == node]
    if facts.executed_at is None:
        return candidates[-1] if candidates else None
    year = time.gmtime(facts.executed_at).tm_year
    for result in candidates:
        logged = log_stamp_epoch(result.logged_at, year)
        if logged is not None and 0 <= logged - facts.executed_at <= FENCE_WINDOW_S:
            return result
    return None


def log_stamp_epoch(stamp: str, year: int) -> int | None:
    """`Dec 06 09:07:07.857` read as UTC in `year` (Pacemaker's log has no year)."""
    try:
        parsed = time.strptime(f"{year} {stamp.split('.')[0]}", "%Y %b %d %H:%M:%S")
    except ValueError:
        return None
    return calendar.timegm(parsed)


def _kept(causes: tuple[Cause, ...], facts: InputFacts, actions: tuple[Action, ...],
          replay: Replay | None) -> tuple[str, ...]:
    """When a node came back, which resources stayed away from it, and what held them."""
    returned = {cause.node for cause in causes
                if cause.category is Category.ONLINE and cause.node is not None}
    if not returned:
        return ()
    moved = {action.resource for action in actions}
    notes = []
    for rid, resource in facts.resources.items():
        if rid in moved or not resource.active_on or set(resource.active_on) & returned:
            continue
        stickiness = stickiness_of(facts, rid)
        note = f"{rid} stayed on {', '.join(resource.active_on)}" + (
            f" (resource-stickiness {stickiness})" if stickiness is not None else "")
        if replay is not None and rid in replay.scores:
            note += "; scores " + ", ".join(f"{node} {score}"
                                            for node, score in replay.scores[rid].items())
        notes.append(note)
    return tuple(notes)


def stickiness_of(facts: InputFacts, rid: str) -> str | None:
    """The resource's stickiness: its own meta attribute, else the resource default."""
    return facts.settings.get(f"resource {rid} meta: resource-stickiness",
                              facts.settings.get("rsc_defaults: resource-stickiness"))
