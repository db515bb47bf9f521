"""Disable, enable and refresh a resource: guards and plans (pure).

Disable and enable edit the resource's `target-role` meta attribute (Stopped; removed again, as
`pcs resource enable` does) with a versioned patch, through the same compare-and-swap, preview,
verification and journal as standby. Disabling the VIP or a service that must run with it is an
outage: refused unless the operator forces it, and then the plan asks for the resource's name to
be typed out.

Refresh is `crm_resource --refresh`, Pacemaker's own tool (it forgets the resource's operation
history and re-probes it): no CIB patch, so no compare-and-swap; the executor re-checks the guard
and the preview on a fresh CIB just before it runs.
"""

from __future__ import annotations

from dataclasses import replace

from console.actions import guards
from console.actions.eligibility import colocated_services
from console.actions.patchset import PatchBuilder
from console.actions.plans import (
    ActionKind,
    ActionPlan,
    ActionRefused,
    Element,
    patch_plan,
    read_cib,
    refuse_if,
)
from console.actions.upkeep import RESOURCE_TAGS, _pairs, write_pairs
from console.model.cluster import ClusterSnapshot
from console.model.text_safety import shell_word
from console.transport import argv as node_argv
Snapshot = guards.Snapshot


def vip_family(cluster: ClusterSnapshot) -> set[str]:
    """The VIP, its group and parents, and the services that must run with it."""
    vip = guards.main_vip(cluster)
    if vip is None:
        return set()
    return {vip.id, vip.top_level, *(({vip.group}) if vip.group else ()),
            *colocated_services(cluster, vip)}


def disable_blocked_reason(snapshot: Snapshot, resource: str, force: bool, *,
                           now: float | None = None) -> str | None:
    """Why `resource` may not be disabled (target-role=Stopped) now, or None."""
    cluster, reason = guards.usable_for(snapshot, now, resource=resource)
    if cluster is None:
        return reason
    if (cluster.resources[resource].target_role or "").lower() == "stopped":
        return f"{resource} is already disabled (target-role=Stopped)"
    if resource in vip_family(cluster) and not force:
        return (f"disabling {resource} stops the service behind the VIP (an outage); add "
                "--force and type its name to confirm")
    return None


def restart_blocked_reason(snapshot: Snapshot, resource: str, force: bool, *,
                           now: float | None = None) -> str | None:
    """Why `resource` may not be restarted (stopped, then started on the same node), or None."""
    cluster, reason = guards.usable_for(snapshot, now, resource=resource)
    if cluster is None:
        return reason
    rsc = cluster.resources[resource]
    if (rsc.target_role or "").lower() == "stopped":
        return f"{resource} is disabled: enable it instead"
    if len(rsc.active_on) != 1:
        return f"{resource} runs on {len(rsc.active_on)} nodes: hacon restarts it on one node"
    if resource in vip_family(cluster) and not force:
        return (f"restarting {resource} interrupts the service behind the VIP (an outage); add "
                "--force and type its name to confirm")
    return None


def plan_restart(cib: bytes, resource: str, force: bool, *, run_on: str) -> ActionPlan:
    """The first half of a restart: stop `resource` (target-role=Stopped); the executor starts
    it again once the stop is verified, and checks it came back on the same node."""
    _, snapshot = read_cib(cib)
    refuse_if(restart_blocked_reason(snapshot, resource, force))
    node = snapshot.resources[resource].active_on[0]
    stop = plan_disable(cib, resource, True, run_on=run_on)
    steps = (f"{resource} is stopped on {node} (target-role=Stopped)",
             f"once it is verified stopped, target-role is removed and {resource} is started "
             f"again; verified back on {node}")
    in_family = resource in vip_family(snapshot)
    return replace(stop, kind=ActionKind.RESTART, node=node, changes=steps, consequences=steps,
                   title=f"Restart {shell_word(resource)} on {shell_word(node)}" + (": OUTAGE" if in_family else ""),
                   typed_confirmation=resource if in_family else None, force=force)


