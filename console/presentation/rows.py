"""Pure presentation: the words and rows the console shows, without any UI toolkit.

Every function here turns frozen snapshots into plain text cells. A cell carries a *tone*: the
name of a semantic theme variable ("status-failed", "node-standby", ...) that the UI maps to a
colour. The words always say the state on their own, so colour never carries meaning alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from console.model.cluster import (
    ClusterSnapshot,
    LocationConstraint,
    Node,
    NodeState,
    Resource,
    ResourceKind,
    ResourceSet,
)
from console.model.live.advisories import Severity, vip_services
from console.model.live.snapshot import LiveSnapshot, NodeView, Verdict
from console.model.text_safety import printable
from console.model.types import INFINITY
from console.model.upkeep import lifetime_node, remaining_s


@dataclass(frozen=True, slots=True)
class Cell:
    """One piece of text and the semantic tone (theme variable name) it is shown in."""

    text: str
    tone: str | None = None
    bold: bool = False

    def __post_init__(self) -> None:
        # Every cell of every pane and banner line is built here: the one place where a name
        # from the CIB or a node's reason is made inert before it can reach the terminal.
        safe = printable(self.text)
        if safe is not self.text:
            object.__setattr__(self, "text", safe)


Row = tuple[str, tuple[Cell, ...]]
"""A table row: a stable key (node name, resource id, ...) and its cells in column order."""

NODE_TONES = {
    NodeState.ONLINE: "node-online",
    NodeState.STANDBY: "node-standby",
    NodeState.MAINTENANCE: "status-unmanaged",
    NodeState.OFFLINE: "node-offline",
    NodeState.PENDING: "node-offline",
    NodeState.UNCLEAN: "node-unclean",
}
SEVERITY_TONES = {
    Severity.CRITICAL: "severity-critical",
    Severity.WARNING: "severity-warning",
    Severity.INFO: "severity-info",
}
ROLE_TONES = {
    "Started": "status-started",
    "Promoted": "status-promoted",
    "Unpromoted": "status-started",
    "Stopped": "status-stopped",
}


def age_text(seconds: float) -> str:
    """A short human age: "4 s", "3 min", "2 h 5 min"."""
    seconds = max(0, int(seconds))
    if seconds < 90:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


NOT_RUNNING = "not running"
"""The status of a resource that runs nowhere although nobody disabled it."""
FRESH_S = 10
"""Data younger than this is just "fresh": an age that ticks every second would repaint the
screen every second for nothing (the console may run over a slow SSH link)."""


def data_age_text(seconds: float) -> str:
    """The age of live data: "< 10 s" while fresh, then "12 s", "3 min"..."""
    return f"< {FRESH_S} s" if seconds < FRESH_S else age_text(seconds)


def clock_text(at: float) -> str:
    """Local wall-clock time of day, "12:01:03"."""
    return time.strftime("%H:%M:%S", time.localtime(at))


def date_time_text(at: float) -> str:
    """Local date and time, "2026-11-29 12:01:03"."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(at))


def is_file_snapshot(live: LiveSnapshot) -> bool:
    """A snapshot read from a file: no node was asked, so it is neither live nor stale."""
    return not live.views and live.verdict is Verdict.UNKNOWN


# --- nodes ----------------------------------------------------------------------------------


def node_state_cell(node: Node) -> Cell:
    """The node's state in words; extra flags appended ("standby, shutting down")."""
    state = node.state
    words = state.value.upper() if state in (NodeState.OFFLINE, NodeState.UNCLEAN) else state.value
    if node.standby_onfail and state is NodeState.STANDBY:
        words += " (on-fail)"
    if node.shutdown:
        words += ", shutting down"
    return Cell(words, NODE_TONES[state], bold=state is not NodeState.ONLINE)


def node_rows(live: LiveSnapshot, now: float) -> list[Row]:
    """One row per node: name, state, DC, quorum, reachability, data age, resources."""
    cluster = live.cluster
    names = sorted(set(cluster.nodes if cluster else ()) | set(live.views))
    return [(name, _node_cells(live, name, now)) for name in names]


def _node_cells(live: LiveSnapshot, name: str, now: float) -> tuple[Cell, ...]:
    node = live.cluster.nodes.get(name) if live.cluster else None
    view = live.views.get(name)
    state = node_state_cell(node) if node else Cell("unknown", "node-offline")
    dc = Cell("DC", bold=True) if node and node.is_dc else Cell("")
    running = Cell(str(node.resources_running)) if node else Cell("")
    return (Cell(name, bold=True), state, dc, _quorum_cell(live, node, view),
            _fenced_cell(live, name) or _reach_cell(view), _age_cell(live, view, now), running)


