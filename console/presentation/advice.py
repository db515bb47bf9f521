"""What to do about a finding, in hacon's own keys and commands.

Every advisory and every failed operation has a `Detail`: what is wrong, why it matters, what
to do, and the exact hacon key (or, where hacon has no action, the exact command). The console
opens it with Enter on a Failures row (k9s' "describe"); `hacon status` and its JSON print the
same next step, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from console.model.live.advisories import (
    Advisory,
    member_names,
    vip_services,
)
from console.model.cluster import ClusterSnapshot, FailedOperation, Vip
from console.model.live.events import failure_summary
from console.model.live.live_advisories import live_advisories
from console.model.live.snapshot import LiveSnapshot
from console.model.text_safety import shell_word


@dataclass(frozen=True, slots=True)
class NextStep:
    """What resolves a finding: the console's keys and the command line's equivalent."""

    keys: str | None
    """The console's keys, e.g. "press 4, select cli-ban-OSIPS, x"; None: hacon has no action."""
    command: str
    """The exact command: a hacon action ("hacon clear OSIPS"), else the Pacemaker/pcs one."""


@dataclass(frozen=True, slots=True)
class Detail:
    """A finding described in full (the console's detail view, the text output's advice)."""

    title: str
    what: str
    why: str
    todo: str
    step: NextStep


def quoted(argument: str) -> str:
    """A command-line argument as an operator would type it: the house's one quoting rule
    (`shell_word`: quoted when a shell would split it, escaped when a terminal would act)."""
    return shell_word(argument)


# --- failed operations --------------------------------------------------------------------------


def failure_key(failure: FailedOperation) -> str:
    """The Failures pane's row key of a failed operation."""
    return f"failure:{failure.instance}:{failure.node}:{failure.task}:{failure.interval_ms}"


def failure_detail(failure: FailedOperation) -> Detail:
    """A failed operation: what failed, where, and how to clear it once the cause is fixed."""
    reason = f" ({failure.exit_reason})" if failure.exit_reason else ""
    return Detail(
        title=f"FAILED {failure.resource} on {failure.node}",
        what=f"{failure.resource} {failure_summary(failure)}{reason}",
        why="Pacemaker counts every failure: at the resource's migration-threshold it moves "
            "the resource away from the node and will not run it there again until cleaned up.",
        todo="Fix the cause first (the agent's log on the node), then clean up the failure so "
             "the node may run the resource again.",
        step=NextStep(f"press 3, select this row, c (cleans up {failure.resource} on "
                      f"{failure.node})",
                      f"hacon cleanup {quoted(failure.resource)} --node {quoted(failure.node)}"))


# --- advisories -----------------------------------------------------------------------------


