"""Evaluate location-constraint rules against one node, the way Pacemaker's rules.c does.

A rule passes or fails for a node given the node's attributes (ordinary ones plus the built-in
``#uname``, ``#id``, ``#kind``, ``#is_dc``, ``#cluster-name``, ``#site-name``) and the current
time. Pacemaker's quirks are kept on purpose, because hacon must report the same bans crm_mon
does: an ``or`` rule with no expressions fails, an ``and`` rule with none passes; ``#role`` never
matches in a location rule; string comparison ignores case; ``lt``/``gt`` without a type compare
as integers (or as numbers when either side has a dot).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from console.model.cluster import Rule, RuleExpression
from console.model.constraints.dates import add_duration, moon_phase, parse_iso_datetime
from console.model.types import INFINITY

_VERSION_PART = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule is evaluated against, besides the node's attributes."""

    now: datetime
    pattern_match: re.Match[str] | None = None
    """The rsc-pattern match that produced the resource, for %0-%9 back-references."""
    params: Mapping[str, str] = field(default_factory=dict)
    """The resource's instance attributes (value-source="param")."""
    meta: Mapping[str, str] = field(default_factory=dict)
    """The resource's meta attributes (value-source="meta")."""


def char_to_score(text: str | None) -> int:
    """A score string as Pacemaker reads it (char2score): never fails, clamps to +/-INFINITY.

    Unreadable text counts as 0 and digits are read up to the first non-digit ("10abc" is 10).
    "red" is -INFINITY; "yellow" and "green" are 0 (Pacemaker's defaults for node health).
    """
    if text is None:
        return 0
    folded = text.strip().lower()
    if folded == "-infinity" or folded == "red":
        return -INFINITY
    if folded in ("infinity", "+infinity"):
        return INFINITY
    match = re.match(r"[+-]?\d+", folded)
    if match is None:
        return 0
    return max(-INFINITY, min(INFINITY, int(match.group())))


def add_scores(first: int, second: int) -> int:
    """Add two scores with Pacemaker's rules: -INFINITY wins over +INFINITY, sums are clamped."""
    if first <= -INFINITY or second <= -INFINITY:
        return -INFINITY
    if first >= INFINITY or second >= INFINITY:
        return INFINITY
    return max(-INFINITY, min(INFINITY, first + second))


def expand_back_references(text: str, match: re.Match[str] | None) -> str:
    """Replace %0-%9 in text with the groups of an rsc-pattern match (empty groups are dropped)."""
    if match is None:
        return text

    def group_text(found: re.Match[str]) -> str:
        index = int(found.group(1))
        if index > (match.re.groups if match else 0):
            return found.group(0)
        return match.group(index) or ""

    return re.sub(r"%(\d)", group_text, text)


def rule_passes(rule: Rule, attributes: Mapping[str, str], context: RuleContext) -> bool:
    """Whether a rule holds on a node with these attributes, at context.now."""
    results = (expression_passes(expr, attributes, context) for expr in rule.expressions)
    if (rule.boolean_op or "and").lower() == "or":
        return any(results)
    return all(results)


def expression_passes(
    expression: RuleExpression, attributes: Mapping[str, str], context: RuleContext
) -> bool:
    """Whether one rule expression (attribute, date or nested rule) holds."""
    evaluate = _EVALUATORS.get(expression.type, _never)
    return evaluate(expression, attributes, context)


def _never(expression: RuleExpression, attributes: Mapping[str, str], ctx: RuleContext) -> bool:
    # Resource and operation expressions only apply to rsc_defaults / op_defaults.
    return False


def _nested_rule(
    expression: RuleExpression, attributes: Mapping[str, str], ctx: RuleContext
) -> bool:
    return expression.rule is not None and rule_passes(expression.rule, attributes, ctx)


def _attribute(expression: RuleExpression, attributes: Mapping[str, str], ctx: RuleContext) -> bool:
    spec = expression.attributes
    name = spec.get("attribute")
    if name is None:
        return False
    if name == "#role":
        # A location rule is evaluated without a role, so #role expressions never pass.
        return False
    name = expand_back_references(name, ctx.pattern_match)
    expected = _expected_value(spec, ctx)
    return compare_attribute(
        attributes.get(name), expected, spec.get("type"), spec.get("operation")
    )


def _expected_value(spec: Mapping[str, str], ctx: RuleContext) -> str | None:
    value = spec.get("value")
    if not value:
        return None
    source = (spec.get("value-source") or "literal").lower()
    if source == "param":
        return ctx.params.get(value)
    if source == "meta":
        return ctx.meta.get(value)
    return value


