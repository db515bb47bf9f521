"""Fixes for the configuration advisories: guards and plans (pure), one patch each.

Each fix is a versioned CIB patch like maintenance's (`console.actions.patchset`), so it goes
through the same compare-and-swap, scheduler preview, verification and journal. The advisory's
stable code names the fix (`hacon fix vip-not-colocated`). A plan is refused unless the advisory
is there now and gone in the CIB the patch would leave: a fix that would not turn its advisory
green is not applied. What the constraints look like is what `pcs` writes (ids included).

`two_node` lives in corosync.conf, not in the CIB: its "fix" is the change and the command to
run, never applied by hacon (`TWO_NODE_STEPS`).
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from console.actions import guards
from console.actions.patchset import PatchBuilder
from console.actions.plans import (
    ActionKind,
    ActionPlan,
    ActionRefused,
    Element,
    child_element,
    free_id,
    patch_plan,
    read_cib,
    refuse_if,
)
from console.actions.upkeep import write_pairs
from console.model.cluster import ClusterSnapshot, Vip
from console.model.live.advisories import Advisory, cluster_advisories, restarting_forever
from console.model.snapshot import parse_cib
from console.model.text_safety import shell_word

Snapshot = guards.Snapshot
PREFERRED_SCORE = 50
"""The location score a preferred node gets: enough to choose, far below INFINITY."""
STICKINESS = 1
"""What `pcs` sets as rsc_defaults resource-stickiness on a new cluster."""
MIGRATION_THRESHOLD = 3
"""rsc_defaults migration-threshold: the third failure on a node moves the VIP and its service
to the other one (a failing service is restarted twice in place first). No failure-timeout:
the failed node stays out until someone has looked and cleaned up (with a preferred node, an
expiring failcount would bring the VIP back onto the broken node by itself)."""

FIX_KINDS: dict[str, ActionKind] = {
    "vip-not-colocated": ActionKind.FIX_COLOCATION,
    "vip-not-ordered": ActionKind.FIX_ORDER,
    "no-stickiness": ActionKind.FIX_STICKINESS,
    "no-preferred-node": ActionKind.FIX_PREFERRED,
    "no-migration-threshold": ActionKind.FIX_THRESHOLD,
}
"""The advisories a CIB patch fixes, by code, with the action that fixes each."""
CODE_OF_KIND = {kind: code for code, kind in FIX_KINDS.items()}

FIX_SUMMARIES = {
    "vip-not-colocated": "colocate the service with the VIP (score INFINITY)",
    "vip-not-ordered": "order the VIP before the service (mandatory)",
    "no-stickiness": f"rsc_defaults resource-stickiness={STICKINESS}",
    "no-preferred-node": f"prefer the node that runs the VIP now (score {PREFERRED_SCORE})",
    "no-migration-threshold": f"rsc_defaults migration-threshold={MIGRATION_THRESHOLD} (no "
                              "failure-timeout: a failed node stays out until cleaned up)",
    "two-node-missing": "corosync.conf two_node: 1 (shown as a command, not applied)",
}
"""Every code `hacon fix` knows, with what its fix does (`hacon fix --list`)."""

TWO_NODE_STEPS = (
    "two_node lives in corosync.conf, not in the CIB: hacon changes nothing.",
    "In /etc/corosync/corosync.conf, add to the quorum section:",
    "    quorum {",
    "        provider: corosync_votequorum",
    "        two_node: 1",
    "    }",
    "then copy it to the other node and have every node reload it (two_node may change at "
    "runtime):",
    "    pcs cluster sync && corosync-cfgtool -R",
    "(without pcs: copy the file with scp, then corosync-cfgtool -R)",
)


def open_advisory(cluster: ClusterSnapshot, code: str) -> Advisory | None:
    """The advisory `code` about the main VIP (or its service) in this CIB, or None."""
    vip = guards.main_vip(cluster)
    if vip is None:
        return None
    return next((advisory for advisory in cluster_advisories(cluster)
                 if advisory.code == code and advisory.subject.split("/")[0] == vip.id), None)


def fix_blocked_reason(snapshot: Snapshot, kind: ActionKind, *,
                       now: float | None = None) -> str | None:
    """Why the fix `kind` may not be applied now (no such advisory, no service), or None."""
    cluster, reason = guards.usable_for(snapshot, now)
    if cluster is None:
        return reason
    code = CODE_OF_KIND[kind]
    if guards.main_vip(cluster) is None:
        return "the cluster has no VIP (IPaddr2 resource)"
    if open_advisory(cluster, code) is None:
        return f"there is no {code} advisory to fix"
    if kind is ActionKind.FIX_COLOCATION:
        return _one_service(cluster)[1]
    if kind is ActionKind.FIX_PREFERRED and not _main_vip(cluster).holder_nodes:
        return f"{_main_vip(cluster).id} runs nowhere: start it before choosing its node"
    if kind is ActionKind.FIX_THRESHOLD:
        return _own_unlimited_threshold(cluster)
    return None


def _own_unlimited_threshold(cluster: ClusterSnapshot) -> str | None:
    """A resource's own migration-threshold (0, INFINITY) would win over rsc_defaults: say so."""
    for resource_id in restarting_forever(cluster, _main_vip(cluster)):
        own = cluster.resources[resource_id].meta.get("migration-threshold")
        if own is not None:
            return (f"{resource_id} sets its own migration-threshold={own}, which wins over "
                    f"rsc_defaults: `hacon config threshold {shell_word(resource_id)} "
                    f"{MIGRATION_THRESHOLD}` sets it")
    return None


