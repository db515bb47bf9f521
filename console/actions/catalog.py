"""The one table of guarded actions: each kind's verb, guard, planner and executor.

A new action is one row here (plus its guard in `guards`, its planner in `plans`, and its key):
the request (`requests.GuardedRequest`), the executor's re-planning (`execute`), the audit
journal and the console's status bar all read the row instead of dispatching on the kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from console.actions import config_edits, fence, fixes, guards, lifecycle, plans, upkeep
from console.actions.fence_side import fence_run_on
from console.actions.plans import ActionKind, ActionPlan, ActionRefused
from console.model.live.snapshot import LiveSnapshot


class Target(Protocol):
    """What an action is aimed at: a request as asked, or a plan being re-planned."""

    @property
    def node(self) -> str | None: ...

    @property
    def resource(self) -> str | None: ...

    @property
    def when(self) -> str | None: ...

    @property
    def force(self) -> bool: ...

    @property
    def value(self) -> str | None: ...


class Executor(str, Enum):
    """How the executor applies a plan."""

    PATCH = "patch"
    """A versioned CIB patch (`cibadmin --patch`): compare-and-swap, re-planned on exit 103."""
    TOOL = "tool"
    """Pacemaker's own tool (no compare-and-swap): the guard and the preview are checked again
    on a fresh CIB just before it runs."""


Guard = Callable[[guards.Snapshot, Target, "float | None"], "str | None"]
Planner = Callable[[bytes, Target, str], ActionPlan]
RunOn = Callable[[LiveSnapshot, Target], "str | None"]


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One row of the table."""

    kind: ActionKind
    verb: str
    """How the operator names it ("standby unavailable: ...", the journal's action)."""
    aims_at_node: bool
    """True: the node is the target (journal, title); else the resource (or node) is."""
    guard: Guard
    planner: Planner
    executor: Executor = Executor.PATCH
    stamped: bool = False
    """The request carries the moment it was asked (`when`): maintenance's start, or the time
    expiry is judged at."""
    chooses_node: RunOn | None = None
    """Where to read the CIB and run the command, when not the snapshot's source node (a
    fence runs on the side of a partition that does not include the node)."""

    def run_on(self, snapshot: LiveSnapshot, target: Target) -> str | None:
        """The node the runner plans on and runs the command on."""
        if self.chooses_node is None:
            return snapshot.source_node
        return self.chooses_node(snapshot, target)

    def target_of(self, target: Target) -> str | None:
        """The node or resource acted on (the audit journal's target)."""
        if self.aims_at_node:
            return target.node
        return target.resource or target.node


def needed(value: str | None, what: str) -> str:
    """`value`, or a refusal naming what the action lacks."""
    if value is None:
        raise ActionRefused(f"this action needs a {what}")
    return value


def _fix_spec(kind: ActionKind, verb: str) -> ActionSpec:
    """A configuration fix: guarded and planned by its kind alone (it needs no target)."""
    return ActionSpec(
        kind, verb, False,
        lambda snap, t, now: fixes.fix_blocked_reason(snap, kind, now=now),
        lambda cib, t, run_on: fixes.plan_fix(cib, kind, run_on=run_on))


