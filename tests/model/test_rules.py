"""Rule evaluation: the comparisons and date tests Pacemaker applies to location rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from console.model.cluster import Rule, RuleExpression
from console.model.constraints.dates import add_duration, moon_phase, parse_iso_datetime
from console.model.constraints.rules import (
    RuleContext,
    add_scores,
    char_to_score,
    compare_attribute,
    date_spec_matches,
    expand_back_references,
    rule_passes,
)

NOON = datetime(2026, 3, 4, 12, 0, 0, tzinfo=UTC)  # a Wednesday


def attribute(name: str, op: str, value: str | None = None, **extra: str) -> RuleExpression:
    spec = {"attribute": name, "operation": op, **extra}
    if value is not None:
        spec["value"] = value
    return RuleExpression(type="attribute", id=None, attributes=spec)


def date(op: str, **spec: str) -> RuleExpression:
    return RuleExpression(type="date", id=None, attributes={"operation": op, **spec})


def rule(*expressions: RuleExpression, boolean_op: str = "and") -> Rule:
    return Rule(
        id="r",
        score="-INFINITY",
        score_attribute=None,
        role=None,
        boolean_op=boolean_op,
        expressions=expressions,
    )


@pytest.mark.parametrize(
    ("actual", "expected", "value_type", "op", "result"),
    [
        ("node-A", "node-a", None, "eq", True),  # strings compare without case
        ("10", "9", None, "gt", True),  # lt/gt default to integers...
        ("10", "9", "string", "gt", False),  # ...unless typed as strings
        ("1.5", "1.25", None, "gt", True),  # a dot makes them numbers
        ("1.5MB", "1.25", "number", "gt", True),  # numbers are read like strtod: prefix only
        ("abc", "5", "integer", "lt", False),  # unparsable integers fall back to strings
        ("2.10.0", "2.9.1", "version", "gt", True),
        (None, "1", None, "lt", False),  # an undefined attribute is never less than anything
        (None, "true", None, "ne", True),  # ...but it is "not equal"
        (None, None, None, "not_defined", True),
        ("x", None, None, "defined", True),
        ("5", "5", None, "lte", True),
        ("5", "5", None, "bogus", False),
    ],
)
def test_compare_attribute(
    actual: str | None, expected: str | None, value_type: str | None, op: str, result: bool
) -> None:
    assert compare_attribute(actual, expected, value_type, op) is result


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("INFINITY", 1_000_000),
        ("+INFINITY", 1_000_000),
        ("-INFINITY", -1_000_000),
        ("-5000000", -1_000_000),
        ("42", 42),
        ("10abc", 10),
        ("abc", 0),
        (None, 0),
        ("red", -1_000_000),
        ("green", 0),
    ],
)
def test_char_to_score_reads_scores_like_pacemaker(text: str | None, score: int) -> None:
    assert char_to_score(text) == score


def test_minus_infinity_wins_when_adding_scores() -> None:
    assert add_scores(1_000_000, -1_000_000) == -1_000_000
    assert add_scores(-1_000_000, 1_000_000) == -1_000_000
    assert add_scores(999_999, 5) == 1_000_000
    assert add_scores(-3, 5) == 2


def test_and_rule_needs_every_expression_and_or_rule_needs_one() -> None:
    attrs = {"#uname": "a", "site": "dc1"}
    both = (attribute("#uname", "eq", "a"), attribute("site", "eq", "dc2"))
    context = RuleContext(now=NOON)
    assert rule_passes(rule(*both), attrs, context) is False
    assert rule_passes(rule(*both, boolean_op="or"), attrs, context) is True


def test_empty_rules_follow_pacemaker() -> None:
    context = RuleContext(now=NOON)
    assert rule_passes(rule(), {}, context) is True
    assert rule_passes(rule(boolean_op="or"), {}, context) is False


def test_role_expressions_never_match_in_a_location_rule() -> None:
    assert (
        rule_passes(rule(attribute("#role", "eq", "Promoted")), {}, RuleContext(now=NOON)) is False
    )


def test_nested_rule_is_evaluated() -> None:
    inner = rule(attribute("site", "eq", "dc1"), attribute("rack", "eq", "7"), boolean_op="or")
    outer = rule(
        RuleExpression(type="rule", id=None, attributes={}, rule=inner),
        attribute("#uname", "eq", "a"),
    )
    assert rule_passes(outer, {"#uname": "a", "rack": "7"}, RuleContext(now=NOON)) is True
    assert rule_passes(outer, {"#uname": "b", "rack": "7"}, RuleContext(now=NOON)) is False


def test_value_source_param_and_meta_read_the_resource() -> None:
    context = RuleContext(now=NOON, params={"wanted": "dc1"}, meta={"zone": "z9"})
    assert rule_passes(
        rule(attribute("site", "eq", "wanted", **{"value-source": "param"})),
        {"site": "dc1"},
        context,
    )
    assert rule_passes(
        rule(attribute("zone", "eq", "zone", **{"value-source": "meta"})), {"zone": "z9"}, context
    )


def test_pattern_back_references_expand_in_attribute_names() -> None:
    match = re.search(r"vip-(\w+)", "vip-public")
    assert expand_back_references("prefer-%1", match) == "prefer-public"
    context = RuleContext(now=NOON, pattern_match=match)
    assert rule_passes(rule(attribute("allow-%1", "eq", "yes")), {"allow-public": "yes"}, context)


@pytest.mark.parametrize(
    ("expression", "passes"),
    [
        (date("in_range", start="2026-01-01", end="2026-12-31"), True),
        (date("in_range", start="2027-01-01"), False),
        (date("in_range", end="2025-12-31"), False),
        (date("in_range"), False),  # in_range needs a start or an end
        (date("gt", start="2026-03-04T11:59:59Z"), True),
        (date("lt", end="2026-03-04T12:00:00Z"), False),  # "lt" is strict
        (date("lt", end="not a date"), False),
    ],
)
def test_date_expressions(expression: RuleExpression, passes: bool) -> None:
    assert rule_passes(rule(expression), {}, RuleContext(now=NOON)) is passes


def test_in_range_with_duration_ends_after_the_duration() -> None:
    expression = RuleExpression(
        type="date",
        id=None,
        attributes={"operation": "in_range", "start": "2026-03-04T10:00:00Z"},
        duration={"hours": "1"},
    )
    assert rule_passes(rule(expression), {}, RuleContext(now=NOON)) is False
    expression = RuleExpression(
        type="date",
        id=None,
        attributes={"operation": "in_range", "start": "2026-03-04T10:00:00Z"},
        duration={"hours": "3"},
    )
    assert rule_passes(rule(expression), {}, RuleContext(now=NOON)) is True


@pytest.mark.parametrize(
    ("spec", "passes"),
    [
        ({"hours": "9-17"}, True),
        ({"hours": "13-"}, False),
        ({"weekdays": "1-5"}, True),  # Wednesday
        ({"weekdays": "6-7"}, False),
        ({"months": "3", "monthdays": "4"}, True),
        ({"yeardays": "63"}, True),
        ({"weeks": "10", "weekyears": "2026"}, True),
        ({"years": "2025"}, False),
        ({"hours": "garbage"}, True),  # unreadable fields are ignored
        ({}, True),
    ],
)
def test_date_spec(spec: dict[str, str], passes: bool) -> None:
    # date_spec reads the local clock: pin the moment to local noon.
    local_noon = datetime(2026, 3, 4, 12, 0, 0).astimezone()
    assert date_spec_matches(spec, local_noon) is passes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-04", datetime(2026, 3, 4, tzinfo=UTC)),
        ("20260304", datetime(2026, 3, 4, tzinfo=UTC)),
        ("2026-063", datetime(2026, 3, 4, tzinfo=UTC)),
        ("2026-W10-3", datetime(2026, 3, 4, tzinfo=UTC)),
        ("2026-03-04T12:30:00Z", datetime(2026, 3, 4, 12, 30, tzinfo=UTC)),
        (
            "2026-03-04 12:30:00+02:00",
            datetime(2026, 3, 4, 12, 30, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("epoch", datetime(1970, 1, 1, tzinfo=UTC)),
        ("2026-02-30", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_iso_datetime(text: str, expected: datetime | None) -> None:
    assert parse_iso_datetime(text) == expected


def test_time_without_offset_is_local_time() -> None:
    parsed = parse_iso_datetime("2026-03-04 12:30:00")
    assert parsed == datetime(2026, 3, 4, 12, 30).astimezone()


def test_add_duration_clamps_month_ends() -> None:
    start = datetime(2026, 1, 31, tzinfo=UTC)
    assert add_duration(start, {"months": "1"}) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_duration(start, {"years": "1", "days": "1", "hours": "x"}) == datetime(
        2027, 2, 1, tzinfo=UTC
    )


def test_moon_phase_is_in_range() -> None:
    phases = {moon_phase(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=d)) for d in range(30)}
    assert phases == set(range(8))
