"""Parse configuration/constraints into the frozen `Constraints` of cluster.py.

The result is the configuration as Pacemaker understands it, normalised for people and scripts:

* legacy roles ``Master``/``Slave`` become ``Promoted``/``Unpromoted``;
* ``id-ref`` references (rules, resource sets) are followed;
* tags and templates are resolved the way Pacemaker resolves them: a ``resource_ref`` naming a
  tag in a set is replaced by the tagged resources, and a location ``rsc`` naming a tag becomes a
  resource set of the tagged resources (``sequential=false``, the constraint's role moved into it);
* order constraints get Pacemaker's defaults (actions ``start``, kind from the score, symmetrical
  unless ``Serialize``).

Origin of a location constraint, by id prefix: ``cli-prefer-`` is a leftover of
``crm_resource --move``/``pcs resource move``; ``cli-ban-`` of ``crm_resource --ban``. Pacemaker
1.0/1.1's crm_resource wrote bans as ``cli-standby-``; those are bans too (origin ``cli-ban``),
but note that ``crm_resource --clear`` of 2.1 no longer removes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from lxml import etree

from console.model.cluster import (
    ColocationConstraint,
    Constraints,
    LocationConstraint,
    OrderConstraint,
    ResourceSet,
    Rule,
    RuleExpression,
    TicketConstraint,
)
from console.model.constraints.resource_refs import ReferenceIndex
from console.model.types import is_true, score_to_int

_ROLE_NAMES = {
    "stopped": "Stopped",
    "started": "Started",
    "unpromoted": "Unpromoted",
    "slave": "Unpromoted",
    "promoted": "Promoted",
    "master": "Promoted",
    "unknown": "Unknown",
}
_EXPRESSION_TYPES = {
    "expression": "attribute",
    "date_expression": "date",
    "rule": "rule",
    "rsc_expression": "resource",
    "op_expression": "operation",
}
_CLI_ORIGINS = (("cli-prefer-", "cli-prefer"), ("cli-ban-", "cli-ban"), ("cli-standby-", "cli-ban"))


def normalise_role(role: str | None) -> str | None:
    """A role in Pacemaker 2.1 words (Master -> Promoted, Slave -> Unpromoted); unknown kept."""
    if role is None:
        return None
    return _ROLE_NAMES.get(role.strip().lower(), role)


def location_origin(constraint_id: str) -> str:
    """The origin of a location constraint: "cli-prefer", "cli-ban" or "user", by id prefix."""
    for prefix, origin in _CLI_ORIGINS:
        if constraint_id.startswith(prefix):
            return origin
    return "user"


def parse_constraints(element: etree._Element | None) -> Constraints:
    """Every constraint with an id under configuration/constraints, by type, in document order.

    Args:
        element: the CIB root, or its <configuration> or <constraints> element (tags, templates
            and id-refs are looked up in the whole document either way); None gives no
            constraints.
    """
    if element is None:
        return Constraints()
    cib_root = element.getroottree().getroot()
    section = cib_root.find("configuration/constraints")
    if section is None:
        return Constraints()
    refs = ReferenceIndex(cib_root)
    parsers: dict[str, Callable[[etree._Element, ReferenceIndex], object]] = {
        "rsc_location": _location,
        "rsc_colocation": _colocation,
        "rsc_order": _order,
        "rsc_ticket": _ticket,
    }
    found: dict[str, list[object]] = {name: [] for name in parsers}
    for constraint in _constraint_elements(section):
        kind = str(constraint.tag).lower()
        if kind in parsers:
            found[kind].append(parsers[kind](constraint, refs))
    return Constraints(
        location=tuple(found["rsc_location"]),  # type: ignore[arg-type]
        colocation=tuple(found["rsc_colocation"]),  # type: ignore[arg-type]
        order=tuple(found["rsc_order"]),  # type: ignore[arg-type]
        ticket=tuple(found["rsc_ticket"]),  # type: ignore[arg-type]
    )


def _constraint_elements(section: etree._Element) -> Iterator[etree._Element]:
    # Pacemaker skips constraints without an id, so hacon does too.
    for element in section:
        if isinstance(element.tag, str) and element.get("id"):
            yield element


def _location(element: etree._Element, refs: ReferenceIndex) -> LocationConstraint:
    constraint_id = element.get("id", "")
    resource = element.get("rsc")
    role = normalise_role(element.get("role"))
    sets = _sets(element, refs)
    if resource is not None and not sets and refs.is_tag(resource):
        sets = (_tag_set(resource, refs, role=role),)
        resource, role = None, None
    score = element.get("score")
    return LocationConstraint(
        id=constraint_id,
        resource=resource,
        resource_pattern=element.get("rsc-pattern"),
        node=element.get("node"),
        score=score,
        score_int=score_to_int(score),
        role=role,
        resource_discovery=element.get("resource-discovery"),
        origin=location_origin(constraint_id),
        rules=tuple(_rules(element, refs)) or None,
        sets=sets or None,
    )


def _colocation(element: etree._Element, refs: ReferenceIndex) -> ColocationConstraint:
    score = element.get("score")
    return ColocationConstraint(
        id=element.get("id", ""),
        resource=element.get("rsc"),
        with_resource=element.get("with-rsc"),
        score=score,
        score_int=score_to_int(score),
        resource_role=normalise_role(element.get("rsc-role")),
        with_resource_role=normalise_role(element.get("with-rsc-role")),
        sets=_sets(element, refs) or None,
    )


def _order(element: etree._Element, refs: ReferenceIndex) -> OrderConstraint:
    score = element.get("score")
    kind = element.get("kind") or _order_kind_from_score(score)
    first_action = element.get("first-action") or "start"
    symmetrical = element.get("symmetrical")
    return OrderConstraint(
        id=element.get("id", ""),
        first=element.get("first"),
        then=element.get("then"),
        first_action=first_action,
        then_action=element.get("then-action") or first_action,
        kind=kind,
        symmetrical=is_true(symmetrical) if symmetrical else kind.lower() != "serialize",
        sets=_sets(element, refs) or None,
        score=score,
    )


def _order_kind_from_score(score: str | None) -> str:
    # Pacemaker: no kind and no score is Mandatory; a score of 0 makes it Optional.
    if score is None:
        return "Mandatory"
    return "Optional" if score_to_int(score) == 0 else "Mandatory"


def _ticket(element: etree._Element, refs: ReferenceIndex) -> TicketConstraint:
    return TicketConstraint(
        id=element.get("id", ""),
        resource=element.get("rsc"),
        ticket=element.get("ticket"),
        loss_policy=element.get("loss-policy"),
        sets=_sets(element, refs) or None,
    )


def _sets(element: etree._Element, refs: ReferenceIndex) -> tuple[ResourceSet, ...]:
    return tuple(
        _resource_set(refs.resolve(child), refs) for child in element.iterchildren("resource_set")
    )


def _resource_set(element: etree._Element, refs: ReferenceIndex) -> ResourceSet:
    members: list[str] = []
    for ref in element.iterchildren("resource_ref"):
        member = ref.get("id", "")
        members.extend(refs.tagged(member) if refs.is_tag(member) else (member,))
    sequential = element.get("sequential")
    require_all = element.get("require-all")
    return ResourceSet(
        id=element.get("id", ""),
        resources=tuple(members),
        sequential=is_true(sequential) if sequential is not None else None,
        require_all=is_true(require_all) if require_all is not None else None,
        role=normalise_role(element.get("role")),
        action=element.get("action"),
        score=element.get("score"),
    )


def _tag_set(tag_id: str, refs: ReferenceIndex, role: str | None) -> ResourceSet:
    return ResourceSet(
        id=tag_id,
        resources=refs.tagged(tag_id),
        sequential=False,
        require_all=None,
        role=role,
        action=None,
        score=None,
    )


def _rules(element: etree._Element, refs: ReferenceIndex) -> Iterator[Rule]:
    for child in element.iterchildren("rule"):
        yield parse_rule(refs.resolve(child), refs)


def parse_rule(element: etree._Element, refs: ReferenceIndex) -> Rule:
    """One <rule> with its expressions (nested rules and id-refs followed)."""
    return Rule(
        id=element.get("id"),
        score=element.get("score"),
        score_attribute=element.get("score-attribute"),
        role=normalise_role(element.get("role")),
        boolean_op=element.get("boolean-op") or "and",
        expressions=tuple(
            _expression(refs.resolve(child), refs)
            for child in element
            if isinstance(child.tag, str)
        ),
    )


def _expression(element: etree._Element, refs: ReferenceIndex) -> RuleExpression:
    kind = _EXPRESSION_TYPES.get(str(element.tag), "unknown")
    return RuleExpression(
        type=kind,
        id=element.get("id"),
        attributes={str(key): str(value) for key, value in element.attrib.items()},
        rule=parse_rule(element, refs) if kind == "rule" else None,
        date_spec=_child_attributes(element, "date_spec"),
        duration=_child_attributes(element, "duration"),
    )


def _child_attributes(element: etree._Element, tag: str) -> Mapping[str, str] | None:
    child = element.find(tag)
    return {str(k): str(v) for k, v in child.attrib.items()} if child is not None else None


def constraints_document(constraints: Constraints) -> dict[str, list[dict[str, object]]]:
    """The "constraints" object of `hacon status --json` (console/data/status.schema.json).

    XML attribute names of rule expressions are given with underscores (``value_source``), and an
    expression's own ``type`` attribute (string, integer, number, version) as ``value_type``,
    because ``type`` says what kind of expression it is.
    """
    return {
        "location": [_location_document(item) for item in constraints.location],
        "colocation": [_colocation_document(item) for item in constraints.colocation],
        "order": [_order_document(item) for item in constraints.order],
        "ticket": [_ticket_document(item) for item in constraints.ticket],
    }


def _location_document(item: LocationConstraint) -> dict[str, object]:
    return {
        "id": item.id,
        "resource": item.resource,
        "resource_pattern": item.resource_pattern,
        "node": item.node,
        "score": item.score,
        "score_int": item.score_int,
        "role": item.role,
        "resource_discovery": item.resource_discovery,
        "origin": item.origin,
        "rules": [_rule_document(rule) for rule in item.rules] if item.rules else None,
        "sets": _sets_document(item.sets),
    }


def _colocation_document(item: ColocationConstraint) -> dict[str, object]:
    return {
        "id": item.id,
        "resource": item.resource,
        "with_resource": item.with_resource,
        "score": item.score,
        "score_int": item.score_int,
        "resource_role": item.resource_role,
        "with_resource_role": item.with_resource_role,
        "sets": _sets_document(item.sets),
    }


def _order_document(item: OrderConstraint) -> dict[str, object]:
    return {
        "id": item.id,
        "first": item.first,
        "then": item.then,
        "first_action": item.first_action,
        "then_action": item.then_action,
        "kind": item.kind,
        "symmetrical": item.symmetrical,
        "score": item.score,
        "sets": _sets_document(item.sets),
    }


def _ticket_document(item: TicketConstraint) -> dict[str, object]:
    return {
        "id": item.id,
        "resource": item.resource,
        "ticket": item.ticket,
        "loss_policy": item.loss_policy,
        "sets": _sets_document(item.sets),
    }


def _sets_document(sets: tuple[ResourceSet, ...] | None) -> list[dict[str, object]] | None:
    if not sets:
        return None
    return [
        {
            "id": item.id,
            "resources": list(item.resources),
            "sequential": item.sequential,
            "require_all": item.require_all,
            "role": item.role,
            "action": item.action,
            "score": item.score,
        }
        for item in sets
    ]


def _rule_document(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id,
        "score": rule.score,
        "score_attribute": rule.score_attribute,
        "role": rule.role,
        "boolean_op": rule.boolean_op,
        "expressions": [_expression_document(expr) for expr in rule.expressions],
    }


def _expression_document(expression: RuleExpression) -> dict[str, object]:
    document: dict[str, object] = {
        ("value_type" if name == "type" else name.replace("-", "_")): value
        for name, value in expression.attributes.items()
    }
    document["type"] = expression.type
    document["id"] = expression.id
    if expression.rule is not None:
        document.update(_rule_document(expression.rule))
    if expression.date_spec is not None:
        document["date_spec"] = dict(expression.date_spec)
    if expression.duration is not None:
        document["duration"] = dict(expression.duration)
    return document
