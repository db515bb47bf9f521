"""Where a `crm_resource --move/--ban` leftover points, and until when.

With `--lifetime`, crm_resource writes no `node` attribute but a rule: `#uname eq NODE` and a
date expression `lt END`. Everything that names a leftover (advisories, the constraints pane,
`hacon status`) reads the node and the expiry here, so none prints a raw None.
"""

from __future__ import annotations

from collections.abc import Iterator

from console.model.cluster import LocationConstraint, Rule, RuleExpression

LEFTOVER_ORIGINS = ("cli-prefer", "cli-ban")


def _expressions(rules: tuple[Rule, ...] | None) -> Iterator[RuleExpression]:
    for rule in rules or ():
        yield from rule.expressions


def location_node(location: LocationConstraint) -> str | None:
    """The node a location constraint names: its `node`, else its rule's `#uname eq NODE`."""
    if location.node:
        return location.node
    for expression in _expressions(location.rules):
        attributes = expression.attributes
        if attributes.get("attribute") == "#uname" and attributes.get("operation") == "eq":
            return attributes.get("value")
    return None


def location_expiry(location: LocationConstraint) -> str | None:
    """When a `--lifetime` leftover stops applying (its date expression's end), else None."""
    for expression in _expressions(location.rules):
        if expression.type == "date" and expression.attributes.get("operation") == "lt":
            return expression.attributes.get("end")
    return None


def leftover_words(location: LocationConstraint) -> str:
    """"pins OSIPS on node-a until 2026-12-01 10:00:00 +00:00" / "bans OSIPS from node-b"."""
    resource = location.resource or location.resource_pattern or "?"
    node = location_node(location) or "(a rule)"
    words = (f"pins {resource} on {node}" if location.origin == "cli-prefer"
             else f"bans {resource} from {node}")
    expiry = location_expiry(location)
    return f"{words} until {expiry}" if expiry else words
