"""Maintenance, move, ban and clearing expired constraints: guards and plans (pure).

Each plan is a versioned CIB patch like standby's (`console.actions.patchset`), so it goes
through the same compare-and-swap, preview, verification and journal.

* Maintenance: the cluster (`maintenance-mode` in crm_config), a node (its permanent
  `maintenance` attribute, as `pcs node maintenance` writes it) or a resource (`is-managed=false`
  in its meta attributes). hacon stamps when it switched it on (`SINCE_ATTRIBUTE`) and removes the
  stamp with it. Node maintenance is refused when, in the CIB the scheduler would be given, no
  node could run or recover the VIP any more.
* Move and ban: the `cli-prefer-RSC` / `cli-ban-RSC-on-NODE` constraints `crm_resource --move`
  and `--ban` write, with a lifetime in the same rule form (`#uname eq NODE` and
  `date_expression lt END`). A move without a node moves the resource away from where it runs,
  which is a ban there, as `crm_resource --move` does.
"""

from __future__ import annotations

import datetime
import re
import time
from dataclasses import replace

from lxml import etree

from console.actions import guards
from console.actions.eligibility import node_unavailable_reason, resource_family, vip_candidates
from console.actions.patchset import PatchBuilder
from console.actions.plans import (
    ActionKind,
    ActionPlan,
    ActionRefused,
    Element,
    child_element,
    free_id,
    node_element,
    patch_plan,
    read_cib,
    refuse_if,
)
from console.model.cluster import ClusterSnapshot
from console.model.constraints.dates import parse_iso_datetime
from console.model.snapshot import parse_cib
from console.model.types import INFINITY
from console.model.upkeep import SINCE_ATTRIBUTE, expired_constraints, own_unmanaged_setting
from console.model.text_safety import shell_word

Snapshot = guards.Snapshot
CIB_TIME_FORMAT = "%Y-%m-%d %H:%M:%SZ"
"""How crm_resource writes a lifetime's end ("2026-12-06 09:42:36Z")."""


def cib_time(at: float) -> str:
    """A wall-clock time as crm_resource writes it into a lifetime rule (UTC)."""
    return datetime.datetime.fromtimestamp(at, datetime.UTC).strftime(CIB_TIME_FORMAT)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_ISO_DURATION = re.compile(r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?"
                           r"(?:(?P<s>\d+)S)?)?$")


def parse_lifetime(text: str) -> int:
    """Seconds in a lifetime: "30m", "2h", "90s", "1d", "1h30m", or ISO 8601 "PT30M".

    Raises:
        ValueError: with a one-line reason, for anything else or a zero lifetime.
    """
    spoken = re.fullmatch(r"(?:\d+[smhdw])+", text.strip().lower())
    iso = _ISO_DURATION.match(text.strip().upper())
    if spoken:
        seconds = sum(int(number) * _UNITS[unit]
                      for number, unit in re.findall(r"(\d+)([smhdw])", spoken.group(0)))
    elif iso and any(iso.groups()):
        seconds = sum(int(iso.group(key) or 0) * factor
                      for key, factor in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)))
    else:
        raise ValueError(f"malformed lifetime {text!r}: use 30m, 2h, 90s, 1d or PT30M")
    if seconds <= 0:
        raise ValueError(f"lifetime {text!r} is zero: the constraint would never apply")
    return seconds


# --- maintenance --------------------------------------------------------------------------------


