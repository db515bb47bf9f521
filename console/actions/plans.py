"""Plans: what an action will do, computed purely from one CIB, pinned to its version.

Each `plan_<action>(cib, ..., run_on=NODE)` parses the CIB bytes as read from the cluster
(`cibadmin -Q`), asks the action's guard (raising `ActionRefused` with its reason), and builds an
`ActionPlan`: the exact argv, the versioned patch for its stdin (`console.actions.patchset`), the
CIB version it was computed from, the CIB as it would be afterwards (for the scheduler's
preview), and the consequences in words. Nothing here runs anything; `console.actions.execute`
previews and applies plans.

Standby and online change only the permanent `standby` node attribute (configuration/nodes),
as `pcs node standby/unstandby` do. A transient one (`crm_attribute --lifetime reboot`, in the
status section) overrides it; it belongs to pacemaker-attrd, which would write it back after a
CIB edit, so hacon never edits it: when a transient value would win over the permanent one
hacon sets, the plan is refused with the command that removes it.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, replace
from enum import Enum

from lxml import etree

from console.actions import guards
from console.actions.eligibility import CLI_ORIGINS, colocated_services, preferred_node
from console.actions.patchset import PatchBuilder, cib_version_of
from console.actions.prediction import Prediction
from console.model.cluster import ClusterSnapshot
from console.model.snapshot import parse_cib
from console.model.text_safety import shell_word
from console.model.types import CibVersion
from console.model.xmlsafe import parse_xml
from console.transport import argv as node_argv

Element = etree._Element
PATCH_ARGV = node_argv.cib_patch()
SIMULATE_TOOL_ARGV = node_argv.crm_simulate_tool()
"""Pacemaker's scheduler on the changed CIB (stdin): the transition and the status after it."""
SIMULATE_ARGV = node_argv.crm_simulate_private()
"""The preview on a node, its shadow CIB in a private directory removed afterwards."""


class ActionKind(str, Enum):
    """The guarded actions."""

    STANDBY = "standby"
    ONLINE = "online"
    CLEANUP = "cleanup"
    CLEAR = "clear"
    FAILBACK = "failback"
    MAINTENANCE_ON = "maintenance-on"
    MAINTENANCE_OFF = "maintenance-off"
    MOVE = "move"
    BAN = "ban"
    CLEAR_EXPIRED = "clear-expired"
    DISABLE = "disable"
    ENABLE = "enable"
    REFRESH = "refresh"
    RESTART = "restart"
    FENCE = "fence"
    FIX_COLOCATION = "fix-colocation"
    FIX_ORDER = "fix-order"
    FIX_STICKINESS = "fix-stickiness"
    FIX_PREFERRED = "fix-preferred"
    FIX_THRESHOLD = "fix-threshold"
    CONFIG_STICKINESS = "config-stickiness"
    CONFIG_PREFER = "config-prefer"
    CONFIG_THRESHOLD = "config-threshold"


