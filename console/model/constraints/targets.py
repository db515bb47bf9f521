"""Which resource a location constraint lands on, as Pacemaker resolves constraint ids.

Pacemaker looks an id up among its resource objects, top-level resources in priority order
(highest ``priority`` meta attribute first, configuration order otherwise), then their children.
A primitive inside a clone exists there only as numbered instances (``rsc:0``), so a constraint on
it is found only when the status section recorded the anonymous instance under its plain id; the
constraint then applies to the whole clone. Resources recorded in the status section but no longer
configured (orphans) are resource objects too, after all configured ones.

The status section can hold tens of thousands of histories, so it is only read when a constraint
needs it (an id that is not a plain resource, or an ``rsc-pattern``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping

from lxml import etree

from console.model.constraints.resource_refs import RESOURCE_TAGS
from console.model.constraints.rules import char_to_score


class ConstraintTargets:
    """Constraint id -> resource resolution for one CIB."""

    def __init__(self, cib_root: etree._Element) -> None:
        self._root = cib_root
        self._resources = cib_root.find("configuration/resources")
        self._tops = _tops_by_priority(cib_root, self._resources)

    def find(self, ref: str) -> str | None:
        """The resource a constraint naming ref applies to, or None if Pacemaker ignores it."""
        found = self._plain.get(ref)
        return found if found is not None else self._with_status.get(ref)

    @functools.cached_property
    def top_level(self) -> tuple[str, ...]:
        """Top-level resource ids in Pacemaker's order (what rsc-pattern is matched against)."""
        return tuple(top.get("id", "") for top in self._tops) + tuple(self._orphans)

    def params(self, resource: str) -> Mapping[str, str]:
        """The resource's instance attributes (for value-source="param")."""
        return _first_set(self._elements.get(resource), "instance_attributes")

    def meta(self, resource: str) -> Mapping[str, str]:
        """The resource's meta attributes (for value-source="meta")."""
        return _first_set(self._elements.get(resource), "meta_attributes")

    @functools.cached_property
    def _elements(self) -> dict[str, etree._Element]:
        elements: dict[str, etree._Element] = {}
        for top in self._tops:
            elements.setdefault(top.get("id", ""), top)
            for member in top.iterchildren("primitive"):
                elements.setdefault(member.get("id", ""), member)
        return elements

    @functools.cached_property
    def _plain(self) -> dict[str, str]:
        """Ids found without the status section: top-level resources and group members."""
        lookup: dict[str, str] = {}
        for top in self._tops:
            lookup.setdefault(top.get("id", ""), top.get("id", ""))
            if top.tag == "group":
                for member in top.iterchildren("primitive"):
                    lookup.setdefault(member.get("id", ""), member.get("id", ""))
        return lookup

    @functools.cached_property
    def _with_status(self) -> dict[str, str]:
        """Clone members recorded under their plain id, and orphans."""
        history = set(self._history_ids)
        lookup: dict[str, str] = {}
        for top in self._tops:
            if top.tag in ("clone", "master"):
                for inner in top.iter("primitive", "group"):
                    if inner.get("id") in history:
                        lookup.setdefault(inner.get("id", ""), top.get("id", ""))
        for orphan in self._orphans:
            lookup.setdefault(orphan, orphan)
        return lookup

    @functools.cached_property
    def _history_ids(self) -> list[str]:
        # First-seen order, which is the order Pacemaker meets orphans in.
        entries = self._root.iterfind("status/node_state/lrm/lrm_resources/lrm_resource")
        return list(dict.fromkeys(entry.get("id", "") for entry in entries))

    @functools.cached_property
    def _orphans(self) -> list[str]:
        """Status-section resources Pacemaker cannot tie to the configuration.

        Clone instances ("rsc:1"), the parts Pacemaker generates for bundles ("<bundle>-docker-0")
        and the connections of guest nodes are not orphans.
        """
        resources = self._resources
        if resources is None:
            return list(self._history_ids)
        configured = {element.get("id") for element in resources.iter(*RESOURCE_TAGS)}
        guests = resources.iterfind(".//meta_attributes/nvpair[@name='remote-node']")
        configured.update(pair.get("value") for pair in guests)
        bundle_prefixes = tuple(f"{bundle.get('id')}-" for bundle in resources.iter("bundle"))
        return [
            rid
            for rid in self._history_ids
            if rid.split(":")[0] not in configured
            and not (bundle_prefixes and rid.startswith(bundle_prefixes))
        ]


def constraint_targets(cib_root: etree._Element) -> ConstraintTargets:
    """The resolution table for one CIB (built lazily as constraints ask)."""
    return ConstraintTargets(cib_root)


def _tops_by_priority(
    cib_root: etree._Element, resources: etree._Element | None
) -> list[etree._Element]:
    tops = [child for child in _children(resources) if _is_resource(child)]
    priorities = _own_priorities(resources)
    if priorities:
        default = _rsc_default_priority(cib_root)
        tops.sort(key=lambda element: -priorities.get(element.get("id", ""), default))
    return tops


def _children(element: etree._Element | None) -> Iterator[etree._Element]:
    return iter(element) if element is not None else iter(())


def _is_resource(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag in RESOURCE_TAGS and bool(element.get("id"))


def _own_priorities(resources: etree._Element | None) -> dict[str, int]:
    """Top-level resource id -> its own priority meta attribute, for those that set one."""
    priorities: dict[str, int] = {}
    for top in _children(resources):
        for pair in top.iterfind("meta_attributes/nvpair[@name='priority']"):
            priorities.setdefault(top.get("id", ""), char_to_score(pair.get("value")))
    return priorities


def _rsc_default_priority(cib_root: etree._Element) -> int:
    for pair in cib_root.iterfind("configuration/rsc_defaults/meta_attributes/nvpair"):
        if pair.get("name") == "priority":
            return char_to_score(pair.get("value"))
    return 0


def _first_set(element: etree._Element | None, tag: str) -> Mapping[str, str]:
    attribute_set = element.find(tag) if element is not None else None
    if attribute_set is None:
        return {}
    return {
        pair.get("name", ""): pair.get("value", "")
        for pair in attribute_set.iterchildren("nvpair")
        if pair.get("name") is not None
    }
