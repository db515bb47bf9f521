"""Why a transition happened: the differences between its input and the one before it.

Each difference becomes a `Cause` with a category an operator can filter on and a sentence in
plain words. Nothing is guessed: when no difference explains a transition, the cause is
`unknown` and says what was compared.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from console.model.transitions.facts import FailureFacts, InputFacts, NodeFacts
from console.model.transitions.logs import FencingResult


class Category(str, enum.Enum):
    """The kinds of cause, most decisive first (the first cause found is the headline)."""

    NODE_LOST = "node-lost"
    FAILURE = "failure"
    RECOVERY = "recovery"
    STANDBY = "standby"
    ONLINE = "online"
    MAINTENANCE = "maintenance"
    CONSTRAINT = "constraint"
    STICKINESS = "stickiness"
    CONFIG = "config"
    UNKNOWN = "unknown"


CATEGORY_ORDER = {category: index for index, category in enumerate(Category)}


@dataclass(frozen=True, slots=True)
class Cause:
    """One reason for a transition."""

    category: Category
    text: str
    node: str | None = None
    resource: str | None = None
    op: str | None = None
    rc: int | None = None
    failcount: int | None = None
    threshold: int | None = None
    fencing: FencingResult | None = None
    """For a lost node with fencing on: its fencing result from the logs, when found."""

    @property
    def threshold_reached(self) -> bool:
        """A failure whose count reached migration-threshold: the node is banned."""
        return (self.failcount is not None and self.threshold is not None
                and self.threshold > 0 and self.failcount >= self.threshold)


def find_causes(before: InputFacts | None, after: InputFacts) -> tuple[Cause, ...]:
    """Every difference from `before` to `after` that can explain `after`'s transition."""
    if before is None:
        return _first_input_causes(after)
    causes = [*_node_causes(before, after), *_failure_causes(before, after),
              *_constraint_causes(before, after), *_setting_causes(before, after)]
    if not causes:
        causes.append(Cause(Category.UNKNOWN, "no change of membership, attributes, failures or "
                            "configuration since the input before (a result arriving, or the "
                            "recheck timer)"))
    return tuple(sorted(causes, key=lambda cause: CATEGORY_ORDER[cause.category]))


def _first_input_causes(facts: InputFacts) -> tuple[Cause, ...]:
    """With nothing earlier to compare, only what the input itself records: a node unclean in
    it was lost (when the old DC loses power, the survivor's first input is this one, and the
    old DC's inputs cannot be read)."""
    lost = [Cause(Category.NODE_LOST, _lost_text(name, node, facts), node=name)
            for name, node in facts.nodes.items() if node.unclean]
    return tuple(lost) or (Cause(Category.UNKNOWN, "the first input in this history: nothing "
                                 "earlier to compare it with"),)


def _node_causes(before: InputFacts, after: InputFacts) -> Iterator[Cause]:
    who = f" (by {after.changed_by})" if after.changed_by else ""
    for name, now in after.nodes.items():
        was = before.nodes.get(name)
        if was is None:
            continue
        if was.online and not now.online or now.unclean and not was.unclean:
            yield Cause(Category.NODE_LOST, _lost_text(name, now, after), node=name)
        elif now.online and not was.online:
            yield Cause(Category.ONLINE, f"{name} joined the cluster", node=name)
        if now.standby != was.standby:
            yield (Cause(Category.STANDBY, f"{name} put in standby (standby=on){who}", node=name)
                   if now.standby else
                   Cause(Category.ONLINE, f"{name} back from standby (standby=off){who}",
                         node=name))
        if now.maintenance != was.maintenance:
            state = "on" if now.maintenance else "off"
            yield Cause(Category.MAINTENANCE, f"{name} maintenance={state}{who}", node=name)


def _lost_text(name: str, node: NodeFacts, facts: InputFacts) -> str:
    if not node.unclean and not node.expected_up:
        return f"{name} left the cluster (clean shutdown)"
    fencing = ("fencing is on: the scheduler fences it" if facts.stonith_enabled else
               "fencing is off (stonith-enabled=false): not fenced, its resources are "
               "assumed stopped")
    return f"{name} lost (left the membership without shutting down); {fencing}"


def _failure_causes(before: InputFacts, after: InputFacts) -> Iterator[Cause]:
    seen = {failure.key for failure in before.failures}
    for failure in after.failures:
        if failure.key not in seen:
            yield _failure_cause(failure, after)
    for resource, node in _cleared(before, after):
        yield _cleared_cause(resource, node, before, after)