def enable_blocked_reason(snapshot: Snapshot, resource: str, *,
                          now: float | None = None) -> str | None:
    """Why `resource` may not be enabled (target-role removed) now, or None."""
    cluster, reason = guards.usable_for(snapshot, now, resource=resource)
    if cluster is None:
        return reason
    if (cluster.resources[resource].target_role or "").lower() != "stopped":
        return f"{resource} is not disabled"
    return None


def plan_disable(cib: bytes, resource: str, force: bool, *, run_on: str) -> ActionPlan:
    """Set `resource`'s target-role to Stopped."""
    root, snapshot = read_cib(cib)
    refuse_if(disable_blocked_reason(snapshot, resource, force))
    builder = PatchBuilder(root)
    write_pairs(builder, _resource_element(builder, resource), "meta_attributes",
                f"{resource}-meta_attributes", {"target-role": "Stopped"})
    change = f"{resource} gets target-role=Stopped: Pacemaker stops it and keeps it stopped"
    plan = patch_plan(builder, snapshot, ActionKind.DISABLE, f"Disable {shell_word(resource)}", run_on,
                      resource=resource, consequences=(change,))
    plan = replace(plan, changes=(change,))
    if resource not in vip_family(snapshot):
        return plan
    # An outage the operator forced: typed confirmation; not refused by the preview, and the
    # verification expects the VIP (or its service) stopped, as predicted.
    return replace(plan, typed_confirmation=resource, force=True, vip=None, services=(),
                   title=f"Disable {shell_word(resource)}: OUTAGE of the service behind the VIP")


def plan_enable(cib: bytes, resource: str, *, run_on: str) -> ActionPlan:
    """Remove `resource`'s target-role=Stopped."""
    root, snapshot = read_cib(cib)
    refuse_if(enable_blocked_reason(snapshot, resource))
    builder = PatchBuilder(root)
    for holder in _resource_element(builder, resource).iterfind("meta_attributes"):
        for pair in _pairs(holder, "target-role"):
            builder.delete(pair)
    if not builder.changed:
        raise ActionRefused(f"{resource}'s target-role is inherited: enable its parent")
    change = f"{resource}'s target-role=Stopped is removed: Pacemaker may start it"
    plan = patch_plan(builder, snapshot, ActionKind.ENABLE, f"Enable {shell_word(resource)}", run_on,
                      resource=resource, consequences=(change,))
    return replace(plan, changes=(change,))


def refresh_blocked_reason(snapshot: Snapshot, resource: str, node: str | None, *,
                           now: float | None = None) -> str | None:
    """Why `resource` may not be refreshed (re-probed) now, or None."""
    _, reason = guards.usable_for(snapshot, now, resource=resource, node=node)
    return reason


def plan_refresh(cib: bytes, resource: str, node: str | None, *, run_on: str) -> ActionPlan:
    """`crm_resource --refresh`: forget the resource's history and re-probe it."""
    _, snapshot = read_cib(cib)
    refuse_if(refresh_blocked_reason(snapshot, resource, node))
    where = f" on {node}" if node else " on every node"
    note = (f"Pacemaker's own tool, crm_resource --refresh, forgets {resource}'s operation "
            f"history{where} and probes it again (no CIB patch: the guard is checked again on "
            "a fresh CIB just before it runs)")
    vip = guards.main_vip(snapshot)
    return ActionPlan(
        kind=ActionKind.REFRESH, title=f"Refresh {shell_word(resource)}{where}", node=node,
        resource=resource, run_on=run_on,
        argv=node_argv.crm_resource_refresh(resource, node), stdin=None,
        expected_version=snapshot.version, consequences=(note,), changes=(note,),
        stops_service=False, simulate_cib=cib, vip=vip.id if vip else None,
        services=colocated_services(snapshot, vip) if vip else ())


def _resource_element(builder: PatchBuilder, resource: str) -> Element:
    element = next((item for item in builder.cib.iterfind("configuration/resources//*")
                    if item.get("id") == resource and item.tag in RESOURCE_TAGS), None)
    if element is None:
        raise ActionRefused(f"{resource} has no element in configuration/resources")
    return element
