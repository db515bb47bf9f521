"""Bans: the location-constraint entries crm_mon lists as "Negative Location Constraints".

crm_mon lists, for every location constraint Pacemaker unpacked (newest first: Pacemaker
prepends each one to its list), every node entry whose score is negative. A constraint becomes one
entry per resource it names (each member of each resource set, each top-level resource an
``rsc-pattern`` matches) and, when it has rules, one entry per rule that matched at least one node.
A rule's node list holds, for ``and`` rules, the matching nodes with the rule's score (in reverse
node order), and for ``or`` rules the matching nodes with the node's own weight plus the score.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from console.model.cluster import Ban, Constraints, LocationConstraint, Rule
from console.model.constraints.parse import normalise_role
from console.model.constraints.rule_nodes import NodeLiveness, RuleNode, rule_nodes
from console.model.constraints.rules import (
    RuleContext,
    add_scores,
    char_to_score,
    expand_back_references,
    rule_passes,
)
from console.model.constraints.targets import ConstraintTargets, constraint_targets
from console.model.types import INFINITY

_Scorer = Callable[[RuleNode], int]
_KNOWN_ROLES = frozenset({"Stopped", "Started", "Unpromoted", "Promoted"})


@dataclass(frozen=True, slots=True)
class Placement:
    """One unpacked location entry: a resource and the scores it gives some nodes."""

    id: str
    resource: str
    promoted_only: bool
    node_scores: tuple[tuple[str, int], ...]


def bans_from_cib(
    cib_root: etree._Element,
    constraints: Constraints,
    liveness: Mapping[str, NodeLiveness],
    now: datetime | None = None,
) -> tuple[Ban, ...]:
    """crm_mon's <bans> for a CIB, given which nodes are online / shutting down.

    Args:
        cib_root: the whole CIB (configuration and status).
        constraints: `parse_constraints(cib_root)`.
        liveness: node name -> an object with ``online`` and ``shutdown`` (a `Node` will do).
        now: the moment date expressions are evaluated at (default: the current time).
    """
    if not constraints.location:
        return ()
    moment = now or datetime.now(UTC)
    nodes = rule_nodes(cib_root, liveness, moment)
    return derive_bans(constraints, nodes, constraint_targets(cib_root), moment)


def derive_bans(
    constraints: Constraints,
    nodes: Sequence[RuleNode],
    targets: ConstraintTargets,
    now: datetime,
) -> tuple[Ban, ...]:
    """Every negative node score of every location entry, in crm_mon's order."""
    unpacker = _LocationUnpacker(nodes, targets, now)
    placements = [p for location in constraints.location for p in unpacker.unpack(location)]
    placements.reverse()
    return tuple(
        Ban(id=p.id, resource=p.resource, node=node, score=score, promoted_only=p.promoted_only)
        for p in placements
        for node, score in p.node_scores
        if score < 0
    )


class _LocationUnpacker:
    """Turns one location constraint into the Placements Pacemaker would create from it."""

    def __init__(self, nodes: Sequence[RuleNode], targets: ConstraintTargets, now: datetime):
        self._nodes = nodes
        self._targets = targets
        self._now = now

    def unpack(self, location: LocationConstraint) -> Iterator[Placement]:
        if location.sets:
            yield from self._from_sets(location)
            return
        if location.resource is not None:
            resource = self._targets.find(location.resource)
            if resource is not None:
                yield from self._for_resource(location, resource, None, None, None)
        if location.resource_pattern is not None:
            yield from self._from_pattern(location, location.resource_pattern)

    def _from_sets(self, location: LocationConstraint) -> Iterator[Placement]:
        for resource_set in location.sets or ():
            for member in resource_set.resources:
                resource = self._targets.find(member)
                if resource is None:
                    # Pacemaker stops unpacking the constraint at the first unknown member.
                    return
                yield from self._for_resource(
                    location, resource, resource_set.role, resource_set.score, None
                )

    def _from_pattern(self, location: LocationConstraint, pattern: str) -> Iterator[Placement]:
        inverted = pattern.startswith("!")
        try:
            regex = re.compile(pattern[1:] if inverted else pattern)
        except re.error:
            return
        for resource in self._targets.top_level:
            match = regex.search(resource)
            if match is not None and not inverted:
                yield from self._for_resource(location, resource, None, None, match)
            elif match is None and inverted:
                yield from self._for_resource(location, resource, None, None, None)

    def _for_resource(
        self,
        location: LocationConstraint,
        resource: str,
        role: str | None,
        score: str | None,
        match: re.Match[str] | None,
    ) -> Iterator[Placement]:
        score = score if score is not None else location.score
        if location.node is not None and score is not None:
            node = self._node_named(location.node)
            if node is not None:
                promoted = (role or location.role) == "Promoted"
                yield Placement(
                    location.id, resource, promoted, ((node.name, char_to_score(score)),)
                )
            return
        context = RuleContext(
            now=self._now,
            pattern_match=match,
            params=self._targets.params(resource),
            meta=self._targets.meta(resource),
        )
        for rule in location.rules or ():
            placement = self._for_rule(location, resource, rule, context)
            if placement is not None:
                yield placement

    def _node_named(self, name: str) -> RuleNode | None:
        folded = name.lower()
        return next((node for node in self._nodes if node.name.lower() == folded), None)

    def _for_rule(
        self, location: LocationConstraint, resource: str, rule: Rule, context: RuleContext
    ) -> Placement | None:
        role = normalise_role(rule.role)
        if rule.id is None or (role is not None and role not in _KNOWN_ROLES):
            return None
        score_of = self._rule_scorer(rule, context)
        matching = [node for node in self._nodes if rule_passes(rule, node.attributes, context)]
        if (rule.boolean_op or "and").lower() == "or":
            scores = [(n.name, add_scores(n.base_score, score_of(n))) for n in matching]
        else:
            scores = [(n.name, score_of(n)) for n in reversed(matching)]
        if not scores:
            return None
        # The entry carries the rule's id, not the constraint's: that is what crm_mon prints.
        return Placement(rule.id, resource, role == "Promoted", tuple(scores))

    @staticmethod
    def _rule_scorer(rule: Rule, context: RuleContext) -> _Scorer:
        if rule.score is not None:
            fixed = char_to_score(rule.score)
            return lambda node: fixed
        if rule.score_attribute is None:
            return lambda node: 0
        name = rule.score_attribute
        if context.pattern_match is not None:
            name = expand_back_references(name, context.pattern_match)
        return lambda node: _attribute_score(node, name)


def _attribute_score(node: RuleNode, name: str) -> int:
    value = node.attributes.get(name)
    return -INFINITY if value is None else char_to_score(value)