def _cleared(before: InputFacts, after: InputFacts) -> list[tuple[str, str]]:
    """Resources and nodes whose fail count dropped, or whose failure records went away."""
    dropped = {(rid, node) for rid, was in before.resources.items()
               for node, count in was.failcount.items()
               if rid in after.resources and after.resources[rid].failcount.get(node, 0) < count}
    still = {(failure.resource, failure.node) for failure in after.failures}
    gone = {(failure.resource, failure.node) for failure in before.failures} - still
    return sorted(dropped | gone)


def _cleared_cause(resource: str, node: str, before: InputFacts, after: InputFacts) -> Cause:
    """Recorded failures gone: a cleanup (crm_resource --cleanup) or an expired failure."""
    was = before.resources.get(resource)
    now = after.resources.get(resource)
    old = was.failcount.get(node, 0) if was is not None else 0
    new = now.failcount.get(node, 0) if now is not None else 0
    text = f"{resource} failures on {node} cleared (cleanup or failure-timeout): failcount " \
           f"{old} -> {new}"
    threshold = was.migration_threshold if was is not None else None
    if threshold and old >= threshold > new:
        text += f"; no longer banned from {node}"
    return Cause(Category.FAILURE, text, node=node, resource=resource, failcount=new,
                 threshold=threshold)


def _failure_cause(failure: FailureFacts, facts: InputFacts) -> Cause:
    resource = facts.resources.get(failure.resource)
    count = resource.failcount.get(failure.node) if resource is not None else None
    threshold = resource.migration_threshold if resource is not None else None
    text = (f"{failure.resource} {failure.op} failed on {failure.node}: rc={failure.rc} "
            f"({failure.rc_text})")
    if count is not None:
        limit = "no migration-threshold" if not threshold else f"migration-threshold {threshold}"
        text += f"; failcount {count} of {limit}"
        if threshold and count >= threshold:
            text += f"; threshold reached: banned from {failure.node} until cleanup"
    return Cause(Category.FAILURE, text, node=failure.node, resource=failure.resource,
                 op=failure.op, rc=failure.rc, failcount=count, threshold=threshold)


def _constraint_causes(before: InputFacts, after: InputFacts) -> Iterator[Cause]:
    who = f" (by {after.changed_by})" if after.changed_by else ""
    for cid in sorted(set(before.constraints) | set(after.constraints)):
        old, new = before.constraints.get(cid), after.constraints.get(cid)
        if old == new:
            continue
        if old is None:
            text = f"{_kind_of(cid)}{cid} added: {new}{who}"
        elif new is None:
            text = f"{_kind_of(cid)}{cid} removed (was: {old}){who}"
        else:
            text = f"{_kind_of(cid)}{cid} changed: {old} -> {new}{who}"
        yield Cause(Category.CONSTRAINT, text)


def _kind_of(constraint_id: str) -> str:
    if constraint_id.startswith("cli-prefer-"):
        return "move constraint "
    if constraint_id.startswith("cli-ban-"):
        return "ban "
    return "constraint "


MAX_CONFIG_LINES = 4
"""A configuration change lists this many settings, then says how many more changed."""


def _setting_causes(before: InputFacts, after: InputFacts) -> Iterator[Cause]:
    changes = [(name, before.settings.get(name), after.settings.get(name))
               for name in sorted(set(before.settings) | set(after.settings))
               if before.settings.get(name) != after.settings.get(name)]
    who = f" (by {after.changed_by})" if after.changed_by else ""
    sticky = [change for change in changes if change[0].endswith("resource-stickiness")]
    for name, old, new in sticky:
        yield Cause(Category.STICKINESS, f"{_change_text(name, old, new)}{who}")
    maintenance = [change for change in changes if _is_maintenance(change[0])]
    for name, old, new in maintenance:
        yield Cause(Category.MAINTENANCE, f"{_change_text(name, old, new)}{who}")
    rest = [change for change in changes if change not in sticky and change not in maintenance]
    if rest:
        lines = [_change_text(*change) for change in rest[:MAX_CONFIG_LINES]]
        more = f"; and {len(rest) - MAX_CONFIG_LINES} more" if len(rest) > MAX_CONFIG_LINES else ""
        yield Cause(Category.CONFIG, f"configuration changed{who}: {'; '.join(lines)}{more}")


def _is_maintenance(name: str) -> bool:
    return name.endswith((": maintenance-mode", "meta: is-managed", "meta: maintenance"))


def _change_text(name: str, old: str | None, new: str | None) -> str:
    if old is None:
        return f"{name} = {new} added"
    if new is None:
        return f"{name} (was {old}) removed"
    return f"{name} {old} -> {new}"