def _fenced_cell(live: LiveSnapshot, name: str) -> Cell | None:
    """"UNREACHABLE · fenced by node-b at 12:01:10" (or "reachable · ..."): why it went."""
    event = live.fencing.last_fencing_of(name)
    if event is None:
        return None
    view = live.views.get(name)
    where = "reachable" if view is not None and view.reachable else "UNREACHABLE"
    by = event.delegate or event.origin or "?"
    when = clock_text(event.completed_at) if event.completed_at is not None else "?"
    return Cell(f"{where} · fenced by {by} at {when}", "node-unclean" if where != "reachable"
                else "node-online", bold=where != "reachable")


def _quorum_cell(live: LiveSnapshot, node: Node | None, view: NodeView | None) -> Cell:
    if view is not None:
        if not view.reachable or view.quorate is None:
            return Cell("?", "data-stale")
        return Cell("quorate") if view.quorate else Cell("NO QUORUM", "status-failed", bold=True)
    if live.cluster and node and node.is_dc:
        have = live.cluster.info.have_quorum
        return Cell("quorate") if have else Cell("NO QUORUM", "status-failed", bold=True)
    return Cell("-")


def _reach_cell(view: NodeView | None) -> Cell:
    if view is None:
        return Cell("file", "data-stale")
    if view.reachable:
        return Cell("reachable", "node-online")
    return Cell("UNREACHABLE", "node-offline", bold=True)  # the banner says why


def _age_cell(live: LiveSnapshot, view: NodeView | None, now: float) -> Cell:
    fetched = view.fetched_at if view else None
    if fetched is None:
        return Cell("-")
    return Cell(data_age_text(now - fetched))


# --- resources ------------------------------------------------------------------------------


def resource_tree(cluster: ClusterSnapshot) -> list[tuple[Resource, str]]:
    """Every resource once, in configuration order, with its tree prefix ("", "├ ", "└ ", ...).

    A resource listed as a child twice (bundles may) or whose parent is unknown is still shown
    exactly once: row keys must be unique.
    """
    ordered: list[tuple[Resource, str]] = []
    visited: set[str] = set()
    tops = [r for r in cluster.resources.values()
            if r.parent is None or r.parent not in cluster.resources]
    for resource in tops:
        ordered.extend(_subtree(cluster, resource, "", "", visited))
    ordered.extend((r, "") for r in cluster.resources.values() if r.id not in visited)
    return ordered


def _subtree(
    cluster: ClusterSnapshot, resource: Resource, prefix: str, indent: str, visited: set[str]
) -> Iterator[tuple[Resource, str]]:
    if resource.id in visited:
        return
    visited.add(resource.id)
    yield resource, prefix
    children = [cluster.resources[c] for c in dict.fromkeys(resource.children)
                if c in cluster.resources and c not in visited]
    for index, child in enumerate(children):
        last = index == len(children) - 1
        branch = "└ " if last else "├ "
        yield from _subtree(cluster, child, indent + branch,
                            indent + ("  " if last else "│ "), visited)


def vip_marks(cluster: ClusterSnapshot) -> dict[str, str]:
    """Resource id -> mark: "VIP" for a VIP, "with <vip>" for its colocated services."""
    marks: dict[str, str] = {}
    for vip in cluster.vips.values():
        for service in vip_services(cluster, vip):
            marks.setdefault(service, f"with {vip.id}")
    for vip in cluster.vips.values():
        marks[vip.id] = "VIP"
    return marks


def resource_rows(cluster: ClusterSnapshot) -> list[Row]:
    """The resource tree as rows: name, role, nodes, status, failcount, VIP mark, type."""
    marks = vip_marks(cluster)
    return [(resource.id, _resource_cells(cluster, resource, prefix, marks.get(resource.id, "")))
            for resource, prefix in resource_tree(cluster)]


def _resource_cells(
    cluster: ClusterSnapshot, resource: Resource, prefix: str, mark: str
) -> tuple[Cell, ...]:
    vip_tone = "vip-holder" if mark else None
    return (
        Cell(prefix + resource.id, bold=resource.parent is None),
        _role_cell(resource),
        Cell(_nodes_text(resource)),
        status_cell(resource),
        _failcount_cell(cluster, resource),
        Cell(mark, vip_tone, bold=mark == "VIP"),
        Cell(resource_type_text(resource)),
    )


def resource_type_text(resource: Resource) -> str:
    """"IPaddr2", "group", "clone", "promotable" — the short kind of a resource."""
    if resource.kind is ResourceKind.PRIMITIVE:
        return (resource.agent or "?").rsplit(":", 1)[-1]
    return "promotable" if resource.kind is ResourceKind.PROMOTABLE_CLONE else resource.kind.value


def _role_cell(resource: Resource) -> Cell:
    if resource.failed:
        return Cell(resource.role, "status-failed", bold=True)
    return Cell(resource.role, ROLE_TONES.get(resource.role, "status-unmanaged"))


