"""Where the demo's two resources should run, and the actions that get them there.

A small stand-in for Pacemaker's scheduler, exact for this one configuration: ClusterIP with a
small preference for one node, OSIPS colocated with it (INFINITY) and ordered after it, stickiness
1, migration-threshold on OSIPS, cli-ban constraints and standby. tests/demo holds every settled
state it produces against the real `crm_simulate` (no actions predicted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from console.demo.config import (
    MIGRATION_THRESHOLD,
    PREFERRED_NODE_SCORE,
    SERVICE_ID,
    VIP_ID,
    DemoConfig,
)
from console.demo.state import NodeRuntime
from console.model.types import INFINITY, is_true


@dataclass(frozen=True, slots=True)
class Step:
    """One resource action of a transition."""

    operation: str
    """start, stop or monitor (recurring)."""
    resource: str
    node: str


def is_standby(config: DemoConfig, runtime: NodeRuntime) -> bool:
    """Effective standby: the transient value, when set, overrides the permanent one."""
    value = runtime.transient.get("standby")
    if value is None:
        value = config.standby_value(runtime.name)
    return is_true(value)


def allowed(resource: str, config: DemoConfig, runtime: NodeRuntime) -> bool:
    """Whether a resource may run on a node, ignoring colocation."""
    if is_standby(config, runtime):
        return False
    if any(ban.resource == resource and ban.node == runtime.name for ban in config.bans):
        return False
    return resource != SERVICE_ID or runtime.fail_count(resource) < MIGRATION_THRESHOLD


def choose_vip_node(config: DemoConfig, runtimes: Sequence[NodeRuntime]) -> str | None:
    """The node ClusterIP should run on among the partition's members (None: nowhere)."""
    candidates = [rt for rt in runtimes if allowed(VIP_ID, config, rt)]
    # A mandatory colocation lets the dependent's -INFINITY reach the VIP's choice.
    both = [rt for rt in candidates if allowed(SERVICE_ID, config, rt)]
    pool = both or candidates
    if not pool:
        return None
    return max(pool, key=lambda rt: (_score(config, rt), _name_rank(rt.name))).name


def _score(config: DemoConfig, runtime: NodeRuntime) -> int:
    preference = PREFERRED_NODE_SCORE if runtime.name == config.preferred_node else 0
    # A cli-prefer of either resource pulls both (mandatory colocation): INFINITY wins.
    if any(prefer.node == runtime.name for prefer in config.prefers):
        preference += INFINITY
    stickiness = sum(1 for rsc in (VIP_ID, SERVICE_ID) if runtime.history[rsc].running)
    return preference + stickiness


def _name_rank(name: str) -> tuple[int, ...]:
    # Ties go to the node that sorts first.
    return tuple(-ord(char) for char in name)


def plan_transition(config: DemoConfig, runtimes: Sequence[NodeRuntime],
                    quorate: bool) -> list[Step]:
    """The actions that move the partition from where things run to where they should run."""
    by_name = {rt.name: rt for rt in runtimes}
    vip_target = choose_vip_node(config, runtimes) if quorate else None
    service_target = vip_target if vip_target and allowed(
        SERVICE_ID, config, by_name[vip_target]) else None
    vip_restart = _restart_nodes(VIP_ID, vip_target, by_name)
    service_stops = _restart_nodes(SERVICE_ID, service_target, by_name)
    # Mandatory order: a VIP that stops takes the service on the same node down first.
    service_stops |= {name for name in vip_restart if by_name[name].running(SERVICE_ID)}
    steps = [Step("stop", SERVICE_ID, name) for name in sorted(service_stops)]
    steps += [Step("stop", VIP_ID, name) for name in sorted(vip_restart)]
    steps += _start_steps(VIP_ID, vip_target, vip_restart, by_name)
    steps += _start_steps(SERVICE_ID, service_target, service_stops, by_name)
    return steps


def _restart_nodes(resource: str, target: str | None,
                   by_name: Mapping[str, NodeRuntime]) -> set[str]:
    active = {name for name, rt in by_name.items() if rt.running(resource)}
    failed = {name for name, rt in by_name.items() if rt.history[resource].needs_recovery}
    if len(active) > 1:
        return active  # multiple-active=stop_start: stop every copy, then start one
    return {name for name in active if name != target} | failed


def _start_steps(resource: str, target: str | None, stopped: set[str],
                 by_name: Mapping[str, NodeRuntime]) -> list[Step]:
    if target is None:
        return []
    if by_name[target].history[resource].running and target not in stopped:
        return []
    return [Step("start", resource, target), Step("monitor", resource, target)]
