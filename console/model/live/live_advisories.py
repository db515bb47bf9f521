"""Advisories that only the nodes' own views can show: across partitions, the kernel's truth,
the doubt an unreachable node leaves, and fencing.

"Runs nowhere" is said only when no partition runs the VIP, no reachable node's interfaces hold
it, and no unreachable node may still hold it: the chosen CIB alone may belong to a side that
runs nothing while the other side serves every call.

The fencing advisories (no usable device, a 2-node fence race) are judged once some node's
fencer answered hacon's history query, i.e. on a live cluster whose fencing hacon can see.
"""

from __future__ import annotations

from collections.abc import Iterator

from console.model.live.advisories import (
    Advisory,
    Severity,
    cluster_advisories,
    leftover_upkeep,
    member_names,
    sorted_advisories,
)
from console.model.cluster import ClusterSnapshot
from console.model.fencing_mark import fencing_mark_of
from console.model.live.doubt import clock, held_text
from console.model.live.snapshot import LiveSnapshot

NO_DELAY = ("", "0", "0s", "0ms", "0sec")


def live_advisories(
    live: LiveSnapshot, *, two_node: bool | None = None
) -> tuple[Advisory, ...]:
    """The CIB's advisories (judged across partitions) plus what only the probes can show."""
    found = list(cluster_advisories(live.cluster, two_node=two_node)) if live.cluster else []
    found = [advisory for advisory in found if not _runs_after_all(live, advisory)]
    found.extend(_service_where_vip_is_not(live))
    if live.cluster is not None and live.fetched_at is not None:
        found.extend(leftover_upkeep(live.cluster, live.fetched_at))
        found.extend(_stale_fencing_marks(live.cluster, live.fetched_at))
    found.extend(_vip_in_two_partitions(live))
    found.extend(_doubt(live))
    if live.cluster is not None and live.fencing.history_from:
        found.extend(_fencing(live.cluster))
    return sorted_advisories(found)


def _runs_after_all(live: LiveSnapshot, advisory: Advisory) -> bool:
    """A "runs nowhere" that another partition, an interface or a silent node contradicts."""
    if advisory.code != "vip-stopped":
        return False
    vip_id = advisory.subject
    truth = live.vip_truth.get(vip_id)
    return (any(side.vip_holders.get(vip_id) for side in live.partition_views)
            or bool(truth is not None and truth.bound_on)
            or bool(live.vip_may_be_on.get(vip_id)))


def _service_where_vip_is_not(live: LiveSnapshot) -> Iterator[Advisory]:
    """From each node's own probes: the service runs there but no VIP address is bound."""
    if not live.views:
        return
    vip_nodes = {name for name, view in live.views.items()
                 if view.reachable and any(view.vip_interfaces.values())}
    for name, view in sorted(live.views.items()):
        if view.reachable and view.service_running and name not in vip_nodes and vip_nodes:
            yield Advisory("service-without-vip", Severity.WARNING, name,
                           f"the service runs on {name}, where no VIP is bound (the kernel says "
                           f"{', '.join(sorted(vip_nodes))})")
        if view.reachable and view.service_running is False and name in vip_nodes:
            yield Advisory("vip-without-service", Severity.CRITICAL, name,
                           f"a VIP is bound on {name} but the service does not run there: "
                           "calls to the address fail")


def _vip_in_two_partitions(live: LiveSnapshot) -> Iterator[Advisory]:
    vip_ids = sorted({vip_id for side in live.partition_views for vip_id in side.vip_holders})
    for vip_id in vip_ids:
        sides = [side for side in live.partition_views
                 if side.vip_holders.get(vip_id) or side.vip_bound.get(vip_id)]
        if len(sides) >= 2:
            where = "; ".join(", ".join(side.vip_holders.get(vip_id) or side.vip_bound[vip_id])
                              for side in sides)
            yield Advisory("vip-in-two-partitions", Severity.CRITICAL, vip_id,
                           f"{vip_id} runs in {len(sides)} partitions at once ({where}): split "
                           "brain, clients reach either side at random")


def _doubt(live: LiveSnapshot) -> Iterator[Advisory]:
    fencing_off = live.fencing.enabled is False
    for name, facts in sorted(live.last_facts.items()):
        if not facts.doubtful_vips:
            continue
        held = held_text(live, facts.doubtful_vips)
        if fencing_off:
            yield Advisory("stonith-off-doubt", Severity.CRITICAL, name,
                           f"stonith-enabled=false and {name}, unreachable since "
                           f"{clock(facts.seen_at)}, held {held}: nothing will fence it, so it "
                           "may keep the VIP while another node takes it (split brain)")
        else:
            yield Advisory("vip-may-be-held", Severity.CRITICAL, name,
                           f"{name}, unreachable since {clock(facts.seen_at)}, held {held} and "
                           "has not been fenced since: it may still hold it")


def _fencing(cluster: ClusterSnapshot) -> Iterator[Advisory]:
    if not cluster.info.stonith_enabled:
        return
    devices = [resource for resource in cluster.resources.values()
               if (resource.agent or "").startswith("stonith:")]
    if not any(device.active_on for device in devices):
        state = "none is running" if devices else "no stonith device is configured"
        yield Advisory("no-fence-device", Severity.CRITICAL, "fencing",
                       f"fencing is enabled but {state}: no node can be fenced, so a lost node "
                       "blocks recovery")
    if len(member_names(cluster)) == 2 and not _has_fence_delay(cluster):
        yield Advisory("fence-race", Severity.WARNING, "fencing",
                       "a 2-node cluster with fencing but neither priority-fencing-delay nor "
                       "pcmk_delay_max: in a split both nodes shoot, and the one that holds "
                       "the VIP may be the one killed")


def _stale_fencing_marks(cluster: ClusterSnapshot, now: float) -> Iterator[Advisory]:
    """hacon's fencing marks too old to belong to a fence under way: a console stopped before
    removing it. Ignored by the guards; said here with the command that removes it."""
    for name, node in sorted(cluster.nodes.items()):
        mark = fencing_mark_of(node)
        if mark is None or mark.fresh(now):
            continue
        age = mark.age_s(now)
        since = f"{age / 60:.0f} min ago" if age is not None else "at an unreadable time"
        yield Advisory("fencing-mark-left", Severity.INFO, name,
                       f"{name} still carries hacon's fencing mark, set {since} from "
                       f"{mark.by or 'an unknown node'}: a console stopped before removing "
                       "it; hacon ignores it, remove it by hand")


def _has_fence_delay(cluster: ClusterSnapshot) -> bool:
    if cluster.info.properties.get("priority-fencing-delay", "").strip() not in NO_DELAY:
        return True
    return any(resource.params.get(name, "").strip() not in NO_DELAY
               for resource in cluster.resources.values()
               if (resource.agent or "").startswith("stonith:")
               for name in ("pcmk_delay_max", "pcmk_delay_base"))
