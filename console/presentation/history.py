"""Words for a transition, shared by `hacon history` and the History screen (pure text)."""

from __future__ import annotations

import time

from console.model.transitions.explain import Transition
from console.model.transitions.incidents import Incident
from console.presentation.rows import Cell, Row


def short_time(epoch: int | None) -> str:
    """`2026-12-06 09:07:07` (UTC), or `time unknown`."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch)) if epoch else "time unknown"


def where(nodes: tuple[str, ...] | None) -> str:
    """`node-a`, `node-a+node-b`, `stopped`, or `?` when unknown."""
    if nodes is None:
        return "?"
    return "+".join(nodes) if nodes else "stopped"


def origin_line(transition: Transition) -> str:
    """`pe-input-12 on node-a, transition 12 Complete`."""
    name = transition.ref.name.removesuffix(".bz2")
    line = f"{name} on {transition.computed_by}"
    if transition.number is not None:
        line += f", transition {transition.number}"
        line += f" {transition.result}" if transition.result else " (no result logged)"
    return line


def action_line(transition: Transition) -> str:
    """The actions in one line, with where they were read from."""
    if not transition.actions:
        none = "no actions" if transition.actions_from != "none" else (
            "actions unknown (newest input, not replayed)")
        return none
    texts = "; ".join(action.text for action in transition.actions)
    return f"{texts}  [from {transition.actions_from}]"


def vip_lines(transition: Transition) -> list[str]:
    """Each VIP's holder before and after: `VIP ClusterIP 10.0.0.10: node-a -> node-b`."""
    lines = []
    for vip_id, address in sorted(transition.vips.items()):
        before = transition.before.get(vip_id)
        after = transition.after.get(vip_id) if transition.after is not None else None
        change = where(before) if after == before else f"{where(before)} -> {where(after)}"
        lines.append(f"VIP {vip_id} {address}: {change}")
    return lines


def service_lines(transition: Transition) -> list[str]:
    """Every other resource whose placement changed: `OSIPS: node-a -> node-b`."""
    lines = []
    for rid, before in sorted(transition.before.items()):
        if rid in transition.vips:
            continue
        after = transition.after.get(rid) if transition.after is not None else None
        if after is not None and after != before:
            lines.append(f"{rid}: {where(before)} -> {where(after)}")
    return lines


def score_lines(transition: Transition) -> list[str]:
    """Allocation scores per resource, from the crm_simulate replay."""
    return [f"{rid}: " + ", ".join(f"{node} {score}" for node, score in nodes.items())
            for rid, nodes in sorted(transition.scores.items())]


def transition_detail(transition: Transition) -> list[str]:
    """The full explanation of one transition, one line per fact."""
    lines = [f"{short_time(transition.executed_at)}  {origin_line(transition)}"]
    lines += [f"  cause [{cause.category.value}] {cause.text}" for cause in transition.causes]
    lines.append(f"  did: {action_line(transition)}")
    lines += [f"  {line}" for line in vip_lines(transition) + service_lines(transition)]
    lines += [f"  kept: {note}" for note in transition.kept]
    scores = score_lines(transition)
    if scores:
        lines.append("  scores (crm_simulate -s): " + "; ".join(scores))
    return lines


def incident_summary(incident: Incident) -> str:
    """One line: time, category, headline."""
    return (f"{short_time(incident.started_at)}  {incident.category.value:<11} "
            f"{incident.headline}")


CATEGORY_TONES = {
    "node-lost": "status-failed", "failure": "status-failed", "recovery": "node-standby",
    "standby": "node-standby", "online": "node-online", "maintenance": "status-unmanaged",
    "constraint": "vip-holder", "stickiness": "vip-holder", "config": "vip-holder",
    "unknown": "data-stale",
}
"""Theme variable per category (the category is always written out too)."""


def incident_row(incident: Incident) -> Row:
    """A timeline row: `12-06 09:07:07`, category, the headline and how many transitions."""
    count = len(incident.transitions)
    more = f" (+{count - 1})" if count > 1 else ""
    moved = incident_vip_change(incident)
    headline = f"{moved}; {incident.headline}" if moved else incident.headline
    return (incident.key, (
        Cell(time.strftime("%m-%d %H:%M:%S", time.gmtime(incident.started_at))
             if incident.started_at else "?"),
        Cell(incident.category.value, CATEGORY_TONES.get(incident.category.value)),
        Cell(headline + more)))


def incident_vip_change(incident: Incident) -> str:
    """`VIP node-a -> node-b` when the incident moved or stopped a VIP, else empty."""
    first, last = incident.transitions[0], incident.transitions[-1]
    changes = []
    for vip_id in sorted(first.vips):
        before = first.before.get(vip_id)
        after = last.after.get(vip_id) if last.after is not None else None
        if after is not None and after != before:
            changes.append(f"{vip_id} {where(before)} -> {where(after)}")
    return "; ".join(changes)


def incident_detail(incident: Incident) -> list[str]:
    """Every transition of the incident, explained."""
    lines = [incident_summary(incident)]
    for transition in incident.transitions:
        lines += ["", *transition_detail(transition)]
    return lines
