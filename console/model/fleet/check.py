"""`hacon check`: one cluster's state in the Monitoring Plugins format (Nagios, Icinga, ...).

The answer comes from every node's view at once, so a split brain is seen (each side alone
looks healthy to a check that reads `crm_mon` on one node). States, worst wins:
  CRITICAL  split brain; a VIP bound on no node; a VIP bound where Pacemaker does not run it;
            the service not running (or not answering) where the VIP is; fencing failed;
  WARNING   an uncertain or partitioned verdict; nodes away (offline, standby, maintenance)
            beyond the threshold; a failcount at or past half its migration-threshold;
            leftover `crm_resource --move/--ban` constraints; a node hacon cannot reach;
  UNKNOWN   no node reachable, or no node gave its CIB.
Numeric facts also go out as performance data, each with its thresholds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from console.model.cluster import ClusterSnapshot, NodeState, NodeType, ResourceKind
from console.model.live.snapshot import KernelTruth, LiveSnapshot
from console.model.types import INFINITY


class CheckState(IntEnum):
    """The plugin's exit status; the name is the word of the summary line."""

    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3


SEVERITY_RANK = {CheckState.CRITICAL: 0, CheckState.UNKNOWN: 1, CheckState.WARNING: 2,
                 CheckState.OK: 3}
"""Worst first: a cluster nobody can see ranks just below one known to be broken."""

_WARNING_VERDICTS = {"partitioned", "uncertain"}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Limits where numbers apply; None turns that limit off.

    A number is "past" a limit when it is greater than it (Monitoring Plugins' `-w 10` means
    "warn above 10"), except the failcount ratio, which warns at or past its limit.
    """

    away_warning: int | None = 0
    """Nodes away (offline, standby, maintenance, unclean, pending) above this warn."""
    away_critical: int | None = None
    failcount_warning: float | None = 0.5
    """A failcount at or past this share of its migration-threshold warns."""
    failcount_critical: float | None = None
    age_warning: float | None = 60.0
    """Data older than this (seconds) warns (a node answering slowly, a clock off)."""
    age_critical: float | None = None
    failovers_warning: int | None = None
    """VIP starts within `window` above this warn."""
    failovers_critical: int | None = None
    window: float = 3600.0
    """Seconds back in time that count as "recent" for VIP starts."""


@dataclass(frozen=True, slots=True)
class Metrics:
    """The numbers of one check, also the performance data."""

    nodes_online: int = 0
    nodes_total: int = 0
    nodes_away: int = 0
    resources_failed: int = 0
    failcount_ratio: float = 0.0
    data_age: float | None = None
    vip_failovers: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason for the state: how bad, and one line for the operator."""

    state: CheckState
    text: str


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict of one check: its state, every reason (worst first) and the numbers."""

    state: CheckState
    findings: tuple[Finding, ...]
    metrics: Metrics
    summary: str
    """The summary line's text after the state word."""


def evaluate(live: LiveSnapshot, thresholds: Thresholds, now: float,
             vip_failovers: int | None = None) -> CheckResult:
    """Judge one cluster from its live snapshot.

    Args:
        live: the snapshot of one round over every node.
        thresholds: the operator's limits.
        now: time.time() of the judgement (data age is measured against it).
        vip_failovers: VIP starts within the window, when the caller could count them.
    """
    metrics = measure(live, now, vip_failovers)
    found: tuple[Finding, ...]
    if not live.reached or live.cluster is None:
        why = ("no node reachable: " + _unreachable_text(live) if not live.reached
               else "no node gave its CIB")
        found = (Finding(CheckState.UNKNOWN, why),)
    else:
        found = tuple(sorted([*_live_findings(live), *_cluster_findings(live.cluster),
                              *_metric_findings(metrics, thresholds, away_text(live.cluster))],
                             key=lambda finding: SEVERITY_RANK[finding.state]))
    state = min((finding.state for finding in found), default=CheckState.OK,
                key=SEVERITY_RANK.__getitem__)
    return CheckResult(state, found, metrics, _summary(live, state, found, metrics))


def measure(live: LiveSnapshot, now: float, vip_failovers: int | None = None) -> Metrics:
    """The numbers of a snapshot (zeros when no CIB could be read)."""
    age = max(0.0, now - live.fetched_at) if live.fetched_at is not None else None
    cluster = live.cluster
    if cluster is None:
        return Metrics(nodes_total=len(live.views), data_age=age, vip_failovers=vip_failovers)
    members = [node for node in cluster.nodes.values() if node.type is NodeType.MEMBER]
    return Metrics(
        nodes_online=sum(1 for node in members if node.online),
        nodes_total=len(members),
        nodes_away=sum(1 for node in members if node.state is not NodeState.ONLINE),
        resources_failed=len(failed_resources(cluster)),
        failcount_ratio=max_failcount_ratio(cluster),
        data_age=age, vip_failovers=vip_failovers,
    )


def failed_resources(cluster: ClusterSnapshot) -> list[str]:
    """Primitives Pacemaker marks failed now (containers would count their children twice)."""
    return [resource.id for resource in cluster.resources.values()
            if resource.failed and resource.kind is ResourceKind.PRIMITIVE]