ACTIONS: dict[ActionKind, ActionSpec] = {spec.kind: spec for spec in (
    ActionSpec(ActionKind.STANDBY, "standby", True,
               lambda snap, t, now: guards.standby_blocked_reason(snap, t.node or "", now=now),
               lambda cib, t, run_on: plans.plan_standby(cib, needed(t.node, "node"),
                                                         run_on=run_on)),
    ActionSpec(ActionKind.ONLINE, "online", True,
               lambda snap, t, now: guards.online_blocked_reason(snap, t.node or "", now=now),
               lambda cib, t, run_on: plans.plan_online(cib, needed(t.node, "node"),
                                                        run_on=run_on)),
    ActionSpec(ActionKind.CLEANUP, "cleanup", False,
               lambda snap, t, now: guards.cleanup_blocked_reason(snap, t.resource or "",
                                                                  t.node, now=now),
               lambda cib, t, run_on: plans.plan_cleanup(cib, needed(t.resource, "resource"),
                                                         t.node, run_on=run_on),
               Executor.TOOL),
    ActionSpec(ActionKind.CLEAR, "clear", False,
               lambda snap, t, now: guards.clear_blocked_reason(snap, t.resource, now=now),
               lambda cib, t, run_on: plans.plan_clear(cib, t.resource, run_on=run_on)),
    ActionSpec(ActionKind.FAILBACK, "failback", False,
               lambda snap, t, now: guards.failback_blocked_reason(snap, now=now),
               lambda cib, t, run_on: plans.plan_failback(cib, run_on=run_on)),
    ActionSpec(ActionKind.MAINTENANCE_ON, "maintenance on", False,
               lambda snap, t, now: upkeep.maintenance_blocked_reason(snap, True, t.node,
                                                                      t.resource, now=now),
               lambda cib, t, run_on: upkeep.plan_maintenance(cib, True, t.node, t.resource,
                                                              t.when, run_on=run_on),
               stamped=True),
    ActionSpec(ActionKind.MAINTENANCE_OFF, "maintenance off", False,
               lambda snap, t, now: upkeep.maintenance_blocked_reason(snap, False, t.node,
                                                                      t.resource, now=now),
               lambda cib, t, run_on: upkeep.plan_maintenance(cib, False, t.node, t.resource,
                                                              t.when, run_on=run_on)),
    ActionSpec(ActionKind.MOVE, "move", False,
               lambda snap, t, now: upkeep.move_blocked_reason(snap, t.resource or "", t.node,
                                                               False, now=now),
               lambda cib, t, run_on: upkeep.plan_move(cib, needed(t.resource, "resource"),
                                                       t.node, False, t.when, run_on=run_on)),
    ActionSpec(ActionKind.BAN, "ban", False,
               lambda snap, t, now: upkeep.move_blocked_reason(snap, t.resource or "",
                                                               t.node or "", True, now=now),
               lambda cib, t, run_on: upkeep.plan_move(cib, needed(t.resource, "resource"),
                                                       needed(t.node, "node"), True, t.when,
                                                       run_on=run_on)),
    ActionSpec(ActionKind.CLEAR_EXPIRED, "clear --expired", False,
               lambda snap, t, now: upkeep.clear_expired_blocked_reason(snap, t.resource,
                                                                        now=now),
               lambda cib, t, run_on: upkeep.plan_clear_expired(cib, t.resource, t.when,
                                                                run_on=run_on),
               stamped=True),
    ActionSpec(ActionKind.DISABLE, "disable", False,
               lambda snap, t, now: lifecycle.disable_blocked_reason(snap, t.resource or "",
                                                                     t.force, now=now),
               lambda cib, t, run_on: lifecycle.plan_disable(cib, needed(t.resource, "resource"),
                                                             t.force, run_on=run_on)),
    ActionSpec(ActionKind.ENABLE, "enable", False,
               lambda snap, t, now: lifecycle.enable_blocked_reason(snap, t.resource or "",
                                                                    now=now),
               lambda cib, t, run_on: lifecycle.plan_enable(cib, needed(t.resource, "resource"),
                                                            run_on=run_on)),
    ActionSpec(ActionKind.REFRESH, "refresh", False,
               lambda snap, t, now: lifecycle.refresh_blocked_reason(snap, t.resource or "",
                                                                     t.node, now=now),
               lambda cib, t, run_on: lifecycle.plan_refresh(cib, needed(t.resource, "resource"),
                                                             t.node, run_on=run_on),
               Executor.TOOL),
    ActionSpec(ActionKind.RESTART, "restart", False,
               lambda snap, t, now: lifecycle.restart_blocked_reason(snap, t.resource or "",
                                                                     t.force, now=now),
               lambda cib, t, run_on: lifecycle.plan_restart(cib, needed(t.resource, "resource"),
                                                             t.force, run_on=run_on)),
    ActionSpec(ActionKind.FENCE, "fence", True,
               lambda snap, t, now: fence.fence_blocked_reason(snap, t.node or "", now=now),
               lambda cib, t, run_on: fence.plan_fence(cib, needed(t.node, "node"),
                                                       run_on=run_on, when=t.when),
               Executor.TOOL,
               chooses_node=lambda snap, t: fence_run_on(snap, t.node or "")),
    *(_fix_spec(kind, verb) for kind, verb in (
        (ActionKind.FIX_COLOCATION, "fix vip-not-colocated"),
        (ActionKind.FIX_ORDER, "fix vip-not-ordered"),
        (ActionKind.FIX_STICKINESS, "fix no-stickiness"),
        (ActionKind.FIX_PREFERRED, "fix no-preferred-node"),
        (ActionKind.FIX_THRESHOLD, "fix no-migration-threshold"),
    )),
    ActionSpec(ActionKind.CONFIG_STICKINESS, "config stickiness", False,
               lambda snap, t, now: config_edits.stickiness_blocked_reason(snap, t.value, now=now),
               lambda cib, t, run_on: config_edits.plan_stickiness(cib, t.value, run_on=run_on)),
    ActionSpec(ActionKind.CONFIG_PREFER, "config prefer", False,
               lambda snap, t, now: config_edits.prefer_blocked_reason(snap, t.resource, t.node,
                                                                       t.value, now=now),
               lambda cib, t, run_on: config_edits.plan_prefer(
                   cib, needed(t.resource, "resource"), t.node, t.value, run_on=run_on)),
    ActionSpec(ActionKind.CONFIG_THRESHOLD, "config threshold", False,
               lambda snap, t, now: config_edits.threshold_blocked_reason(snap, t.resource,
                                                                          t.value, now=now),
               lambda cib, t, run_on: config_edits.plan_threshold(
                   cib, needed(t.resource, "resource"), t.value, run_on=run_on)),
)}
"""Every guarded action, by kind."""


def spec_of(kind: ActionKind) -> ActionSpec:
    """The table's row for `kind`."""
    return ACTIONS[kind]


def plan_on(cib: bytes, kind: ActionKind, target: Target, run_on: str) -> ActionPlan:
    """Plan `kind` on `target` from CIB bytes (the guard included: raises ActionRefused)."""
    return ACTIONS[kind].planner(cib, target, run_on)


def rebuild(plan: ActionPlan, cib: bytes) -> ActionPlan:
    """The same action planned again on a fresher CIB (guard included)."""
    return plan_on(cib, plan.kind, plan, plan.run_on)