class ActionRefused(Exception):
    """A guard (or the preview) said no; `reason` is the sentence for the operator."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ActionPlan:
    """One action, pinned to the CIB version it was computed from (immutable)."""

    kind: ActionKind
    title: str
    """What the confirmation names: "Put node-a in standby"."""
    node: str | None
    """The node acted on (standby, online, cleanup on one node, failback's destination)."""
    resource: str | None
    """The resource acted on (cleanup, clear, failback's VIP)."""
    run_on: str
    """The node whose tools run the command."""
    argv: tuple[str, ...]
    stdin: bytes | None
    """The versioned patch for `cibadmin --patch --xml-pipe`; None for cleanup."""
    expected_version: CibVersion
    """The CIB version the plan was computed from; the patch's source."""
    consequences: tuple[str, ...]
    """Predicted consequences in words (the scheduler's, once previewed)."""
    stops_service: bool
    """Whether something that runs now would end up stopped: the modal focuses No."""
    simulate_cib: bytes
    """The whole CIB as it would be after the action, for crm_simulate."""
    vip: str | None = None
    """The VIP whose move the executor verifies."""
    services: tuple[str, ...] = ()
    """Resources that must run with the VIP (verified beside it)."""
    target_version: CibVersion | None = None
    then_clear: tuple[str, ...] = ()
    """Constraint ids to remove once the move is verified (failback's temporary cli-prefer)."""
    changes: tuple[str, ...] = ()
    """What the command itself changes beyond moves (constraints removed, failures forgotten);
    kept in the consequences after the preview."""
    when: str | None = None
    """The time written into the CIB (a move/ban's lifetime end, maintenance's start), kept
    for a re-plan."""
    force: bool = False
    """The operator forced an outage (kept for a re-plan)."""
    value: str | None = None
    """The value a configuration edit writes (a stickiness, a score, a threshold), kept for a
    re-plan."""
    typed_confirmation: str | None = None
    """A word the operator must type to go ahead (an accepted outage); None: yes/no."""
    mark: bytes | None = None
    """A versioned patch the executor commits before it runs Pacemaker's tool (a fence's
    mark on its node: `console.actions.fence`), so the tool takes part in compare-and-swap."""
    prediction: Prediction | None = None
    refusal: str | None = None
    """Set by the preview when the scheduler's prediction is unacceptable (a VIP left stopped)."""

    def with_prediction(self, prediction: Prediction, notes: tuple[str, ...] = ()) -> ActionPlan:
        """This plan with the scheduler's prediction, its consequences and, if due, a refusal."""
        watched = tuple(rid for rid in (self.vip, *self.services) if rid)
        stopped = prediction.stopped_resources(watched) if self.vip else ()
        refusal = (f"the scheduler predicts {', '.join(stopped)} stopped afterwards"
                   if stopped else None)
        # A move of the VIP or its services interrupts the service too: focus No for it.
        interrupted = any(action.resource in watched and action.action != "start"
                          for action in prediction.actions)
        return replace(self, prediction=prediction, refusal=refusal,
                       consequences=(*(prediction.sentences() or ("nothing moves",)),
                                     *self.changes, *notes),
                       stops_service=bool(stopped) or interrupted or prediction.stops_anything())


# -- the actions ---------------------------------------------------------------------------------


def plan_standby(cib: bytes, node: str, *, run_on: str) -> ActionPlan:
    """Put `node` in standby: set its permanent `standby` attribute to "on"."""
    builder, snapshot = _standby_patch(cib, node, guards.standby_blocked_reason)
    _set_node_attribute(builder, node_element(builder.cib, node), "standby", "on")
    holder_note = _holder_note(snapshot, node)
    return patch_plan(builder, snapshot, ActionKind.STANDBY, f"Put {shell_word(node)} in standby",
                      run_on, node=node, consequences=(f"{node} stops running resources",
                                                       *holder_note))


def plan_online(cib: bytes, node: str, *, run_on: str) -> ActionPlan:
    """Bring `node` out of standby: remove its permanent `standby` attribute."""
    builder, snapshot = _standby_patch(cib, node, guards.online_blocked_reason)
    for pair in _node_nvpairs(node_element(builder.cib, node), "standby"):
        builder.delete(pair)
    if not builder.changed:
        raise ActionRefused(f"{node} is in standby for another reason (on-fail=standby?)")
    return patch_plan(builder, snapshot, ActionKind.ONLINE, f"Bring {shell_word(node)} online",
                      run_on, node=node, consequences=(f"{node} may run resources again",))


def plan_clear(cib: bytes, resource: str | None = None, *, run_on: str) -> ActionPlan:
    """Remove leftover cli-prefer / cli-ban constraints (of `resource`, or every one)."""
    root, snapshot = read_cib(cib)
    refuse_if(guards.clear_blocked_reason(snapshot, resource))
    builder = PatchBuilder(root)
    removed = _delete_cli_constraints(builder, snapshot, {resource} if resource else None)
    title = f"Clear cli constraints of {resource}" if resource else "Clear every cli constraint"
    changes = tuple(f"constraint {cid} is removed" for cid in removed)
    plan = patch_plan(builder, snapshot, ActionKind.CLEAR, title, run_on, resource=resource,
                      consequences=changes)
    return replace(plan, changes=changes)


def plan_failback(cib: bytes, *, run_on: str) -> ActionPlan:
    """Move the VIP and its services to the preferred node; the constraint goes afterwards."""
    root, snapshot = read_cib(cib)
    refuse_if(guards.failback_blocked_reason(snapshot))
    vip = guards.main_vip(snapshot)
    preferred = preferred_node(snapshot, vip) if vip else None
    if vip is None or preferred is None:  # the guard has said so already
        raise ActionRefused("no VIP with a preferred node")
    node, location = preferred
    builder = PatchBuilder(root)
    moved = {vip.top_level, vip.id, *colocated_services(snapshot, vip)}
    removed = _delete_cli_constraints(builder, snapshot, moved)
    prefer_id = free_id(builder.cib, f"cli-prefer-{vip.top_level}")
    constraints = child_element(builder, builder.cib.find("configuration"), "constraints")
    builder.create(constraints, etree.Element(
        "rsc_location", {"id": prefer_id, "rsc": vip.top_level, "role": "Started",
                         "node": node, "score": "INFINITY"}))
    notes = (f"{node} is preferred by {location.id} (score {location.score})",
             *(f"constraint {cid} is removed" for cid in removed),
             f"{prefer_id} moves it there and is removed once the move is verified")
    plan = patch_plan(builder, snapshot, ActionKind.FAILBACK,
                      f"Fail {shell_word(vip.id)} back to {shell_word(node)}", run_on, node=node,
                      resource=vip.id,
                      consequences=notes)
    return replace(plan, then_clear=(prefer_id,), changes=notes[:-1])


def plan_cleanup(cib: bytes, resource: str, node: str | None = None, *,
                 run_on: str) -> ActionPlan:
    """Forget the failures of `resource` (on `node`, or everywhere): `crm_resource --cleanup`.

    Not a CIB patch (the controller clears the history itself), so there is no compare-and-swap;
    the guard is re-checked on a fresh CIB right before it runs. The preview simulates the CIB
    without the resource's fail counts.
    """
    root, snapshot = read_cib(cib)
    refuse_if(guards.cleanup_blocked_reason(snapshot, resource, node))
    where = f" on {node}" if node else " on every node"
    vip = guards.main_vip(snapshot)
    forgotten = f"failcount and failed operations of {resource}{where} are forgotten"
    return ActionPlan(
        kind=ActionKind.CLEANUP, changes=(forgotten,),
        title=f"Clean up {shell_word(resource)}{where}",
        node=node, resource=resource, run_on=run_on,
        argv=node_argv.crm_resource_cleanup(resource, node), stdin=None,
        expected_version=snapshot.version,
        consequences=(forgotten,),
        stops_service=True, simulate_cib=_without_failcounts(root, resource, node),
        vip=vip.id if vip else None,
        services=colocated_services(snapshot, vip) if vip else ())


def plan_removal(cib: bytes, constraint_ids: tuple[str, ...], *, run_on: str) -> ActionPlan:
    """Remove named location constraints (failback's follow-up); no guard: it moves nothing."""
    root, snapshot = read_cib(cib)
    builder = PatchBuilder(root)
    for location in list(builder.cib.iterfind("configuration/constraints/rsc_location")):
        if location.get("id") in constraint_ids:
            builder.delete(location)
    if not builder.changed:
        raise ActionRefused(f"{', '.join(constraint_ids)} is already gone")
    return patch_plan(builder, snapshot, ActionKind.CLEAR, "Remove the failback constraint",
                      run_on, consequences=tuple(f"constraint {cid} is removed"
                                                 for cid in constraint_ids))


# -- helpers ------------------------------------------------------------------------------------


def read_cib(cib: bytes) -> tuple[Element, ClusterSnapshot]:
    """The CIB as an editable tree (for the patch) and as the model (for the guards)."""
    return parse_xml(cib), parse_cib(cib)


def refuse_if(reason: str | None) -> None:
    """Raise a guard's "why not" sentence as the refusal; None lets the plan go on."""
    if reason is not None:
        raise ActionRefused(reason)


def patch_plan(builder: PatchBuilder, snapshot: ClusterSnapshot, kind: ActionKind, title: str,
               run_on: str, *, node: str | None = None, resource: str | None = None,
               consequences: tuple[str, ...] = ()) -> ActionPlan:
    patch, after, target = builder.finish()
    vip = guards.main_vip(snapshot)
    return ActionPlan(kind=kind, title=title, node=node, resource=resource, run_on=run_on,
                      argv=PATCH_ARGV, stdin=patch, expected_version=builder.source,
                      consequences=consequences, stops_service=True, simulate_cib=after,
                      vip=vip.id if vip else None,
                      services=colocated_services(snapshot, vip) if vip else (),
                      target_version=target)


def _holder_note(snapshot: ClusterSnapshot, node: str) -> tuple[str, ...]:
    return tuple(f"{vip.id} runs on {node}: it moves to another node"
                 for vip in snapshot.vips.values() if node in vip.holder_nodes)


def node_element(cib: Element, node: str) -> Element:
    """The <node> element of `node` (by uname) in the configuration."""
    for element in cib.iterfind("configuration/nodes/node"):
        if element.get("uname") == node:
            return element
    raise ActionRefused(f"{node} has no entry in configuration/nodes")


def _node_nvpairs(node: Element, name: str) -> list[Element]:
    return [pair for attributes in node.iterfind("instance_attributes")
            for pair in attributes.iterfind("nvpair") if pair.get("name") == name]


def _standby_patch(cib: bytes, node: str, guard: Callable[[ClusterSnapshot, str], str | None]
                   ) -> tuple[PatchBuilder, ClusterSnapshot]:
    """The patch of `node`'s permanent standby attribute, begun once `guard` allows the action.

    Standby and online alike refuse a transient standby: it would override what they set.
    """
    root, snapshot = read_cib(cib)
    refuse_if(guard(snapshot, node))
    transient = _transient_standby(root, node)
    if transient is not None:
        raise ActionRefused(_transient_message(node, transient))
    return PatchBuilder(root), snapshot


def _transient_standby(root: Element, node: str) -> str | None:
    for state in root.iterfind("status/node_state"):
        if state.get("uname") != node:
            continue
        for pair in state.iterfind("transient_attributes/instance_attributes/nvpair"):
            if pair.get("name") == "standby":
                return pair.get("value", "")
    return None


def _transient_message(node: str, value: str) -> str:
    return (f"{node} has a transient standby={value} (for this boot) that overrides the "
            f"permanent value hacon sets; remove it first: crm_attribute --node "
            f"{shell_word(node)} "
            f"--name standby --lifetime reboot --delete")


def _set_node_attribute(builder: PatchBuilder, node: Element, name: str, value: str) -> None:
    existing = _node_nvpairs(node, name)
    if existing:
        builder.set_attribute(existing[0], "value", value)
        return
    attributes = node.find("instance_attributes")
    if attributes is None:
        attributes_id = free_id(builder.cib, f"nodes-{node.get('id')}")
        attributes = etree.Element("instance_attributes", id=attributes_id)
        etree.SubElement(attributes, "nvpair", id=free_id(builder.cib, f"{attributes_id}-{name}"),
                         name=name, value=value)
        builder.create(node, attributes)
        return
    builder.create(attributes, etree.Element(
        "nvpair", id=free_id(builder.cib, f"{attributes.get('id')}-{name}"), name=name,
        value=value))


def child_element(builder: PatchBuilder, parent: Element | None, tag: str) -> Element:
    """`parent`'s `tag` child, created through the patch builder when it is missing."""
    if parent is None:
        raise ActionRefused("the CIB has no configuration section")
    found = parent.find(tag)
    return found if found is not None else builder.create(parent, etree.Element(tag))


def free_id(cib: Element, wanted: str) -> str:
    """`wanted`, or `wanted-N` when the CIB already uses it (CIB ids are unique)."""
    taken = {element.get("id") for element in cib.iter() if isinstance(element.tag, str)}
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


def _delete_cli_constraints(builder: PatchBuilder, snapshot: ClusterSnapshot,
                            resources: set[str] | None) -> list[str]:
    wanted = {location.id for location in snapshot.constraints.location
              if location.origin in CLI_ORIGINS
              and (resources is None or location.resource in resources)}
    removed = []
    for location in list(builder.cib.iterfind("configuration/constraints/rsc_location")):
        if location.get("id") in wanted:
            builder.delete(location)
            removed.append(location.get("id", ""))
    return removed


def _without_failcounts(root: Element, resource: str, node: str | None) -> bytes:
    copy = deepcopy(root)
    prefixes = (f"fail-count-{resource}", f"last-failure-{resource}")
    for state in copy.iterfind("status/node_state"):
        if node is not None and state.get("uname") != node:
            continue
        for pair in list(state.iterfind("transient_attributes/instance_attributes/nvpair")):
            if pair.get("name", "").startswith(prefixes):
                parent = pair.getparent()
                if parent is not None:
                    parent.remove(pair)
    return etree.tostring(copy)


def version_of(cib: bytes) -> CibVersion:
    """The version triple of CIB bytes (the root element is enough: `cibadmin -Q -n`)."""
    return cib_version_of(parse_xml(cib))
