"""What the ids in a constraint can name: resources, tags, templates, and id-ref targets."""

from __future__ import annotations

import functools

from lxml import etree

RESOURCE_TAGS = ("primitive", "group", "clone", "master", "bundle")
"""Configuration elements that define a resource."""

class ReferenceIndex:
    """Answers "is this id a resource, a tag, a template?" for one CIB, and follows id-refs."""

    def __init__(self, cib_root: etree._Element) -> None:
        self._root = cib_root
        self._resources = cib_root.find("configuration/resources")
        self._groups: dict[str, tuple[str, ...]] = {
            **_templates(self._resources),
            **_tags(cib_root),
        }

    @functools.cached_property
    def resource_ids(self) -> frozenset[str]:
        """Every configured resource id, at any depth."""
        resources = self._resources
        return frozenset(
            element.get("id", "")
            for element in (resources.iter(*RESOURCE_TAGS) if resources is not None else ())
        )

    def is_tag(self, ref: str) -> bool:
        """Whether ref names a tag or template (with members) and not a resource.

        Pacemaker looks for a resource first, so a resource wins over a tag of the same id.
        """
        return bool(self._groups.get(ref)) and ref not in self.resource_ids

    def tagged(self, ref: str) -> tuple[str, ...]:
        """The resources a tag lists, or that were made from a template, in document order."""
        return self._groups.get(ref, ())

    def resolve(self, element: etree._Element) -> etree._Element:
        """The element an ``id-ref`` points to (same element name), or the element itself."""
        target_id = element.get("id-ref")
        if target_id is None:
            return element
        found = self._root.xpath(f"//{element.tag}[@id=$ref]", ref=target_id)
        if isinstance(found, list) and found and isinstance(found[0], etree._Element):
            return found[0]
        return element


def _templates(resources: etree._Element | None) -> dict[str, tuple[str, ...]]:
    if resources is None:
        return {}
    derived: dict[str, list[str]] = {}
    for template in resources.iterchildren("template"):
        derived.setdefault(template.get("id", ""), [])
    for primitive in resources.iter("primitive"):
        template_id = primitive.get("template")
        if template_id is not None and template_id in derived:
            derived[template_id].append(primitive.get("id", ""))
    return {template_id: tuple(members) for template_id, members in derived.items()}


def _tags(cib_root: etree._Element) -> dict[str, tuple[str, ...]]:
    return {
        tag.get("id", ""): tuple(ref.get("id", "") for ref in tag.iterchildren("obj_ref"))
        for tag in cib_root.iterfind("configuration/tags/tag")
    }
