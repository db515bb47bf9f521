"""The text of `hacon status`: what an operator needs first, in the order they need it.

The VIP holder comes first (it is where the SIP traffic goes), then the cluster line, nodes with
their state in words, the resource tree with problems in capitals, leftovers of `move`/`ban`, and
failures. Every name taken from the CIB passes through `printable`, so a resource called
``"\\x1b[31m"`` prints as that text and never as a terminal escape.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from console.model.cluster import (
    ClusterSnapshot,
    FailedOperation,
    LocationConstraint,
    Node,
    NodeState,
    Resource,
    Vip,
)
from console.model.constraints.leftovers import location_expiry
from console.model.live.advisories import Advisory
from console.model.constraints.parse import location_origin
from console.model.text_safety import printable, shell_word
from console.model.types import INFINITY
from console.presentation.advice_text import advisory_text_lines
from console.presentation.rows import (
    NOT_RUNNING,
    resource_tree,
    resource_type_text,
    status_cell,
)


def render_status(snapshot: ClusterSnapshot,
                  advisories: tuple[Advisory, ...] | None = None) -> str:
    """The whole status text, ending with a newline. `advisories`: a live run's (the nodes'
    probes add some); None, those of the CIB alone."""
    sections = [
        _vip_lines(snapshot),
        _cluster_lines(snapshot),
        _section("Nodes", _table(_node_row(snapshot, node) for node in _sorted_nodes(snapshot))),
        _section("Resources", _table(_resource_rows(snapshot))),
        _section("Leftover move/ban constraints", _leftover_lines(snapshot)),
        _section("Other bans", _ban_lines(snapshot)),
        _section("Failures", _failure_lines(snapshot)),
        _section("Advisories", [printable(line)
                                for line in advisory_text_lines(snapshot, advisories)]),
    ]
    return "\n".join(line for lines in sections for line in lines) + "\n"


def _section(title: str, lines: Sequence[str]) -> list[str]:
    return [title, *("  " + line for line in lines)] if lines else []


def _table(rows: Iterable[Sequence[str]]) -> list[str]:
    """Rows as left-aligned columns; columns empty in every row are left out."""
    materialised = [list(row) for row in rows]
    if not materialised:
        return []
    width = max(len(row) for row in materialised)
    for row in materialised:
        row.extend([""] * (width - len(row)))
    used = [i for i in range(width) if any(row[i] for row in materialised)]
    widths = {i: max(len(row[i]) for row in materialised) for i in used}
    return ["  ".join(row[i].ljust(widths[i]) for i in used).rstrip() for row in materialised]


# --- VIPs and the cluster line ----------------------------------------------------------------


def _vip_lines(snapshot: ClusterSnapshot) -> list[str]:
    if not snapshot.vips:
        return ["VIP none configured (no ocf:heartbeat:IPaddr2 resource)"]
    return [_vip_line(vip, snapshot.resources.get(vip.id)) for vip in snapshot.vips.values()]


def vip_where(vip: Vip) -> str:
    """Where a VIP is: "on node-a", "NOT RUNNING", or "on 2 nodes: node-a, node-b"."""
    holders = [printable(node) for node in vip.holder_nodes]
    if not holders:
        return "NOT RUNNING"
    if len(holders) == 1:
        return f"on {holders[0]}"
    return f"on {len(holders)} nodes: {', '.join(holders)}"


def _vip_line(vip: Vip, resource: Resource | None) -> str:
    address = printable(vip.ip) if vip.ip else "(no ip parameter)"
    if vip.cidr_netmask:
        address += "/" + printable(vip.cidr_netmask)
    line = f"VIP {address} ({printable(vip.id)}) {vip_where(vip)}"
    problems = status_cell(resource).text if resource is not None else "ok"
    said = ("ok", NOT_RUNNING)  # "NOT RUNNING" is already on the line
    return line if problems in said else f"{line}  {problems}"


def _cluster_lines(snapshot: ClusterSnapshot) -> list[str]:
    info = snapshot.info
    parts = [f"Cluster {printable(info.name) if info.name else '(unnamed)'}"]
    if info.dc is None:
        parts.append("NO DC")
    else:
        parts.append(f"DC {printable(info.dc)}")
        parts.append("quorum" if info.have_quorum else "NO QUORUM")
    parts.append("fencing on" if info.stonith_enabled else "fencing OFF")
    parts.append(f"CIB {info.version}")
    lines = [", ".join(parts)]
    if info.maintenance_mode:
        lines.append("MAINTENANCE MODE: the cluster manages no resource")
    if info.stop_all_resources:
        lines.append("STOP-ALL-RESOURCES is set: every resource is stopped")
    return lines


# --- nodes ------------------------------------------------------------------------------------


def _sorted_nodes(snapshot: ClusterSnapshot) -> list[Node]:
    return [snapshot.nodes[name] for name in sorted(snapshot.nodes)]


_STATE_WORDS = {
    NodeState.UNCLEAN: "UNCLEAN",
    NodeState.PENDING: "pending",
    NodeState.OFFLINE: "OFFLINE",
    NodeState.STANDBY: "standby",
    NodeState.MAINTENANCE: "maintenance",
    NodeState.ONLINE: "online",
}


def _node_row(snapshot: ClusterSnapshot, node: Node) -> list[str]:
    notes = []
    if node.is_dc:
        notes.append("DC")
    if node.type.value != "member":
        notes.append(node.type.value)
    if node.standby_onfail and not node.standby:
        notes.append("standby after failure")
    elif node.standby and node.state is not NodeState.STANDBY:
        notes.append("standby")
    if node.maintenance and node.state is not NodeState.MAINTENANCE:
        notes.append("maintenance")
    if node.shutdown:
        notes.append("shutting down")
    vip_ids = [vip.id for vip in snapshot.vips.values() if node.name in vip.holder_nodes]
    if vip_ids:
        notes.append("holds " + ", ".join(printable(v) for v in vip_ids))
    running = f"{node.resources_running} running" if node.resources_running else ""
    return [printable(node.name), _STATE_WORDS[node.state], running, " ".join(notes)]


# --- resources --------------------------------------------------------------------------------


def _resource_rows(snapshot: ClusterSnapshot) -> Iterable[list[str]]:
    for resource, prefix in resource_tree(snapshot):
        problems = status_cell(resource).text
        yield [
            printable(prefix + resource.id),
            resource.role,
            "" if problems == "ok" else problems,
            _where(resource),
            _failcount_text(resource),
            printable(resource_type_text(resource)),
        ]


def _where(resource: Resource) -> str:
    if resource.promoted_on:
        promoted = ", ".join(printable(node) for node in resource.promoted_on)
        others = ", ".join(printable(node) for node in resource.unpromoted_on)
        return f"promoted on {promoted}" + (f"; unpromoted on {others}" if others else "")
    if not resource.active_on:
        return ""
    return "on " + ", ".join(printable(node) for node in resource.active_on)


def _failcount_text(resource: Resource) -> str:
    counts = {node: count for node, count in resource.failcount.items() if count > 0}
    if not counts:
        return ""
    threshold = resource.migration_threshold
    limit = "" if threshold is None or threshold >= INFINITY else f"/{threshold}"
    listed = ", ".join(
        f"{printable(node)} {count}{limit}" for node, count in sorted(counts.items())
    )
    return f"failcount {listed}"


# --- leftovers, bans, failures ----------------------------------------------------------------


def _leftover_lines(snapshot: ClusterSnapshot) -> list[str]:
    return [_leftover_line(item) for item in snapshot.constraints.location if item.origin != "user"]


def _leftover_line(location: LocationConstraint) -> str:
    resource = printable(location.resource or location.resource_pattern or "?")
    node = printable(location.node) if location.node else _rule_nodes(location)
    verb = "prefers" if location.origin == "cli-prefer" else "is banned from"
    expiry = location_expiry(location)
    until = f" until {printable(expiry)}" if expiry else ""
    return (
        f"{printable(location.id)}: {resource} {verb} {node}{until} "
        f"(clear with: hacon clear {_clear_word(location)})"
    )


def _clear_word(location: LocationConstraint) -> str:
    return shell_word(location.resource or location.resource_pattern or "?")


def _rule_nodes(location: LocationConstraint) -> str:
    # crm_resource writes a rule with "#uname eq NODE" when the move has a lifetime.
    for rule in location.rules or ():
        for expression in rule.expressions:
            if expression.attributes.get("attribute") == "#uname":
                return printable(expression.attributes.get("value", "?"))
    return "(rule)"


def _ban_lines(snapshot: ClusterSnapshot) -> list[str]:
    # A ban from a rule carries the rule's id ("cli-ban-vip-on-a-rule"), hence the prefix test.
    leftover_ids = {item.id for item in snapshot.constraints.location if item.origin != "user"}
    return _table(
        [
            printable(ban.resource),
            "not on " + printable(ban.node),
            "(promoted role)" if ban.promoted_only else "",
            f"score {_score_text(ban.score)}",
            printable(ban.id),
        ]
        for ban in snapshot.bans
        if ban.id not in leftover_ids and location_origin(ban.id) == "user"
    )


def _score_text(score: int) -> str:
    if score <= -INFINITY:
        return "-INFINITY"
    if score >= INFINITY:
        return "INFINITY"
    return str(score)


def _failure_lines(snapshot: ClusterSnapshot) -> list[str]:
    lines = [_failure_line(failure) for failure in snapshot.failures]
    failed_pairs = {(failure.resource, failure.node) for failure in snapshot.failures}
    for resource, per_node in sorted(snapshot.failcounts.items()):
        for node, count in sorted(per_node.items()):
            if count > 0 and (resource, node) not in failed_pairs:
                lines.append(f"{printable(resource)} on {printable(node)}: fail-count {count}")
    return lines


def _failure_line(failure: FailedOperation) -> str:
    every = f" every {failure.interval_ms // 1000}s" if failure.interval_ms else ""
    reason = f": {printable(failure.exit_reason)}" if failure.exit_reason else ""
    return (
        f"{printable(failure.resource)} on {printable(failure.node)}: {printable(failure.task)}"
        f"{every} returned {failure.rc} ({printable(failure.rc_text)}), "
        f"{printable(failure.status)}{reason}"
    )
