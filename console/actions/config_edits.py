"""Guarded edits of the placement values: `hacon config stickiness|prefer|threshold`.

* stickiness N: rsc_defaults resource-stickiness (what `pcs resource defaults update` writes);
* prefer RESOURCE NODE=SCORE: a location constraint with the id `pcs constraint location ...
  prefers` gives it; when the resource already has one for that node (not a move's cli-prefer,
  no rule, no role) its score is changed instead, so there is never a second one for the node;
* threshold RESOURCE N: the resource's meta migration-threshold (`pcs resource meta`).

Each is a versioned CIB patch like the fixes' (`console.actions.fixes`), so it goes through the
same compare-and-swap, the scheduler's preview (which says what would move as a result: "nothing
moves", or "ClusterIP moves node-a → node-b"), verification and journal. Values are checked as
input by `parse_*` (the command line exits 2 on bad input before it connects); the guards refuse
an edit that would change nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lxml import etree

from console.actions import guards
from console.actions.fixes import set_default
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
from console.model.cluster import ClusterSnapshot, LocationConstraint
from console.model.text_safety import shell_word
from console.model.types import INFINITY, score_to_int

Snapshot = guards.Snapshot
_INFINITE_WORDS = {"INFINITY": "INFINITY", "+INFINITY": "INFINITY", "-INFINITY": "-INFINITY"}
_INTEGER = re.compile(r"[+-]?[0-9]+")
RESOURCE_TAGS = ("primitive", "group", "clone", "master", "bundle")


# --- input ------------------------------------------------------------------------------------


def parse_score(text: str) -> str:
    """A location score as Pacemaker writes it: an integer, INFINITY or -INFINITY.

    Raises:
        ValueError: with a one-line reason.
    """
    word = text.strip().upper()
    if word in _INFINITE_WORDS:
        return _INFINITE_WORDS[word]
    if not _INTEGER.fullmatch(word):
        raise ValueError(f"score {text!r} is not an integer, INFINITY or -INFINITY")
    number = int(word)
    if abs(number) >= INFINITY:
        raise ValueError(f"score {text!r} is beyond ±{INFINITY - 1}: write INFINITY or -INFINITY")
    return str(number)


def parse_count(text: str, what: str) -> str:
    """A stickiness or migration-threshold: a whole number of 0 or more, or INFINITY.

    Raises:
        ValueError: with a one-line reason (naming `what`).
    """
    if not _INTEGER.fullmatch(text.strip()) and text.strip().upper() not in _INFINITE_WORDS:
        raise ValueError(f"{what} {text!r} is not a whole number or INFINITY")
    value = parse_score(text)
    if value.startswith("-"):
        raise ValueError(f"{what} {text!r} is negative: it must be 0 or more (or INFINITY)")
    return value


def parse_preference(text: str) -> tuple[str, str]:
    """NODE=SCORE as `pcs constraint location RESOURCE prefers` takes it: (node, score).

    Raises:
        ValueError: with a one-line reason.
    """
    node, equals, score = text.partition("=")
    if not equals or not node.strip() or not score.strip():
        raise ValueError(f"{text!r} is not NODE=SCORE (e.g. node-a=50)")
    return node.strip(), parse_score(score)


def _same(first: str | None, second: str | None) -> bool:
    return first is not None and second is not None and score_to_int(first) == score_to_int(second)


# --- guards ----------------------------------------------------------------------------------


def stickiness_blocked_reason(snapshot: Snapshot, value: str | None, *,
                              now: float | None = None) -> str | None:
    """Why rsc_defaults resource-stickiness may not be set to `value` now, or None."""
    cluster, reason = guards.usable_for(snapshot, now)
    if cluster is None:
        return reason
    if value is None:
        return "this action needs a stickiness"
    if _same(cluster.rsc_defaults.get("resource-stickiness"), value):
        return f"rsc_defaults resource-stickiness is already {value}"
    return None


def prefer_blocked_reason(snapshot: Snapshot, resource: str | None, node: str | None,
                          score: str | None, *, now: float | None = None) -> str | None:
    """Why `resource` may not be given `score` on `node` now, or None."""
    if resource is None or node is None or score is None:
        return "this action needs a resource, a node and a score"
    cluster, reason = guards.usable_for(snapshot, now, resource=resource, node=node)
    if cluster is None:
        return reason
    parent = cluster.resources[resource].parent
    if parent and cluster.resources[parent].kind.value == "clone":
        return f"{resource} is inside the clone {parent}: give the preference to {parent}"
    existing = preference(cluster, resource, node)
    if existing is not None and _same(existing.score, score):
        return f"{existing.id} already gives {resource} score {existing.score} on {node}"
    return None


def threshold_blocked_reason(snapshot: Snapshot, resource: str | None, value: str | None, *,
                             now: float | None = None) -> str | None:
    """Why `resource`'s migration-threshold may not be set to `value` now, or None."""
    if resource is None or value is None:
        return "this action needs a resource and a threshold"
    cluster, reason = guards.usable_for(snapshot, now, resource=resource)
    if cluster is None:
        return reason
    own = cluster.resources[resource].meta.get("migration-threshold")
    if _same(own, value):
        return f"{resource} has migration-threshold={own} already"
    return None


