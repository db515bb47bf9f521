"""Events: what changed between two live snapshots, as lines an operator reads in a log.

`diff_snapshots(before, after, at)` is pure: the caller supplies the time, so the same pair of
snapshots always gives the same events (and tests need no clock).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from console.model.cluster import ClusterSnapshot, FailedOperation, ResourceKind
from console.model.live.snapshot import LiveSnapshot, Verdict

ARROW = "→"
NOWHERE = "stopped"
"""How an empty placement is written in a move ("ClusterIP node-a → stopped")."""


class EventKind(str, Enum):
    """What kind of change an event reports."""

    VIP_MOVED = "vip-moved"
    RESOURCE_MOVED = "resource-moved"
    RESOURCE_ROLE = "resource-role"
    NODE_STATE = "node-state"
    DC_CHANGED = "dc-changed"
    FAILURE = "failure"
    FAILURE_CLEARED = "failure-cleared"
    NODE_UNREACHABLE = "node-unreachable"
    NODE_REACHABLE = "node-reachable"
    VERDICT = "verdict"


ALARMING = frozenset({EventKind.FAILURE, EventKind.NODE_UNREACHABLE})
"""Kinds shown as alarms; a verdict change is alarming only when it turns bad (see `alarming`)."""


@dataclass(frozen=True, slots=True)
class ClusterEvent:
    """One change, with the time the caller observed it."""

    at: float
    """Wall-clock seconds (time.time() of the caller) when the change was seen."""
    kind: EventKind
    subject: str
    """The VIP, resource or node the event is about ("cluster" for a verdict)."""
    text: str
    """The line without its time: "ClusterIP node-a → node-b"."""
    alarming: bool = False


def diff_snapshots(
    before: LiveSnapshot | None, after: LiveSnapshot, at: float
) -> tuple[ClusterEvent, ...]:
    """The events that lead from `before` to `after`, in a stable order.

    Args:
        before: The previous snapshot; None for the first one (no events: nothing changed yet).
        after: The new snapshot.
        at: The time to stamp every event with.
    """
    if before is None:
        return ()
    events = [*_reachability(before, after, at), *_verdict(before, after, at)]
    if before.cluster is not None and after.cluster is not None:
        events.extend(_cluster_changes(before.cluster, after.cluster, at))
    return tuple(events)


def _cluster_changes(
    before: ClusterSnapshot, after: ClusterSnapshot, at: float
) -> Iterator[ClusterEvent]:
    yield from _dc(before, after, at)
    yield from _node_states(before, after, at)
    yield from _vip_moves(before, after, at)
    yield from _resource_moves(before, after, at)
    yield from _failures(before, after, at)


def _placement(nodes: tuple[str, ...]) -> str:
    return ", ".join(nodes) if nodes else NOWHERE


def _reachability(before: LiveSnapshot, after: LiveSnapshot, at: float) -> Iterator[ClusterEvent]:
    for name, view in sorted(after.views.items()):
        old = before.views.get(name)
        was_reachable = old.reachable if old else True
        if was_reachable and not view.reachable:
            reason = view.reason or "no answer"
            yield ClusterEvent(at, EventKind.NODE_UNREACHABLE, name,
                               f"{name} unreachable: {reason}", alarming=True)
        elif old is not None and not old.reachable and view.reachable:
            yield ClusterEvent(at, EventKind.NODE_REACHABLE, name, f"{name} reachable again")


BAD_VERDICTS = frozenset({Verdict.PARTITIONED, Verdict.SPLIT_BRAIN})


# Every CIB change reaches the nodes a few milliseconds apart, so one round often sees a node
# "lagging" behind; logging consistent <-> lagging would add two lines to every change.
ROUTINE_VERDICTS = frozenset({Verdict.CONSISTENT, Verdict.LAGGING})


def _verdict(before: LiveSnapshot, after: LiveSnapshot, at: float) -> Iterator[ClusterEvent]:
    routine = {before.verdict, after.verdict} <= ROUTINE_VERDICTS
    if before.verdict is not after.verdict and not routine:
        text = (f"verdict {before.verdict.value.replace('_', ' ')} {ARROW} "
                f"{after.verdict.value.replace('_', ' ')}")
        yield ClusterEvent(at, EventKind.VERDICT, "cluster", text,
                           alarming=after.verdict in BAD_VERDICTS)


def _dc(before: ClusterSnapshot, after: ClusterSnapshot, at: float) -> Iterator[ClusterEvent]:
    if before.info.dc != after.info.dc:
        yield ClusterEvent(at, EventKind.DC_CHANGED, after.info.dc or "cluster",
                           f"DC {before.info.dc or 'none'} {ARROW} {after.info.dc or 'none'}")


def _node_states(before: ClusterSnapshot, after: ClusterSnapshot, at: float) -> Iterator[ClusterEvent]:
    for name, node in after.nodes.items():
        old = before.nodes.get(name)
        if old is not None and old.state is not node.state:
            yield ClusterEvent(at, EventKind.NODE_STATE, name,
                               f"{name} {old.state.value} {ARROW} {node.state.value}",
                               alarming=node.state.value in ("offline", "unclean"))


def _vip_moves(before: ClusterSnapshot, after: ClusterSnapshot, at: float) -> Iterator[ClusterEvent]:
    for vip_id, vip in after.vips.items():
        old = before.vips.get(vip_id)
        if old is not None and old.holder_nodes != vip.holder_nodes:
            yield ClusterEvent(at, EventKind.VIP_MOVED, vip_id,
                               f"{vip_id} {_placement(old.holder_nodes)} {ARROW} "
                               f"{_placement(vip.holder_nodes)}",
                               alarming=len(vip.holder_nodes) != 1)


def _resource_moves(
    before: ClusterSnapshot, after: ClusterSnapshot, at: float
) -> Iterator[ClusterEvent]:
    """Moves of primitives and clones (groups move with their members; VIPs are reported above)."""
    for resource_id, resource in after.resources.items():
        old = before.resources.get(resource_id)
        if old is None or resource_id in after.vips or resource.kind is ResourceKind.GROUP:
            continue
        if resource.parent and after.resources.get(resource.parent, resource).kind in (
                ResourceKind.CLONE, ResourceKind.PROMOTABLE_CLONE):
            continue  # the clone reports its instances' placement
        if old.active_on != resource.active_on:
            yield ClusterEvent(at, EventKind.RESOURCE_MOVED, resource_id,
                               f"{resource_id} {_placement(old.active_on)} {ARROW} "
                               f"{_placement(resource.active_on)}")
        elif old.role != resource.role:
            yield ClusterEvent(at, EventKind.RESOURCE_ROLE, resource_id,
                               f"{resource_id} {old.role} {ARROW} {resource.role}")


def _failure_key(failure: FailedOperation) -> tuple[str, str, str, int]:
    return (failure.instance, failure.node, failure.task, failure.interval_ms)


def _failures(before: ClusterSnapshot, after: ClusterSnapshot, at: float) -> Iterator[ClusterEvent]:
    old_failures = {_failure_key(f): f for f in before.failures}
    new_failures = {_failure_key(f): f for f in after.failures}
    for key, failure in new_failures.items():
        old = old_failures.get(key)
        if old is None or old.call != failure.call:
            yield ClusterEvent(at, EventKind.FAILURE, failure.resource,
                               f"{failure.resource} {failure_summary(failure)}", alarming=True)
    for key, failure in old_failures.items():
        if key not in new_failures:
            yield ClusterEvent(at, EventKind.FAILURE_CLEARED, failure.resource,
                               f"{failure.resource} {failure.task} failure on {failure.node} "
                               "cleared")


def summarise(events: tuple[ClusterEvent, ...], limit: int) -> tuple[ClusterEvent, ...]:
    """At most `limit` events: alarms, VIP moves and node changes are kept; when ordinary
    resource moves would flood the log they become one line ("48 more resources moved: ...")."""
    if len(events) <= limit:
        return events
    minor_kinds = (EventKind.RESOURCE_MOVED, EventKind.RESOURCE_ROLE)
    major = [e for e in events if e.alarming or e.kind not in minor_kinds]
    minor = [e for e in events if not e.alarming and e.kind in minor_kinds]
    room = max(0, limit - len(major) - 1)
    kept, folded = minor[:room], minor[room:]
    if not folded:
        return tuple(major + kept)
    names = ", ".join(e.subject for e in folded[:3]) + (", …" if len(folded) > 3 else "")
    line = ClusterEvent(folded[0].at, EventKind.RESOURCE_MOVED, "resources",
                        f"{len(folded)} more resources moved or changed role: {names}")
    return tuple(major + kept + [line])


def failure_summary(failure: FailedOperation) -> str:
    """"monitor failed on node-a: not running (rc=7)" — shared by events and the failures pane."""
    reason = failure.exit_reason or failure.rc_text or failure.status
    return f"{failure.task} failed on {failure.node}: {reason} (rc={failure.rc})"