def max_failcount_ratio(cluster: ClusterSnapshot) -> float:
    """The highest failcount / migration-threshold over every resource and node (0: none)."""
    ratios = [count / threshold for _, count, threshold in failcounts_with_threshold(cluster)]
    return round(max(ratios, default=0.0), 3)


def failcounts_with_threshold(cluster: ClusterSnapshot) -> Iterator[tuple[str, int, int]]:
    """(resource@node, failcount, threshold) where a finite migration-threshold applies."""
    for resource_id, per_node in sorted(cluster.failcounts.items()):
        resource = cluster.resources.get(resource_id)
        threshold = resource.migration_threshold if resource is not None else None
        if threshold is None or threshold <= 0 or threshold >= INFINITY:
            continue
        for node, count in sorted(per_node.items()):
            if count > 0:
                yield f"{resource_id}@{node}", count, threshold


def cli_leftovers(cluster: ClusterSnapshot) -> list[str]:
    """Ids of constraints left by `crm_resource --move/--ban` (cli-prefer-*, cli-ban-*)."""
    return [location.id for location in cluster.constraints.location
            if location.origin in ("cli-prefer", "cli-ban")]


def _live_findings(live: LiveSnapshot) -> Iterator[Finding]:
    verdict = verdict_word(live)
    if live.split_brain or verdict == "split_brain":
        yield Finding(CheckState.CRITICAL, "split brain: " + _partitions_text(live))
    elif verdict in _WARNING_VERDICTS:
        yield Finding(CheckState.WARNING, f"verdict {verdict}: " + _partitions_text(live))
    elif verdict not in ("consistent", "lagging", "unknown"):
        yield Finding(CheckState.WARNING, f"verdict {verdict}")
    yield from _vip_findings(live)
    yield from _service_findings(live)
    yield from _fencing_findings(live)
    for name, reason in sorted(live.unreachable.items()):
        yield Finding(CheckState.WARNING, f"{name} unreachable: {reason}")


def verdict_word(live: LiveSnapshot) -> str:
    """The verdict as its JSON word; a verdict this module does not know passes through."""
    return str(getattr(live.verdict, "value", live.verdict))


def _vip_findings(live: LiveSnapshot) -> Iterator[Finding]:
    for vip_id, truth in sorted(live.vip_truth.items()):
        holders = ", ".join(truth.cib_holders) or "no node"
        if truth.truth is KernelTruth.NOWHERE:
            yield Finding(CheckState.CRITICAL, f"VIP {vip_id} ({truth.address}) is bound on no "
                          f"node (Pacemaker: {holders})")
        elif truth.truth is KernelTruth.ELSEWHERE:
            yield Finding(CheckState.CRITICAL, f"VIP {vip_id} is bound on "
                          f"{', '.join(truth.bound_on)}, Pacemaker runs it on {holders}")
        elif truth.truth is KernelTruth.SEVERAL and not live.split_brain:
            yield Finding(CheckState.CRITICAL, f"VIP {vip_id} is bound on "
                          f"{', '.join(truth.bound_on)}")


def _service_findings(live: LiveSnapshot) -> Iterator[Finding]:
    """The service must run where the VIP is bound (node probe), and answer on the VIP when a
    client-side probe was made."""
    for name, view in sorted(live.views.items()):
        bound = any(interfaces for interfaces in view.vip_interfaces.values())
        if view.reachable and bound and view.service_running is False:
            yield Finding(CheckState.CRITICAL,
                          f"the VIP is bound on {name} but the service does not run there")
    answered = _client_answered(live)
    if answered is False:
        yield Finding(CheckState.CRITICAL, "the service does not answer on the VIP")


def _client_answered(live: LiveSnapshot) -> bool | None:
    """Whether a client-side probe of the VIP got an answer (None: no such probe was made)."""
    client = getattr(live, "client_view", None)
    if client is None:
        return None
    for name in ("answered", "ok", "reachable"):
        value = getattr(client, name, None)
        if isinstance(value, bool):
            return value
    return None


def _fencing_findings(live: LiveSnapshot) -> Iterator[Finding]:
    """Failed fencing actions, when the snapshot carries the fencing history."""
    for action in _as_list(getattr(live, "fencing", None)):
        status = str(_field(action, "status") or "").lower()
        if status in ("failed", "failure", "error") or _field(action, "failed") is True:
            target = _field(action, "target") or "a node"
            yield Finding(CheckState.CRITICAL, f"fencing of {target} failed")


def _as_list(value: Any) -> list[Any]:
    if value is None or isinstance(value, (str, bytes)):
        return []
    for name in ("actions", "history", "events"):
        inner = getattr(value, name, None)
        if inner is not None and not isinstance(inner, (str, bytes)):
            return list(inner)
    try:
        return list(value.values() if isinstance(value, dict) else value)
    except TypeError:
        return []


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _cluster_findings(cluster: ClusterSnapshot) -> Iterator[Finding]:
    for vip_id, vip in sorted(cluster.vips.items()):
        if not vip.holder_nodes:
            yield Finding(CheckState.CRITICAL, f"VIP {vip_id} is not running on any node")
    leftovers = cli_leftovers(cluster)
    if leftovers:
        yield Finding(CheckState.WARNING, "leftover move/ban constraints: "
                      + ", ".join(leftovers) + " (crm_resource --clear)")
    failed = failed_resources(cluster)
    if failed:
        yield Finding(CheckState.OK, "failed resources: " + ", ".join(failed))