def maintenance_blocked_reason(snapshot: Snapshot, on: bool, node: str | None,
                               resource: str | None, *, now: float | None = None) -> str | None:
    """Why maintenance may not be switched on/off for the cluster, `node` or `resource`."""
    cluster, reason = guards.usable_for(snapshot, now, resource=resource, node=node)
    if cluster is None:
        return reason
    if node is not None and resource is not None:
        return "name a node or a resource, not both"
    if resource is not None:
        own = own_unmanaged_setting(cluster.resources[resource].meta)
        if on and own is not None:
            return f"{resource} is already unmanaged ({own})"
        if not on and own is None:
            return f"{resource} has no maintenance of its own to end (is-managed, maintenance)"
        return None
    if node is not None:
        in_maintenance = cluster.nodes[node].maintenance
        if on and in_maintenance:
            return f"{node} is already in maintenance"
        return None if on or in_maintenance else f"{node} is not in maintenance"
    if on and cluster.info.maintenance_mode:
        return "the cluster is already in maintenance mode"
    if not on and not cluster.info.maintenance_mode:
        return "the cluster is not in maintenance mode"
    return None


def plan_maintenance(cib: bytes, on: bool, node: str | None, resource: str | None,
                     when: str | None, *, run_on: str) -> ActionPlan:
    """Switch maintenance on or off for the cluster, a node or a resource."""
    root, snapshot = read_cib(cib)
    refuse_if(maintenance_blocked_reason(snapshot, on, node, resource))
    builder = PatchBuilder(root)
    owner, tag, set_id, names, value = _maintenance_place(builder, node, resource)
    if on:
        write_pairs(builder, owner, tag, set_id, {names[0]: value, SINCE_ATTRIBUTE: when or ""})
    else:
        for holder in owner.iterfind(tag):
            for name in (*names, SINCE_ATTRIBUTE):
                for pair in _pairs(holder, name):
                    builder.delete(pair)
    if not builder.changed:
        raise ActionRefused("maintenance is set for this boot only (transient attribute): "
                            f"crm_attribute --node {shell_word(node or '')} --name maintenance --lifetime reboot "
                            "--delete")
    subject = shell_word(resource or node or "") if resource or node else "the cluster"
    title = f"{'Start' if on else 'End'} maintenance of {subject}"
    kind = ActionKind.MAINTENANCE_ON if on else ActionKind.MAINTENANCE_OFF
    plan = patch_plan(builder, snapshot, kind, title, run_on, node=node, resource=resource)
    after = parse_cib(plan.simulate_cib)
    if on and node is not None:
        refuse_if(_vip_unrecoverable(after, node))
    changes = _management_changes(snapshot, after)
    return replace(plan, changes=changes, consequences=changes, when=when)


def _management_changes(before: ClusterSnapshot, after: ClusterSnapshot) -> tuple[str, ...]:
    stopped = sorted(rid for rid, rsc in after.resources.items()
                     if not rsc.managed and rid in before.resources
                     and before.resources[rid].managed)
    resumed = sorted(rid for rid, rsc in after.resources.items()
                     if rsc.managed and rid in before.resources
                     and not before.resources[rid].managed)
    lines = []
    if stopped:
        lines.append(f"{', '.join(stopped)} stop being managed: they keep running as they are, "
                     "and Pacemaker neither starts, stops, monitors nor recovers them")
    if resumed:
        lines.append(f"{', '.join(resumed)} are managed again: Pacemaker checks and recovers them")
    return tuple(lines) or ("nothing changes who is managed",)


def _vip_unrecoverable(after: ClusterSnapshot, node: str) -> str | None:
    vip = guards.main_vip(after)
    if vip is None:
        return None
    candidates = vip_candidates(after, vip)
    if any(blocker is None for blocker in candidates.values()):
        return None
    why = "; ".join(f"{name} {blocker}" for name, blocker in candidates.items())
    return (f"with {node} in maintenance, {vip.id} could be recovered nowhere if it failed "
            f"({why})")


def _maintenance_place(builder: PatchBuilder, node: str | None, resource: str | None
                       ) -> tuple[Element, str, str, tuple[str, ...], str]:
    """(owner element, attribute-set tag, its id if created, names, "on" value) of the scope."""
    if resource is not None:
        element = next((item for item in builder.cib.iterfind("configuration/resources//*")
                        if item.get("id") == resource and item.tag in RESOURCE_TAGS), None)
        if element is None:
            raise ActionRefused(f"{resource} has no element in configuration/resources")
        return (element, "meta_attributes", f"{resource}-meta_attributes",
                ("is-managed", "maintenance"), "false")
    if node is not None:
        element = node_element(builder.cib, node)
        return (element, "instance_attributes", f"nodes-{element.get('id')}", ("maintenance",),
                "on")
    config = child_element(builder, builder.cib.find("configuration"), "crm_config")
    return config, "cluster_property_set", "cib-bootstrap-options", ("maintenance-mode",), "true"