def _nodes_text(resource: Resource) -> str:
    if resource.promoted_on:
        return "promoted " + ", ".join(resource.promoted_on) + (
            "; " + ", ".join(resource.unpromoted_on) if resource.unpromoted_on else "")
    return ", ".join(resource.active_on) if resource.active_on else "-"


def status_cell(resource: Resource) -> Cell:
    """Problems in words: FAILED, BLOCKED, unmanaged, disabled, orphaned, "not running"
    (stopped though not disabled); "ok" otherwise."""
    words = []
    if resource.failed:
        words.append("FAILED")
    if resource.blocked:
        words.append("BLOCKED")
    if not resource.managed:
        words.append("unmanaged")
    if (resource.target_role or "").lower() == "stopped":
        words.append("disabled")
    if resource.orphaned:
        words.append("orphaned")
    if not words and not resource.active_on:
        # Stopped without being disabled: not "ok" (every node in standby, a failed start).
        return Cell(NOT_RUNNING, "status-stopped", bold=True)
    if not words:
        return Cell("ok", "status-started")
    tone = "status-failed" if resource.failed or resource.blocked else "status-unmanaged"
    return Cell(" ".join(words), tone, bold=True)


def _failcount_cell(cluster: ClusterSnapshot, resource: Resource) -> Cell:
    counts = {node: n for node, n in resource.failcount.items() if n > 0}
    if not counts:
        return Cell("")
    threshold = resource.migration_threshold
    limit = "∞" if threshold is None or threshold >= INFINITY else str(threshold)
    text = " ".join(f"{node} {count}/{limit}" for node, count in sorted(counts.items()))
    reached = threshold is not None and max(counts.values()) >= threshold
    near = threshold is not None and max(counts.values()) >= threshold - 1
    tone = "status-failed" if reached else "severity-warning" if near else None
    return Cell(text, tone, bold=reached)


# --- constraints ----------------------------------------------------------------------------


def constraint_rows(cluster: ClusterSnapshot, now: float | None = None) -> list[Row]:
    """Location, colocation and order constraints: meaning ("A with B", "A then B",
    "A prefers node"; leftovers of move/ban say so, with the time left of a lifetime), score,
    id."""
    constraints = cluster.constraints
    rows: list[Row] = []
    for location in constraints.location:
        leftover = location.origin in ("cli-prefer", "cli-ban")
        tone = "constraint-leftover" if leftover else None
        what = _location_text(location.resource or location.resource_pattern, location.node,
                              location.score_int, location.rules is not None)
        lifetime = _lifetime_cells(location, now) if leftover else None
        if lifetime is not None:
            what, score_cell = lifetime
        else:
            score_cell = Cell(location.score or "rule")
        if leftover:
            what = f"LEFTOVER {location.origin}: {what}"
        rows.append((location.id, (Cell(what, tone, bold=leftover), score_cell,
                                   Cell(location.id, tone))))
    for colocation in constraints.colocation:
        what = _pair_text(colocation.resource, "with", colocation.with_resource, colocation.sets)
        rows.append((colocation.id, (Cell(what), Cell(colocation.score or "-"),
                                     Cell(colocation.id))))
    for order in constraints.order:
        what = _pair_text(order.first, "then", order.then, order.sets)
        rows.append((order.id, (Cell(what), Cell(order.kind or order.score or "Mandatory"),
                                Cell(order.id))))
    return rows


def _lifetime_cells(location: LocationConstraint, now: float | None) -> tuple[str, Cell] | None:
    """A move/ban with a lifetime: its meaning, and the time left ("27 min left", "EXPIRED")."""
    left = remaining_s(location, now if now is not None else time.time())
    if left is None:
        return None
    score = next((rule.score for rule in location.rules or () if rule.score), None) or ""
    verb = "never on" if score.startswith("-") else "only on"
    what = f"{location.resource} {verb} {lifetime_node(location)}"
    if left <= 0:
        return what, Cell(f"EXPIRED {age_text(-left)} ago", "status-failed", bold=True)
    return what, Cell(f"{age_text(left)} left", "severity-warning")


def _location_text(resource: str | None, node: str | None, score: int | None, rules: bool) -> str:
    if rules or node is None:
        return f"{resource} (rule)"
    verb = "avoids" if (score or 0) < 0 else "prefers"
    if score is not None and abs(score) >= INFINITY:
        verb = "never on" if score < 0 else "only on"
    return f"{resource} {verb} {node}"


def _pair_text(
    first: str | None, word: str, second: str | None, sets: tuple[ResourceSet, ...] | None
) -> str:
    if first and second:
        return f"{first} {word} {second}"
    return f" {word} ".join("(" + " ".join(s.resources) + ")" for s in sets or ())