def advisory_detail(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Detail:
    """The detail of one advisory (the snapshot names the nodes and resources to act on)."""
    describe = _DESCRIBERS.get(advisory.code, _generic)
    what, why, todo, step = describe(advisory, snapshot)
    return Detail(f"{advisory.severity.value}: {advisory.subject}", what, why, todo, step)


def next_step(advisory: Advisory, snapshot: ClusterSnapshot | None) -> NextStep:
    """The key or command that resolves `advisory`."""
    return advisory_detail(advisory, snapshot).step


def console_hint(step: NextStep, *, with_keys: bool = True) -> str:
    """The short form a Failures row ends with: the keys, else (no key, or no action offered:
    read-only, a file) the command."""
    return step.keys if step.keys and with_keys else f"run {step.command}"


Parts = tuple[str, str, str, NextStep]


def _split(advisory: Advisory) -> tuple[str, str]:
    """An advisory's sentence as (what, why): its text is "what: why" for most codes."""
    what, _, why = advisory.text.partition(": ")
    return (what, why) if why else (advisory.text, "")


def _generic(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, "Look at the resource with crm_mon.",
            NextStep(None, "crm_mon --one-shot --inactive"))


def _holder_vip(snapshot: ClusterSnapshot | None) -> Vip | None:
    if snapshot is None or not snapshot.vips:
        return None
    return next(iter(snapshot.vips.values()))


def _standby_members(snapshot: ClusterSnapshot | None) -> list[str]:
    if snapshot is None:
        return []
    return [name for name in member_names(snapshot) if snapshot.nodes[name].standby]


def _online_step(node: str) -> NextStep:
    return NextStep(f"press 1, select {node}, o", f"hacon online {quoted(node)}")


def _vip_stopped(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    standby = _standby_members(snapshot)
    if standby:
        return (what, why, f"{standby[0]} is in standby: bring it online so the VIP can run.",
                _online_step(standby[0]))
    failed = snapshot.failures[0].resource if snapshot and snapshot.failures else advisory.subject
    return (what, why, "Fix what stops it (see the FAILED rows), then clean up its failures.",
            NextStep(f"press 3, select the FAILED row, c (or 2, select {failed}, c)",
                     f"hacon cleanup {quoted(failed)}"))


def _vip_on_several(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, "Restore the link between the nodes. With fencing on, Pacemaker fences "
            "one side by itself; without it, stop the cluster on the side that should lose. "
            "hacon has no action for this.",
            NextStep(None, "pcs cluster stop NODE   (on the node that should give up the VIP)"))


def _stonith(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, "Configure a fence device, then enable fencing. hacon has no action for "
            "this.", NextStep(None, "pcs property set stonith-enabled=true"))


def _two_node(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, _, why = advisory.text.partition(" loses ")
    return (what, "it loses " + why, "Set two_node: 1 in the quorum section of "
            "/etc/corosync/corosync.conf on every node, then reload corosync. It is not in the "
            "CIB: `hacon fix two-node-missing` prints the change, hacon does not apply it.",
            NextStep(None, "corosync-cfgtool -R   (after editing corosync.conf on every node)"))


def _services_of(snapshot: ClusterSnapshot | None) -> list[str]:
    if snapshot is None:
        return []
    return sorted(r.id for r in snapshot.resources.values()
                  if r.kind.value == "primitive" and r.id not in snapshot.vips
                  and not (r.agent or "").startswith("stonith:"))


def _not_colocated(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    services = _services_of(snapshot)
    service = services[0] if len(services) == 1 else "SERVICE"
    return (what, why, f"Colocate {service} with the VIP (score INFINITY), then order them. "
            "hacon's fix previews it, asks, and applies it as one patch.", _fix_step(advisory))


def _not_ordered(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    vip, _, service = advisory.subject.partition("/")
    return (what, why, f"Start {vip} before {service} (a mandatory order: the service binds to "
            "the address). hacon's fix previews it, asks, and applies it.", _fix_step(advisory))


def _no_stickiness(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, "Give resources a stickiness so they stay after a failover; move the "
            "VIP back yourself with failback (f) at a quiet moment. hacon's fix sets "
            "rsc_defaults resource-stickiness=1, as pcs does.", _fix_step(advisory))


def _no_preferred(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, "Give the VIP a preferred node; failback (f) then knows where home is. "
            "hacon's fix prefers the node that runs it now (score 50).", _fix_step(advisory))


def _no_threshold(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, "Give resources a migration-threshold: after that many failures on a node "
            "they move to the other one. hacon's fix sets rsc_defaults migration-threshold=3 "
            "(`hacon config threshold RESOURCE N` sets one resource's).", _fix_step(advisory))


FIX_KEY = "A"
"""The Failures pane's key that fixes the advisory under the cursor (`hacon fix CODE`)."""


def _fix_step(advisory: Advisory) -> NextStep:
    """The fix of a configuration advisory: the key on its row and `hacon fix CODE`."""
    return NextStep(f"press 3, select this row, {FIX_KEY} (previewed, confirmed)",
                    f"hacon fix {advisory.code}")


def _all_standby(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    standby = _standby_members(snapshot)
    node = standby[0] if standby else "NODE"
    return (what, why, f"Bring a node out of standby, {node} first.", _online_step(node))


def _node_standby(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, f"Bring {advisory.subject} out of standby once its maintenance is done.",
            _online_step(advisory.subject))


def _cli_ids(snapshot: ClusterSnapshot | None, resource: str) -> list[str]:
    if snapshot is None:
        return []
    return [c.id for c in snapshot.constraints.location
            if c.resource == resource and c.origin in ("cli-prefer", "cli-ban")]


def _ban_one_node(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    resource = advisory.subject
    leftovers = _cli_ids(snapshot, resource)
    if leftovers:
        return (what, why, "Remove the ban once the work on that node is done.",
                NextStep(f"press 4, select {leftovers[0]}, x", f"hacon clear {quoted(resource)}"))
    return (what, why, "The ban is a constraint of the configuration: remove it if it is not "
            "wanted. hacon has no action for this.",
            NextStep(None, f"pcs constraint location remove ID   (the ban of {resource})"))


def _failcount(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    resource, _, node = advisory.subject.rpartition("@")
    return (what, why or "it counts toward the migration-threshold",
            "Fix the cause first (the agent's log on the node), then clean up the failcount.",
            NextStep(f"press 2, select {resource}, c (or 3, its FAILED row, c)",
                     f"hacon cleanup {quoted(resource)} --node {quoted(node)}"))


def _leftover(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, _, _ = advisory.text.partition(": ")
    resource = next((c.resource for c in snapshot.constraints.location
                     if c.id == advisory.subject), None) if snapshot else None
    target = resource or "RESOURCE"
    return (what, "crm_resource --move/--ban leave this constraint behind: it keeps pinning or "
            "banning the resource long after the work is done, and silently decides the next "
            "failover.", "Clear it once the work is done.",
            NextStep("press 4, select it, x", f"hacon clear {quoted(target)}"))


def _apart(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = advisory.text, "calls to the address reach a node without the service"
    return (what, why, "Clean up the service's failures: Pacemaker places it with the VIP "
            "again.", NextStep(f"press 2, select {advisory.subject}, c",
                               f"hacon cleanup {quoted(advisory.subject)}"))


def _service_without_vip(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why or "a copy started outside the cluster answers nobody",
            f"A copy of the service started by hand on {advisory.subject} must be stopped there. "
            "hacon has no action for this.",
            NextStep(None, f"ssh {quoted(advisory.subject)} crm_resource --locate --resource "
                           "SERVICE   (then stop the copy Pacemaker does not know)"))


def _vip_without_service(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    vip = _holder_vip(snapshot)
    services = list(vip_services(snapshot, vip)) if snapshot and vip else []
    service = services[0] if services else "SERVICE"
    return (what, why, "Clean up the service so Pacemaker starts it again next to the VIP.",
            NextStep(f"press 2, select {service}, c", f"hacon cleanup {quoted(service)}"))


def _off_preferred(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, "Fail the VIP back to its preferred node at a quiet moment (the "
            "preview shows what moves).", NextStep("press 1, f", "hacon failback"))


def _maintenance_step(advisory: Advisory, snapshot: ClusterSnapshot | None) -> NextStep:
    subject = advisory.subject
    if subject == "cluster":
        return NextStep("press 1, M", "hacon maintenance off")
    if snapshot is not None and subject in snapshot.nodes:
        return NextStep(f"press 1, select {subject}, m",
                        f"hacon maintenance off --node {quoted(subject)}")
    return NextStep(f"press 2, select {subject}, m",
                    f"hacon maintenance off --resource {quoted(subject)}")


def _maintenance_override(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, "End the resource's own maintenance once its work is done.",
            _maintenance_step(advisory, snapshot))


def _maintenance_old(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, "End the maintenance if the work is done (nothing there is monitored or "
            "recovered meanwhile).", _maintenance_step(advisory, snapshot))


def _expired(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why or "it no longer applies but still clutters the configuration",
            "Remove the expired move/ban constraints.",
            NextStep("press 4, X (clears every expired one)", "hacon clear --expired"))


def _two_sides(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, "Make sure one side gives up the VIP: restore the link, or fence (or "
            "stop) the side that should lose. hacon has no action for this.",
            NextStep(None, "stonith_admin --reboot NODE   (or pcs cluster stop NODE on the side "
                           "that should lose)"))


def _no_fence_device(advisory: Advisory, snapshot: ClusterSnapshot | None) -> Parts:
    what, why = _split(advisory)
    return (what, why, "Configure a fence device for every node. hacon has no action for this.",
            NextStep(None, "pcs stonith create NAME AGENT ...   (see pcs stonith list)"))


_DESCRIBERS: dict[str, Callable[[Advisory, ClusterSnapshot | None], Parts]] = {
    "fence-race": _two_sides,
    "stonith-off-doubt": _two_sides,
    "vip-in-two-partitions": _two_sides,
    "vip-may-be-held": _two_sides,
    "no-fence-device": _no_fence_device,
    "maintenance-override": _maintenance_override,
    "maintenance-old": _maintenance_old,
    "expired-cli-constraint": _expired,
    "vip-stopped": _vip_stopped,
    "vip-on-several": _vip_on_several,
    "stonith-disabled": _stonith,
    "two-node-missing": _two_node,
    "vip-not-colocated": _not_colocated,
    "vip-not-ordered": _not_ordered,
    "no-stickiness": _no_stickiness,
    "no-preferred-node": _no_preferred,
    "no-migration-threshold": _no_threshold,
    "all-standby": _all_standby,
    "node-standby": _node_standby,
    "ban-leaves-one-node": _ban_one_node,
    "failcount": _failcount,
    "failcount-near": _failcount,
    "failcount-reached": _failcount,
    "leftover-cli-constraint": _leftover,
    "service-apart-from-vip": _apart,
    "service-without-vip": _service_without_vip,
    "vip-without-service": _vip_without_service,
    "vip-off-preferred": _off_preferred,
}
"""Every advisory code has its describer (a test checks that each names a key or command)."""


def problem_detail(live: LiveSnapshot, key: str) -> Detail | None:
    """The detail of the Failures row `key` on `live` (None: the row is gone, or is "ok")."""
    cluster = live.cluster
    for failure in cluster.failures if cluster else ():
        if failure_key(failure) == key:
            return failure_detail(failure)
    for advisory in live_advisories(live, two_node=live.two_node):
        if advisory.key == key:
            return advisory_detail(advisory, cluster)
    return None


def refusal_next_step(reason: str, snapshot: ClusterSnapshot | None) -> str | None:
    """What to do first about a refusal, in hacon's keys: "(node-a in standby)" means node-a
    must come out of standby before anything can move to it."""
    for node in _standby_members(snapshot):
        if f"{node} in standby" in reason:
            return f"first bring {node} online: press 1, select {node}, o"
    return None