def preference(cluster: ClusterSnapshot, resource: str, node: str) -> LocationConstraint | None:
    """The operator's own location constraint of `resource` on `node` (the one `prefer` edits)."""
    return next((location for location in cluster.constraints.location
                 if location.origin == "user" and location.resource == resource
                 and location.node == node and not location.rules and not location.sets
                 and location.role is None), None)


# --- plans -----------------------------------------------------------------------------------


def plan_stickiness(cib: bytes, value: str | None, *, run_on: str) -> ActionPlan:
    """rsc_defaults resource-stickiness=`value`."""
    root, snapshot = read_cib(cib)
    refuse_if(stickiness_blocked_reason(snapshot, value))
    assert value is not None
    builder = PatchBuilder(root)
    set_default(builder, "resource-stickiness", value)
    before = snapshot.rsc_defaults.get("resource-stickiness", "unset (0)")
    change = f"rsc_defaults resource-stickiness {before} → {value}"
    own = [f"{rid} keeps its own resource-stickiness={rsc.meta['resource-stickiness']}"
           for rid, rsc in sorted(snapshot.resources.items())
           if "resource-stickiness" in rsc.meta]
    return _edit_plan(builder, snapshot, ActionKind.CONFIG_STICKINESS,
                      f"Set rsc_defaults resource-stickiness to {value}", run_on, value,
                      (change, *own))


def plan_prefer(cib: bytes, resource: str, node: str | None, score: str | None, *,
                run_on: str) -> ActionPlan:
    """`resource` prefers `node` with `score`: the existing constraint changed, else a new one."""
    root, snapshot = read_cib(cib)
    refuse_if(prefer_blocked_reason(snapshot, resource, node, score))
    assert node is not None and score is not None
    builder = PatchBuilder(root)
    existing = preference(snapshot, resource, node)
    if existing is not None:
        builder.set_attribute(_location_element(builder, existing.id), "score", score)
        change = f"{existing.id}: {resource} on {node} score {existing.score} → {score}"
    else:
        constraint_id = free_id(builder.cib, f"location-{resource}-{node}-{score}")
        builder.create(child_element(builder, builder.cib.find("configuration"), "constraints"),
                       etree.Element("rsc_location", {"id": constraint_id, "rsc": resource,
                                                      "node": node, "score": score}))
        change = f"new {constraint_id}: {resource} on {node} score {score}"
    others = [f"{location.node} keeps {location.id} (score {location.score})"
              for location in snapshot.constraints.location
              if location.origin == "user" and location.resource == resource
              and location.node not in (None, node)]
    return _edit_plan(builder, snapshot, ActionKind.CONFIG_PREFER,
                      f"Prefer {shell_word(node)} for {shell_word(resource)} (score {score})",
                      run_on, score, (change, *others), resource=resource, node=node)


def plan_threshold(cib: bytes, resource: str, value: str | None, *, run_on: str) -> ActionPlan:
    """`resource`'s meta migration-threshold=`value`."""
    root, snapshot = read_cib(cib)
    refuse_if(threshold_blocked_reason(snapshot, resource, value))
    assert value is not None
    builder = PatchBuilder(root)
    write_pairs(builder, _resource_element(builder, resource), "meta_attributes",
                f"{resource}-meta_attributes", {"migration-threshold": value})
    return _edit_plan(builder, snapshot, ActionKind.CONFIG_THRESHOLD,
                      f"Set {shell_word(resource)} migration-threshold to {value}", run_on, value,
                      (_threshold_change(snapshot, resource, value),), resource=resource)


def _threshold_change(snapshot: ClusterSnapshot, resource: str, value: str) -> str:
    rsc = snapshot.resources[resource]
    before = rsc.meta.get("migration-threshold") or (
        f"{snapshot.rsc_defaults['migration-threshold']} (rsc_defaults)"
        if "migration-threshold" in snapshot.rsc_defaults else "unset (INFINITY)")
    number = score_to_int(value) or 0
    effect = (f"after {value} failure(s) on a node it moves to another node"
              if 0 < number < INFINITY else "it is restarted in place however often it fails")
    return f"{resource} migration-threshold {before} → {value}: {effect}"


def _edit_plan(builder: PatchBuilder, snapshot: ClusterSnapshot, kind: ActionKind, title: str,
               run_on: str, value: str, changes: tuple[str, ...], *,
               resource: str | None = None, node: str | None = None) -> ActionPlan:
    plan = patch_plan(builder, snapshot, kind, title, run_on, resource=resource, node=node,
                      consequences=changes)
    return replace(plan, changes=changes, value=value)


def _location_element(builder: PatchBuilder, constraint_id: str) -> Element:
    for location in builder.cib.iterfind("configuration/constraints/rsc_location"):
        if location.get("id") == constraint_id:
            return location
    raise ActionRefused(f"{constraint_id} is not in the CIB")


def _resource_element(builder: PatchBuilder, resource: str) -> Element:
    resources = builder.cib.find("configuration/resources")
    for element in resources.iter(*RESOURCE_TAGS) if resources is not None else ():
        if element.get("id") == resource:
            return element
    raise ActionRefused(f"{resource} is not in the CIB's resources")
