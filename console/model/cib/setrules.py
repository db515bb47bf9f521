"""Rules that guard attribute sets (cluster properties, node attributes, meta defaults).

A `<rule>` inside a `cluster_property_set`, `instance_attributes` or `meta_attributes` decides
whether the set applies. Dates are compared with the moment of derivation; resource and
operation expressions only match where Pacemaker passes that context (rsc_defaults,
op_defaults); node attribute expressions see the node's attributes where there is a node.
Parsing and attribute/date evaluation come from the constraints room
(console.model.constraints.parse and .rules).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from console.model.cluster import Rule, RuleExpression
from console.model.constraints.parse import parse_rule
from console.model.constraints.resource_refs import ReferenceIndex
from console.model.constraints.rules import RuleContext, expression_passes


@dataclass(frozen=True)
class RuleScope:
    """What a set's rule can be evaluated against."""

    node_attrs: Mapping[str, str] | None = None
    rsc_agent: tuple[str | None, str | None, str | None] | None = None
    """(class, provider, type) for rsc_expression."""
    op: tuple[str, int] | None = None
    """(name, interval ms) for op_expression."""


class SetRules:
    """Evaluates set rules for one CIB at one moment (references resolved lazily)."""

    def __init__(self, root: etree._Element, now: float) -> None:
        self._root = root
        self._now = datetime.fromtimestamp(now, UTC)
        self._refs: ReferenceIndex | None = None

    def checker(self, scope: RuleScope) -> Callable[[etree._Element], bool]:
        return lambda rule_xml: self.holds(rule_xml, scope)

    def holds(self, rule_xml: etree._Element, scope: RuleScope) -> bool:
        if self._refs is None:
            self._refs = ReferenceIndex(self._root)
        rule = parse_rule(self._refs.resolve(rule_xml), self._refs)
        return self._rule(rule, scope)

    def _rule(self, rule: Rule, scope: RuleScope) -> bool:
        results = [self._expression(expression, scope) for expression in rule.expressions]
        if (rule.boolean_op or "and").lower() == "or":
            return any(results)
        return all(results)

    def _expression(self, expression: RuleExpression, scope: RuleScope) -> bool:
        spec = expression.attributes
        if expression.type == "rule" and expression.rule is not None:
            return self._rule(expression.rule, scope)
        if expression.type == "resource":
            if scope.rsc_agent is None:
                return False
            wanted = (spec.get("class"), spec.get("provider"), spec.get("type"))
            return all(want is None or want == have
                       for want, have in zip(wanted, scope.rsc_agent, strict=True))
        if expression.type == "operation":
            if scope.op is None:
                return False
            from console.model.cib.resources_config import interval_ms

            name_ok = spec.get("name") in (None, scope.op[0])
            interval = spec.get("interval")
            return name_ok and (interval is None or interval_ms(interval) == scope.op[1])
        if expression.type == "attribute" and scope.node_attrs is None:
            return expression_passes(expression, {}, RuleContext(now=self._now))
        return expression_passes(expression, scope.node_attrs or {}, RuleContext(now=self._now))