def write_pairs(builder: PatchBuilder, owner: Element, tag: str, set_id: str,
                values: dict[str, str]) -> None:
    """Set name=value pairs in the owner's first attribute set (created with them if none)."""
    holder = next((item for item in owner.iterfind(tag) if item.get("id") == set_id),
                  owner.find(tag))
    if holder is None:
        # One create with its pairs inside: Pacemaker will not apply a create into an
        # element created by the same patch.
        holder = etree.Element(tag, id=free_id(builder.cib, set_id))
        for name, value in values.items():
            etree.SubElement(holder, "nvpair", id=f"{holder.get('id')}-{name}", name=name,
                             value=value)
        builder.create(owner, holder)
        return
    for name, value in values.items():
        _set_pair(builder, holder, name, value)


def _pairs(holder: Element, name: str) -> list[Element]:
    return [pair for pair in holder.iterfind("nvpair") if pair.get("name") == name]


def _set_pair(builder: PatchBuilder, holder: Element, name: str, value: str) -> None:
    existing = _pairs(holder, name)
    if existing:
        builder.set_attribute(existing[0], "value", value)
        return
    pair_id = free_id(builder.cib, f"{holder.get('id')}-{name}")
    builder.create(holder, etree.Element("nvpair", id=pair_id, name=name, value=value))


RESOURCE_TAGS = frozenset({"primitive", "group", "clone", "master", "bundle"})


# --- move and ban -------------------------------------------------------------------------------


def move_blocked_reason(snapshot: Snapshot, resource: str, node: str | None, ban: bool, *,
                        now: float | None = None) -> str | None:
    """Why `resource` may not be moved to (ban: away from) `node` now, or None."""
    cluster, reason = guards.usable_for(snapshot, now, resource=resource, node=node)
    if cluster is None:
        return reason
    rsc = cluster.resources[resource]
    if rsc.parent is not None and cluster.resources[rsc.parent].kind.value == "group":
        return f"{resource} is a member of group {rsc.parent}: move or ban the group"
    if rsc.kind.value in ("clone", "promotable_clone") or rsc.parent is not None:
        return f"{resource} is a clone or inside one: hacon moves and bans single resources"
    if cluster.info.maintenance_mode:
        return "the cluster is in maintenance mode: nothing would move"
    if node is None:
        if len(rsc.active_on) != 1:
            return f"{resource} runs on {len(rsc.active_on)} nodes: name where it should go"
        return None
    if ban:
        return None
    if rsc.active_on == (node,):
        return f"{resource} already runs on {node}"
    unavailable = node_unavailable_reason(cluster.nodes[node])
    if unavailable:
        return f"{node} is {unavailable}: {resource} could not run there"
    family = resource_family(cluster, resource)
    banned_by = next((entry.id for entry in cluster.bans if entry.resource in family
                      and entry.node == node and entry.score <= -INFINITY), None)
    return f"{resource} is banned from {node} by {banned_by}: clear it first" \
        if banned_by else None


