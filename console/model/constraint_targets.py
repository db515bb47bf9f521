"""Which resource a location constraint lands on, as Pacemaker resolves constraint ids.

Pacemaker looks an id up among its resource objects, top-level resources in priority order
(highest ``priority`` meta attribute first, configuration order otherwise), then their children.
A primitive inside a clone exists there only as numbered instances (``rsc:0``), so a constraint on
it is found only when the status section recorded the anonymous instance under its plain id; the
constraint then applies to the whole clone. Resources recorded in the status section but no longer
configured (orphans) are resource objects too, after all configured ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from lxml import etree

from console.model.resource_refs import RESOURCE_TAGS
from console.model.rules import char_to_score


@dataclass(frozen=True, slots=True)
class ConstraintTargets:
    """Constraint id -> resource resolution for one CIB."""

    top_level: tuple[str, ...]
    """Top-level resource ids in Pacemaker's priority order (what rsc-pattern is matched against)."""
    lookup: Mapping[str, str]
    """Id a constraint may name -> id of the resource the constraint applies to."""
    params: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Instance attributes per resource id (for value-source="param")."""
    meta: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Meta attributes per resource id (for value-source="meta")."""

    def find(self, ref: str) -> str | None:
        """The resource a constraint naming ref applies to, or None if Pacemaker ignores it."""
        return self.lookup.get(ref)


def constraint_targets(cib_root: etree._Element) -> ConstraintTargets:
    """Build the resolution table from the configuration and the status section."""
    resources = cib_root.find("configuration/resources")
    tops = [child for child in (resources if resources is not None else ()) if _is_resource(child)]
    defaults = _rsc_default_priority(cib_root)
    tops.sort(key=lambda element: -_priority(element, defaults))
    history_order = _history_ids(cib_root)
    history_ids = set(history_order)
    lookup: dict[str, str] = {}
    params: dict[str, Mapping[str, str]] = {}
    meta: dict[str, Mapping[str, str]] = {}
    for top in tops:
        for element, target in _reachable(top, history_ids):
            lookup.setdefault(element.get("id", ""), target)
            params[element.get("id", "")] = _first_set(element, "instance_attributes")
            meta[element.get("id", "")] = _first_set(element, "meta_attributes")
    orphans = _orphans(resources, history_order)
    top_level = [top.get("id", "") for top in tops] + orphans
    for orphan in orphans:
        lookup.setdefault(orphan, orphan)
    return ConstraintTargets(tuple(top_level), lookup, params, meta)


def _orphans(resources: etree._Element | None, history_ids: list[str]) -> list[str]:
    """Status-section resources Pacemaker cannot tie to the configuration.

    Clone instances ("rsc:1"), the parts Pacemaker generates for bundles ("<bundle>-docker-0")
    and the connections of guest nodes are not orphans.
    """
    if resources is None:
        return list(history_ids)
    configured = {element.get("id") for element in resources.iter(*RESOURCE_TAGS)}
    configured.update(
        pair.get("value")
        for pair in resources.iterfind(".//meta_attributes/nvpair[@name='remote-node']")
    )
    bundle_prefixes = tuple(f"{b.get('id')}-" for b in resources.iter("bundle"))
    return [
        rid
        for rid in history_ids
        if rid.split(":")[0] not in configured and not rid.startswith(bundle_prefixes or ("\0",))
    ]


def _is_resource(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag in RESOURCE_TAGS and bool(element.get("id"))


def _reachable(top: etree._Element, history_ids: set[str]) -> Iterator[tuple[etree._Element, str]]:
    top_id = top.get("id", "")
    yield top, top_id
    if top.tag == "group":
        for member in top.iterchildren("primitive"):
            yield member, member.get("id", "")
    elif top.tag in ("clone", "master"):
        for inner in top.iter("primitive", "group"):
            if inner.get("id") in history_ids:
                yield inner, top_id


def _history_ids(cib_root: etree._Element) -> list[str]:
    # First-seen order, which is the order Pacemaker meets orphans in.
    seen: dict[str, None] = {}
    for entry in cib_root.iterfind("status/node_state/lrm/lrm_resources/lrm_resource"):
        seen.setdefault(entry.get("id", ""), None)
    return list(seen)


def _priority(element: etree._Element, default: int) -> int:
    for pair in element.iterfind("meta_attributes/nvpair"):
        if pair.get("name") == "priority":
            return char_to_score(pair.get("value"))
    return default


def _rsc_default_priority(cib_root: etree._Element) -> int:
    for pair in cib_root.iterfind("configuration/rsc_defaults/meta_attributes/nvpair"):
        if pair.get("name") == "priority":
            return char_to_score(pair.get("value"))
    return 0


def _first_set(element: etree._Element, tag: str) -> Mapping[str, str]:
    attribute_set = element.find(tag)
    if attribute_set is None:
        return {}
    return {
        pair.get("name", ""): pair.get("value", "")
        for pair in attribute_set.iterchildren("nvpair")
        if pair.get("name") is not None
    }
