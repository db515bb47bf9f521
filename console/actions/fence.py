"""Fence a node: the guard and the plan (pure).

Fencing is `stonith_admin --reboot NODE`, Pacemaker's own tool, which writes nothing to the CIB.
So that it still takes part in the compare-and-swap, the executor re-plans it on a fresh CIB just
before it runs and first commits the plan's `mark`: a versioned patch that marks the node as
being fenced (`console.model.fencing_mark`); exit 103 re-plans it like any patch, and another
console's patch planned without the mark fails and re-plans to a guard that sees the node
unavailable. `unmark_patch` removes the mark once the fence is verified or failed.
It runs on another node than the one fenced (the target is about to lose its power).
The preview is the scheduler's view of the cluster with the node down: what would move.
The operator types the node's name to go ahead (even with --yes): a reboot cannot be undone.
Unlike every other action, a fence may be asked through one side of a partition, or without
quorum with corosync's two_node (`console.actions.fence_side`); the plan then says what is in
doubt, and a re-check whose words differ from the confirmed ones is refused.
"""

from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from console.actions import guards
from console.actions.eligibility import colocated_services, vip_candidates
from console.actions.fence_side import fence_doubts, fence_side, fencing_node
from console.actions.patchset import PatchBuilder
from console.actions.plans import (
    ActionKind,
    ActionPlan,
    ActionRefused,
    Element,
    free_id,
    node_element,
    _node_nvpairs,
    read_cib,
    refuse_if,
    _set_node_attribute,
)
from console.model.cluster import ClusterSnapshot, Resource
from console.model.constraints.dates import parse_iso_datetime
from console.model.fencing_mark import BY_ATTRIBUTE, MARK_ATTRIBUTE, fresh_mark, mark_value
from console.model.text_safety import shell_word
from console.transport import argv as node_argv

Snapshot = guards.Snapshot
FENCE_TIMEOUT_S = 20
"""stonith_admin's own --timeout. The fencer runs the agent with it and gives the whole
operation 1.2 times it (24 s), so a slow fencing is reported by stonith_admin itself, with its
reason ("Fence agent did not complete within 20s"), before the executor stops waiting for the
command (30 s). A device's own pcmk_reboot_timeout replaces it in the fencer."""
_SEPARATORS = re.compile(r"[\s,;]+")


def fence_blocked_reason(snapshot: Snapshot, node: str, *,
                         now: float | None = None) -> str | None:
    """Why `node` may not be fenced now, or None (through another side of a partition too:
    see `console.actions.fence_side`)."""
    side = fence_side(snapshot, node, now)
    if isinstance(side, str):
        return side
    cluster = side.cluster
    if not cluster.info.stonith_enabled:
        return "fencing is disabled (stonith-enabled=false): Pacemaker would not fence " + node
    already = _being_fenced(cluster, node, now)
    if already is not None:
        return already
    if not side.own:
        # Another side's CIB: its configuration holds, its node states do not; the rest is
        # checked on the fencing side's own CIB when the fence is planned there.
        configured = [rsc for rsc in cluster.resources.values() if _is_device(rsc)]
        if not any(_covers(device, node) for device in configured):
            return f"no fence device can fence {node} (none lists it in pcmk_host_list/map)"
        return None
    if not fencing_devices_for(cluster, node):
        return f"no started fence device can fence {node} (none lists it in pcmk_host_list/map)"
    if side.run_on is None:
        return f"no other node is online to run the fencing of {node}"
    return _vip_stranded(cluster, node, now)


def _being_fenced(cluster: ClusterSnapshot, node: str, now: float | None) -> str | None:
    mark = fresh_mark(cluster.nodes[node], now) if node in cluster.nodes else None
    return f"{node} is already {mark.words()}" if mark is not None else None


def fencing_devices_for(cluster: ClusterSnapshot, node: str) -> tuple[str, ...]:
    """The started stonith resources whose host list or map names `node` (or that name no
    host at all: then the agent itself says which hosts it can fence)."""
    return tuple(rsc.id for rsc in sorted(cluster.resources.values(), key=lambda r: r.id)
                 if _is_device(rsc) and rsc.active_on and _covers(rsc, node))


def _is_device(resource: Resource) -> bool:
    return (resource.agent or "").startswith("stonith:")


def _covers(device: Resource, node: str) -> bool:
    listed = device.params.get("pcmk_host_list")
    mapped = device.params.get("pcmk_host_map")
    if listed is None and mapped is None:
        return True
    hosts = set(_SEPARATORS.split(listed or ""))
    hosts |= {entry.split(":", 1)[0] for entry in _SEPARATORS.split(mapped or "") if entry}
    return node in hosts


