"""The fleet in the Prometheus text exposition format (node_exporter's textfile collector).

Every metric is a gauge with a `cluster` label; each family carries its HELP and TYPE lines, even
when no cluster has a sample for it, so dashboards find every name. The names are the README's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from console.model.fleet.rows import ClusterRow

Sample = tuple[dict[str, str], float]
"""Labels (besides `cluster`) and the value."""

FAMILIES: Sequence[tuple[str, str, Callable[[ClusterRow], Iterable[Sample]]]] = (
    ("hacon_cluster_state", "The hacon check state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
     lambda row: [({}, int(row.state))]),
    ("hacon_cluster_verdict", "1 for the verdict across the nodes' views (consistent, lagging, "
     "partitioned, split_brain, uncertain, unreachable, ...).",
     lambda row: [({"verdict": row.verdict}, 1)]),
    ("hacon_cluster_split_brain", "1 when two partitions run a VIP or a VIP is bound twice.",
     lambda row: [({}, int(row.verdict == "split_brain"))]),
    ("hacon_nodes_online", "Member nodes Pacemaker sees online.",
     lambda row: [({}, row.nodes_up)]),
    ("hacon_nodes_total", "Member nodes in the configuration.",
     lambda row: [({}, row.nodes_total)]),
    ("hacon_nodes_reached", "Nodes that answered hacon over SSH.",
     lambda row: [({}, row.nodes_reached)]),
    ("hacon_vip_holder", "1 per node where Pacemaker runs the VIP.",
     lambda row: [({"vip": vip.vip_id, "node": node}, 1) for vip in row.vips
                  for node in vip.holders]),
    ("hacon_vip_bound", "1 per node whose kernel has the VIP's address on an interface.",
     lambda row: [({"vip": vip.vip_id, "node": node}, 1) for vip in row.vips
                  for node in vip.bound_on]),
    ("hacon_vip_kernel_agrees", "1 when the VIP is bound exactly where Pacemaker runs it.",
     lambda row: [({"vip": vip.vip_id}, int(vip.truth == "bound on holder"))
                  for vip in row.vips]),
    ("hacon_failed_operations", "Failed operations Pacemaker keeps (Failed Resource Actions).",
     lambda row: [({}, row.failures)]),
    ("hacon_resources_failed", "Primitives Pacemaker marks failed now.",
     lambda row: [({}, row.resources_failed)]),
    ("hacon_failcount_ratio_max", "Highest failcount / migration-threshold (1: moved away).",
     lambda row: [({}, row.failcount_ratio)]),
    ("hacon_leftovers", "Nodes left in standby or maintenance plus leftover move/ban "
     "constraints.", lambda row: [({}, len(row.leftovers))]),
    ("hacon_data_age_seconds", "Age of the newest data read from the cluster's nodes.",
     lambda row: [] if row.data_age is None else [({}, round(row.data_age, 3))]),
)


def exposition(rows: Iterable[ClusterRow], now: float) -> str:
    """The whole file: every family's HELP, TYPE and samples, then the time it was written."""
    rows = list(rows)
    lines: list[str] = []
    for name, help_text, samples in FAMILIES:
        lines += [f"# HELP {name} {_help(help_text)}", f"# TYPE {name} gauge"]
        for row in rows:
            for labels, value in samples(row):
                lines.append(f"{name}{_labels({'cluster': row.name, **labels})} "
                             f"{_value(value)}")
    lines += ["# HELP hacon_last_update_timestamp_seconds When hacon wrote this file.",
              "# TYPE hacon_last_update_timestamp_seconds gauge",
              f"hacon_last_update_timestamp_seconds {_value(round(now, 3))}"]
    return "\n".join(lines) + "\n"


def _labels(labels: dict[str, str]) -> str:
    return "{" + ",".join(f'{key}="{_escape(value)}"' for key, value in labels.items()) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
