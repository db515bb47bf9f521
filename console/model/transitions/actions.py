"""What a transition did: starts, stops, moves, restarts, promotions and fencing.

Two readings of the same thing. `observed_actions` compares where resources ran in the input a
transition was computed from with the next input (which records the transition's results);
`replay_actions` reads what `crm_simulate -x FILE -S --output-as=xml` says the scheduler
decided for that input (Pacemaker 2.1.5, api-version 2.25: `<actions>` with `rsc_action` and
`node_action`, `<allocations>` with `node_weight` when run with `-s`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from console.model.errors import MalformedXmlError
from console.model.transitions.facts import InputFacts, ResourceFacts
from console.model.xmlsafe import parse_xml

ACTION_KINDS = ("fence", "stop", "start", "move", "restart", "promote", "demote")
"""Every kind an Action can have, in the order a transition's actions are listed."""


@dataclass(frozen=True, slots=True)
class Action:
    """One thing a transition did to a resource or a node."""

    kind: str
    resource: str | None = None
    node: str | None = None
    """Where it happened; for a move, the destination."""
    source: str | None = None
    """For a move, where the resource was."""

    @property
    def text(self) -> str:
        """`move ClusterIP node-a -> node-b`, `fence node-b`, `restart OSIPS on node-a`."""
        if self.kind == "fence":
            return f"fence {self.node}"
        if self.kind == "move":
            return f"move {self.resource} {self.source} -> {self.node}"
        return f"{self.kind} {self.resource} on {self.node}"


def sort_actions(actions: list[Action]) -> tuple[Action, ...]:
    """Fencing first, then by kind and resource: the same list reads the same everywhere."""
    order = {kind: index for index, kind in enumerate(ACTION_KINDS)}
    return tuple(sorted(set(actions), key=lambda action: (
        order.get(action.kind, 99), action.resource or "", action.node or "")))


def observed_actions(before: InputFacts, after: InputFacts) -> tuple[Action, ...]:
    """What changed between an input and the next one, as actions of the first's transition."""
    actions = [Action("fence", node=name) for name in _fenced(before, after)]
    for rid, was in before.resources.items():
        now = after.resources.get(rid)
        if now is not None:
            actions += _resource_actions(rid, was, now)
    # A node that is gone in the next input took its resources with it: those stops are the
    # next transition's cause, not this transition's doing.
    gone = {name for name, node in after.nodes.items() if not node.online}
    return sort_actions([action for action in actions
                         if not (action.kind == "stop" and action.node in gone)])


def _fenced(before: InputFacts, after: InputFacts) -> list[str]:
    if not before.stonith_enabled:
        return []
    return [name for name, node in before.nodes.items()
            if node.unclean and name in after.nodes and not after.nodes[name].unclean]


def _resource_actions(rid: str, was: ResourceFacts, now: ResourceFacts) -> list[Action]:
    old, new = set(was.active_on), set(now.active_on)
    actions: list[Action] = []
    if len(old) == 1 and len(new) == 1 and old != new:
        actions.append(Action("move", rid, next(iter(new)), next(iter(old))))
    else:
        actions += [Action("stop", rid, node) for node in sorted(old - new)]
        actions += [Action("start", rid, node) for node in sorted(new - old)]
    actions += [Action("restart", rid, node) for node in sorted(old & new)
                if now.starts.get(node, -1) > was.starts.get(node, -1)]
    actions += [Action("promote", rid, node)
                for node in sorted(set(now.promoted_on) - set(was.promoted_on))]
    actions += [Action("demote", rid, node)
                for node in sorted(set(was.promoted_on) - set(now.promoted_on)) if node in new]
    return actions


@dataclass(frozen=True, slots=True)
class Replay:
    """What crm_simulate says about one input."""

    actions: tuple[Action, ...]
    scores: Mapping[str, Mapping[str, str]]
    """Resource -> node -> allocation score, as crm_simulate printed it (`-INFINITY` too)."""


_REPLAY_KINDS = {"recover": "restart", "restart": "restart", "reload": "restart",
                 "start": "start", "stop": "stop", "move": "move", "migrate": "move",
                 "promote": "promote", "demote": "demote"}


def replay_actions(output: bytes) -> Replay:
    """Parse `crm_simulate -S [-s] --output-as=xml` output.

    Raises:
        MalformedXmlError: not crm_simulate's XML output.
    """
    root = parse_xml(output)
    if root.tag != "pacemaker-result":
        raise MalformedXmlError(f"not crm_simulate output: the root is <{root.tag}>")
    actions = [_replay_action(element) for element in root.iterfind("actions/*")]
    return Replay(sort_actions([action for action in actions if action is not None]),
                  _scores(root))


def _replay_action(element: etree._Element) -> Action | None:
    if element.tag == "node_action":
        task = element.get("task") or ""
        return Action("fence", node=element.get("node")) if task.startswith("Fence") else None
    if element.tag != "rsc_action":
        return None
    kind = _REPLAY_KINDS.get(element.get("action") or "")
    if kind is None:
        return None
    resource = element.get("resource")
    source, dest = element.get("source"), element.get("dest")
    if kind == "move" or (source and dest and source != dest):
        # A failed resource recovered elsewhere: `action="recover" source= dest=` is a move.
        return Action("move", resource, dest, source)
    node = element.get("node") or element.get("dest") or element.get("source")
    return Action(kind, resource, node)


def _scores(root: etree._Element) -> dict[str, dict[str, str]]:
    scores: dict[str, dict[str, str]] = {}
    for weight in root.iterfind("allocations/node_weight"):
        if (weight.get("function") or "").endswith("primitive_assign"):
            scores.setdefault(weight.get("id") or "?", {})[weight.get("node") or "?"] = (
                weight.get("score") or "0")
    return scores