def plan_move(cib: bytes, resource: str, node: str | None, ban: bool, until: str | None, *,
              run_on: str) -> ActionPlan:
    """A cli-prefer (move) or cli-ban (ban; a move without a node) constraint, with a lifetime."""
    root, snapshot = read_cib(cib)
    refuse_if(move_blocked_reason(snapshot, resource, node, ban))
    if node is None:  # crm_resource --move without a node: ban it from where it runs
        ban, node = True, snapshot.resources[resource].active_on[0]
    builder = PatchBuilder(root)
    constraints = child_element(builder, builder.cib.find("configuration"), "constraints")
    constraint_id = f"cli-ban-{resource}-on-{node}" if ban else f"cli-prefer-{resource}"
    for old in list(constraints.iterfind("rsc_location")):
        if old.get("id") == constraint_id:
            builder.delete(old)
    builder.create(constraints, _cli_location(constraint_id, resource, node, ban, until))
    verb = "Ban" if ban else "Move"
    title = f"{verb} {shell_word(resource)} {'from' if ban else 'to'} {shell_word(node)}"
    lasting = f"until {until}" if until else "until it is cleared"
    change = f"{constraint_id} {'keeps' if ban else 'pins'} {resource} {'off' if ban else 'on'} " \
             f"{node} {lasting}"
    plan = patch_plan(builder, snapshot, ActionKind.BAN if ban else ActionKind.MOVE, title,
                      run_on, node=node, resource=resource, consequences=(change,))
    return replace(plan, changes=(change,), when=until)


def _cli_location(constraint_id: str, resource: str, node: str, ban: bool,
                  until: str | None) -> Element:
    score = "-INFINITY" if ban else "INFINITY"
    if until is None:
        return etree.Element("rsc_location", {"id": constraint_id, "rsc": resource,
                                              "role": "Started", "node": node, "score": score})
    location = etree.Element("rsc_location", {"id": constraint_id, "rsc": resource,
                                              "role": "Started"})
    # The ids crm_resource gives the rule's parts, so `crm_resource --clear` knows them.
    ids = ((f"{constraint_id}-rule", f"{constraint_id}-expr", f"{constraint_id}-lifetime")
           if ban else (f"cli-prefer-rule-{resource}", f"cli-prefer-expr-{resource}",
                        f"cli-prefer-lifetime-end-{resource}"))
    rule = etree.SubElement(location, "rule", {"id": ids[0], "score": score,
                                               "boolean-op": "and"})
    etree.SubElement(rule, "expression", {"id": ids[1], "attribute": "#uname",
                                          "operation": "eq", "value": node, "type": "string"})
    etree.SubElement(rule, "date_expression", {"id": ids[2], "operation": "lt", "end": until})
    return location


# --- clear expired ------------------------------------------------------------------------------


def clear_expired_blocked_reason(snapshot: Snapshot, resource: str | None, *,
                                 now: float | None = None) -> str | None:
    """Why no expired cli-prefer / cli-ban constraint can be removed now, or None."""
    cluster, reason = guards.usable_for(snapshot, now, resource=resource)
    if cluster is None:
        return reason
    if not expired_constraints(cluster, now if now is not None else time.time(), resource):
        owner = f" of {resource}" if resource else ""
        return f"no cli-prefer or cli-ban constraint{owner} has expired"
    return None


def plan_clear_expired(cib: bytes, resource: str | None, when: str | None, *,
                       run_on: str) -> ActionPlan:
    """Remove the move/ban constraints whose lifetime ended before `when`."""
    root, snapshot = read_cib(cib)
    moment = parse_iso_datetime(when)
    if moment is None:
        raise ActionRefused("clearing expired constraints needs the time it is asked at")
    expired = {location.id for location in expired_constraints(snapshot, moment.timestamp(),
                                                               resource)}
    if not expired:
        owner = f" of {resource}" if resource else ""
        raise ActionRefused(f"no cli-prefer or cli-ban constraint{owner} has expired")
    builder = PatchBuilder(root)
    for location in list(builder.cib.iterfind("configuration/constraints/rsc_location")):
        if location.get("id") in expired:
            builder.delete(location)
    changes = tuple(f"expired constraint {cid} is removed" for cid in sorted(expired))
    plan = patch_plan(builder, snapshot, ActionKind.CLEAR_EXPIRED,
                      "Clear expired move/ban constraints", run_on, resource=resource,
                      consequences=changes)
    return replace(plan, changes=changes, when=when)