def plan_fix(cib: bytes, kind: ActionKind, *, run_on: str) -> ActionPlan:
    """The patch that fixes advisory `kind`, refused unless the advisory would be gone."""
    root, snapshot = read_cib(cib)
    refuse_if(fix_blocked_reason(snapshot, kind))
    builder = PatchBuilder(root)
    vip = _main_vip(snapshot)
    change = _EDITS[kind](builder, snapshot, vip)
    code = CODE_OF_KIND[kind]
    plan = patch_plan(builder, snapshot, kind, f"Fix {code}: {change}", run_on,
                      resource=vip.id, consequences=(change,))
    if open_advisory(parse_cib(plan.simulate_cib), code) is not None:
        raise ActionRefused(f"the patch would not clear the {code} advisory")
    return replace(plan, changes=(change,))


def _main_vip(cluster: ClusterSnapshot) -> Vip:
    vip = guards.main_vip(cluster)
    if vip is None:
        raise ActionRefused("the cluster has no VIP (IPaddr2 resource)")
    return vip


def _one_service(cluster: ClusterSnapshot) -> tuple[str | None, str | None]:
    """(the one service the VIP could front, None) or (None, why not)."""
    candidates = sorted({_top_level(cluster, r.id) for r in cluster.resources.values()
                         if r.kind.value == "primitive" and r.id not in cluster.vips
                         and not (r.agent or "").startswith("stonith:")})
    if len(candidates) == 1:
        return candidates[0], None
    if not candidates:
        return None, "no service to colocate the VIP with"
    return None, (f"several services could go with the VIP ({', '.join(candidates)}): "
                  "colocate the right one by hand")


def _top_level(cluster: ClusterSnapshot, resource_id: str) -> str:
    parent = cluster.resources[resource_id].parent
    return _top_level(cluster, parent) if parent in cluster.resources and parent else resource_id


def _constraints(builder: PatchBuilder) -> Element:
    return child_element(builder, builder.cib.find("configuration"), "constraints")


def _colocate(builder: PatchBuilder, cluster: ClusterSnapshot, vip: Vip) -> str:
    service = _one_service(cluster)[0] or ""
    wanted = f"colocation-{service}-{vip.top_level}-INFINITY"
    builder.create(_constraints(builder), etree.Element("rsc_colocation", {
        "id": free_id(builder.cib, wanted), "rsc": service, "with-rsc": vip.top_level,
        "score": "INFINITY"}))
    return f"{service} always runs where {vip.top_level} runs (colocation INFINITY)"


def _order(builder: PatchBuilder, cluster: ClusterSnapshot, vip: Vip) -> str:
    advisory = open_advisory(cluster, "vip-not-ordered")
    service = advisory.subject.split("/", 1)[1] if advisory else ""
    wanted = f"order-{vip.top_level}-{service}-mandatory"
    builder.create(_constraints(builder), etree.Element("rsc_order", {
        "id": free_id(builder.cib, wanted), "first": vip.top_level, "first-action": "start",
        "then": service, "then-action": "start"}))
    return f"{service} starts only after {vip.top_level} (mandatory order)"


def _stickiness(builder: PatchBuilder, cluster: ClusterSnapshot, vip: Vip) -> str:
    set_default(builder, "resource-stickiness", str(STICKINESS))
    return (f"resources stay where they run (rsc_defaults resource-stickiness={STICKINESS}): "
            f"{vip.id} no longer moves back by itself when a node returns")


def _threshold(builder: PatchBuilder, cluster: ClusterSnapshot, vip: Vip) -> str:
    set_default(builder, "migration-threshold", str(MIGRATION_THRESHOLD))
    return (f"rsc_defaults migration-threshold={MIGRATION_THRESHOLD}: after {MIGRATION_THRESHOLD} "
            "failures on a node a resource moves to another node and stays off that one until "
            "its failures are cleaned up (hacon cleanup)")


def set_default(builder: PatchBuilder, name: str, value: str) -> None:
    """Set one rsc_defaults meta attribute (the section and its set created if missing)."""
    configuration = builder.cib.find("configuration")
    if configuration is None:
        raise ActionRefused("the CIB has no configuration section")
    defaults = configuration.find("rsc_defaults")
    if defaults is None:
        # One create with everything inside: Pacemaker will not apply a create into an element
        # created by the same patch.
        defaults = etree.Element("rsc_defaults")
        holder = etree.SubElement(defaults, "meta_attributes",
                                  id=free_id(builder.cib, "rsc_defaults-meta_attributes"))
        etree.SubElement(holder, "nvpair", id=f"{holder.get('id')}-{name}", name=name,
                         value=value)
        builder.create(configuration, defaults)
    else:
        write_pairs(builder, defaults, "meta_attributes", "rsc_defaults-meta_attributes",
                    {name: value})


def _prefer(builder: PatchBuilder, cluster: ClusterSnapshot, vip: Vip) -> str:
    node = vip.holder_nodes[0]
    wanted = f"location-{vip.top_level}-{node}-{PREFERRED_SCORE}"
    builder.create(_constraints(builder), etree.Element("rsc_location", {
        "id": free_id(builder.cib, wanted), "rsc": vip.top_level, "node": node,
        "score": str(PREFERRED_SCORE)}))
    return (f"{vip.top_level} prefers {shell_word(node)} (score {PREFERRED_SCORE}), where it runs "
            f"now; with a stickiness below {PREFERRED_SCORE} it also moves back there by itself "
            "after a failover")


_EDITS = {
    ActionKind.FIX_COLOCATION: _colocate,
    ActionKind.FIX_ORDER: _order,
    ActionKind.FIX_STICKINESS: _stickiness,
    ActionKind.FIX_PREFERRED: _prefer,
    ActionKind.FIX_THRESHOLD: _threshold,
}