def compare_attribute(
    actual: str | None, expected: str | None, value_type: str | None, operation: str | None
) -> bool:
    """Pacemaker's attribute expression test: defined, not_defined, eq, ne, lt, lte, gt, gte."""
    op = (operation or "").lower()
    if op == "defined":
        return actual is not None
    if op == "not_defined":
        return actual is None
    order = _compare_values(actual, expected, value_type, op)
    if op == "eq":
        return order == 0
    if op == "ne":
        return order != 0
    if actual is None or expected is None:
        return False
    checks: dict[str, Callable[[int], bool]] = {
        "lt": lambda o: o < 0,
        "lte": lambda o: o <= 0,
        "gt": lambda o: o > 0,
        "gte": lambda o: o >= 0,
    }
    check = checks.get(op)
    return check(order) if check else False


def _compare_values(left: str | None, right: str | None, value_type: str | None, op: str) -> int:
    if left is None or right is None:
        return (left is not None) - (right is not None)
    kind = (value_type or _default_type(left, right, op)).lower()
    if kind == "integer":
        numbers = _integers(left, right)
        return _sign(numbers[0] - numbers[1]) if numbers else _compare_strings(left, right)
    if kind == "number":
        floats = _floats(left, right)
        return _sign(floats[0] - floats[1]) if floats else _compare_strings(left, right)
    if kind == "version":
        return _compare_versions(left, right)
    if kind == "string":
        return _compare_strings(left, right)
    return 0


def _default_type(left: str, right: str, op: str) -> str:
    if op in ("lt", "lte", "gt", "gte"):
        return "number" if "." in left or "." in right else "integer"
    return "string"


def _compare_strings(left: str, right: str) -> int:
    return _sign((left.lower() > right.lower()) - (left.lower() < right.lower()))


def _integers(left: str, right: str) -> tuple[int, int] | None:
    pattern = re.compile(r"\s*[+-]?\d+")
    found = [pattern.match(text) for text in (left, right)]
    if found[0] is None or found[1] is None:
        return None
    return int(found[0].group()), int(found[1].group())


_FLOAT_PREFIX = re.compile(
    r"\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)", re.IGNORECASE
)


def _floats(left: str, right: str) -> tuple[float, float] | None:
    # Like strtod: read the longest number at the start, ignore what follows.
    found = [_FLOAT_PREFIX.match(text) for text in (left, right)]
    if found[0] is None or found[1] is None:
        return None
    return float(found[0].group()), float(found[1].group())


def _compare_versions(left: str, right: str) -> int:
    left_parts = [int(part) for part in _VERSION_PART.findall(left)]
    right_parts = [int(part) for part in _VERSION_PART.findall(right)]
    width = max(len(left_parts), len(right_parts))
    left_parts += [0] * (width - len(left_parts))
    right_parts += [0] * (width - len(right_parts))
    return _sign((left_parts > right_parts) - (left_parts < right_parts))


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def _date(expression: RuleExpression, attributes: Mapping[str, str], ctx: RuleContext) -> bool:
    spec = expression.attributes
    op = (spec.get("operation") or "in_range").lower()
    start = parse_iso_datetime(spec.get("start"))
    end = parse_iso_datetime(spec.get("end"))
    if start is not None and end is None and expression.duration is not None:
        end = add_duration(start, expression.duration)
    if op == "in_range":
        if start is None and end is None:
            return False
        return (start is None or ctx.now >= start) and (end is None or ctx.now <= end)
    if op == "gt":
        return start is not None and ctx.now > start
    if op == "lt":
        return end is not None and ctx.now < end
    if op == "date_spec":
        return date_spec_matches(expression.date_spec or {}, ctx.now)
    return False


def date_spec_matches(spec: Mapping[str, str], now: datetime) -> bool:
    """Whether every field given in a <date_spec> (a value or a range "a-b") contains now."""
    local = now.astimezone()
    iso_year, iso_week, iso_weekday = local.isocalendar()
    fields = {
        "years": local.year,
        "months": local.month,
        "monthdays": local.day,
        "hours": local.hour,
        "minutes": local.minute,
        "seconds": local.second,
        "yeardays": local.timetuple().tm_yday,
        "weekyears": iso_year,
        "weeks": iso_week,
        "weekdays": iso_weekday,
        "moon": moon_phase(local),
    }
    return all(_in_range(spec.get(name), value) for name, value in fields.items())


def _in_range(text: str | None, value: int) -> bool:
    if text is None:
        return True
    match = re.fullmatch(r"\s*(\d*)\s*(?:-\s*(\d*))?\s*", text)
    if match is None or (not match.group(1) and not match.group(2)):
        # Pacemaker ignores a field it cannot read.
        return True
    low = int(match.group(1)) if match.group(1) else None
    if match.group(2) is None and "-" not in text:
        high = low
    else:
        high = int(match.group(2)) if match.group(2) else None
    return (low is None or value >= low) and (high is None or value <= high)


_Evaluator = Callable[[RuleExpression, Mapping[str, str], RuleContext], bool]
_EVALUATORS: dict[str, _Evaluator] = {
    "attribute": _attribute,
    "date": _date,
    "rule": _nested_rule,
}