def away_text(cluster: ClusterSnapshot) -> str:
    """The member nodes that are not plainly online, with their state ("node-a standby")."""
    return ", ".join(f"{name} {node.state.value}" for name, node in sorted(cluster.nodes.items())
                     if node.type is NodeType.MEMBER and node.state is not NodeState.ONLINE)


def _metric_findings(metrics: Metrics, limits: Thresholds,
                     away: str) -> Iterator[Finding]:
    yield from _limit(f"nodes away ({away})", metrics.nodes_away, limits.away_warning,
                      limits.away_critical)
    yield from _limit("data age (s)", metrics.data_age, limits.age_warning, limits.age_critical)
    yield from _limit("VIP starts in the window", metrics.vip_failovers,
                      limits.failovers_warning, limits.failovers_critical)
    ratio = metrics.failcount_ratio
    for state, limit in ((CheckState.CRITICAL, limits.failcount_critical),
                         (CheckState.WARNING, limits.failcount_warning)):
        if limit is not None and ratio > 0 and ratio >= limit:
            yield Finding(state, f"a failcount is at {ratio:.0%} of its migration-threshold")
            return


def _limit(label: str, value: float | None, warning: float | None,
           critical: float | None) -> Iterator[Finding]:
    if value is None:
        return
    for state, limit in ((CheckState.CRITICAL, critical), (CheckState.WARNING, warning)):
        if limit is not None and value > limit:
            yield Finding(state, f"{label} {_number(value)} > {_number(limit)}")
            return


def _summary(live: LiveSnapshot, state: CheckState, found: tuple[Finding, ...],
             metrics: Metrics) -> str:
    worst = [finding.text for finding in found if finding.state is state]
    if state is not CheckState.OK:
        return "; ".join(worst[:3]) + (f" (+{len(worst) - 3} more)" if len(worst) > 3 else "")
    cluster = live.cluster
    vips = ", ".join(f"{vip_id} on {'/'.join(vip.holder_nodes)}"
                     for vip_id, vip in sorted(cluster.vips.items())) if cluster else ""
    return (f"{verdict_word(live)}, {metrics.nodes_online}/{metrics.nodes_total} nodes online"
            + (f", {vips}" if vips else ""))


def _partitions_text(live: LiveSnapshot) -> str:
    if not live.partitions:
        return "nodes disagree"
    return " vs ".join("{" + ", ".join(group) + "}" for group in live.partitions)


def _unreachable_text(live: LiveSnapshot) -> str:
    return "; ".join(f"{name}: {reason}" for name, reason in sorted(live.unreachable.items()))


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, int) or value == int(value) else f"{value:.1f}"


def plugin_output(label: str, result: CheckResult, thresholds: Thresholds) -> str:
    """The whole plugin output: `HACON STATE - summary | perfdata`, then one line per reason.

    Args:
        label: the cluster's name (or its nodes) as the operator knows it.
    """
    head = f"HACON {result.state.name} - {_one_line(label)}: {_one_line(result.summary)}"
    lines = [f"{head} | {perfdata(result.metrics, thresholds)}"]
    lines += [f"{finding.state.name}: {_one_line(finding.text)}" for finding in result.findings
              if finding.state is not CheckState.OK]
    lines += [f"info: {_one_line(finding.text)}" for finding in result.findings
              if finding.state is CheckState.OK]
    return "\n".join(lines) + "\n"


def perfdata(metrics: Metrics, limits: Thresholds) -> str:
    """Performance data: `label=value[unit];warn;crit;min;max`, space separated."""
    items = [
        ("nodes_online", metrics.nodes_online, "", None, None, 0, metrics.nodes_total),
        ("nodes_away", metrics.nodes_away, "", limits.away_warning, limits.away_critical, 0,
         metrics.nodes_total),
        ("resources_failed", metrics.resources_failed, "", None, None, 0, None),
        ("failcount_ratio", metrics.failcount_ratio, "", limits.failcount_warning,
         limits.failcount_critical, 0, None),
        ("data_age", metrics.data_age, "s", limits.age_warning, limits.age_critical, 0, None),
        ("vip_failovers", metrics.vip_failovers, "", limits.failovers_warning,
         limits.failovers_critical, 0, None),
    ]
    return " ".join(_perf_item(*item) for item in items if item[1] is not None)


def _perf_item(label: str, value: float | None, unit: str, *bounds: float | None) -> str:
    assert value is not None
    fields = ["" if bound is None else _perf_number(bound) for bound in bounds]
    return f"{label}={_perf_number(value)}{unit};" + ";".join(fields).rstrip(";")


def _perf_number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.3f}".rstrip("0")


def _one_line(text: str) -> str:
    # `|` starts the performance data in the plugin format: never let a name add one.
    return " ".join(text.split()).replace("|", "/")