def _vip_stranded(cluster: ClusterSnapshot, node: str, now: float | None) -> str | None:
    """Why fencing `node` would leave the running VIP nowhere: it holds it, or the node that
    does cannot keep it (a standby that just landed, another fence under way)."""
    vip = guards.main_vip(cluster)
    if vip is None or not vip.holder_nodes:
        return None
    holders = [cluster.nodes[name] for name in vip.holder_nodes if name in cluster.nodes]
    if node not in vip.holder_nodes and any(holder.maintenance for holder in holders):
        return None  # an unmanaged holder keeps the VIP whatever happens to the others
    candidates = vip_candidates(cluster, vip, excluding=(node,), now=now)
    if any(blocker is None for blocker in candidates.values()):
        return None
    why = "; ".join(f"{name} {blocker}" for name, blocker in candidates.items()) or "no other node"
    if node in vip.holder_nodes:
        return f"{node} holds {vip.id} and no other node could take it over ({why})"
    return f"after fencing {node} no node could run {vip.id} ({why})"


def plan_fence(cib: bytes, node: str, *, run_on: str, when: str | None = None) -> ActionPlan:
    """`stonith_admin --reboot NODE`, run on another online node; with `when` (the moment the
    executor runs it, UTC) the plan carries the mark patch to commit first."""
    root, snapshot = read_cib(cib)
    now = _seconds(when)
    refuse_if(fence_blocked_reason(snapshot, node, now=now))
    runner_node = run_on if run_on != node else fencing_node(snapshot, node)
    assert runner_node is not None  # the guard found one
    devices = ", ".join(fencing_devices_for(snapshot, node))
    note = (f"Pacemaker's own tool, stonith_admin --reboot, has {node} power-cycled by "
            f"{devices} (asked on {runner_node}, checked again on a fresh CIB just before it "
            f"runs); verified by the fence history")
    marking = (f"first {node} is marked in the CIB as being fenced (node attribute "
               f"{MARK_ATTRIBUTE}, a versioned patch: another console's action planned without "
               "it is refused), and unmarked once the fence is verified or failed")
    note, doubts = f"{note}; {marking}", fence_doubts(snapshot, node, runner_node)
    vip = guards.main_vip(snapshot)
    return ActionPlan(
        kind=ActionKind.FENCE, title=f"Fence (reboot) {shell_word(node)}", node=node,
        resource=None, run_on=runner_node, stdin=None,
        argv=node_argv.stonith_reboot(node, FENCE_TIMEOUT_S),
        expected_version=snapshot.version, consequences=(note, *doubts),
        changes=(note, *doubts),
        stops_service=True, simulate_cib=node_down(root, node), vip=vip.id if vip else None,
        services=colocated_services(snapshot, vip) if vip else (), typed_confirmation=node,
        when=when, mark=_mark_patch(root, node, runner_node, when) if when else None)


def _seconds(when: str | None) -> float | None:
    moment = parse_iso_datetime(when)
    return moment.timestamp() if moment is not None else None


def _mark_patch(root: Element, node: str, run_on: str, when: str) -> bytes:
    """The versioned patch that marks `node` as being fenced from `run_on` since `when`."""
    moment = parse_iso_datetime(when)
    if moment is None:
        raise ActionRefused(f"unreadable fencing time {when!r}")
    builder = PatchBuilder(root)
    element = node_element(builder.cib, node)
    pairs = {MARK_ATTRIBUTE: mark_value(moment), BY_ATTRIBUTE: run_on}
    if element.find("instance_attributes") is not None:
        for name, value in pairs.items():
            _set_node_attribute(builder, element, name, value)
        return builder.finish()[0]
    # One create for the set with both pairs: Pacemaker does not create inside an element that
    # the same patch created ("Application of update diff failed").
    set_id = free_id(builder.cib, f"nodes-{element.get('id')}")
    attributes = etree.Element("instance_attributes", id=set_id)
    for name, value in pairs.items():
        etree.SubElement(attributes, "nvpair", id=free_id(builder.cib, f"{set_id}-{name}"),
                         name=name, value=value)
    builder.create(element, attributes)
    return builder.finish()[0]


def unmark_patch(cib: bytes, node: str) -> bytes | None:
    """The versioned patch that removes `node`'s fencing mark from `cib`; None when it has none."""
    builder = PatchBuilder(read_cib(cib)[0])
    for element in builder.cib.iterfind("configuration/nodes/node"):
        if element.get("uname") != node:
            continue
        for name in (MARK_ATTRIBUTE, BY_ATTRIBUTE):
            for pair in _node_nvpairs(element, name):
                builder.delete(pair)
    return builder.finish()[0] if builder.changed else None


def node_down(cib: Element, node: str) -> bytes:
    """The CIB with `node` cleanly down (what the scheduler sees once it is fenced)."""
    root = deepcopy(cib)
    for state in root.iterfind("status/node_state"):
        if state.get("uname") == node:
            state.set("in_ccm", "false")
            state.set("crmd", "offline")
            state.set("join", "down")
            state.set("expected", "down")
            for lrm in state.findall("lrm"):
                state.remove(lrm)
    return bytes(etree.tostring(root))
