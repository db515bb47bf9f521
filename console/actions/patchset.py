"""Versioned CIB patches (Pacemaker's format 2), built in Python from the CIB they change.

A `PatchBuilder` edits a private copy of the CIB and writes down each edit as a `<change>` of a
`<diff format="2">`, exactly as `crm_diff -o old -n new` would print it: element paths by id
(`/cib/configuration/nodes/node[@id='1']`), `modify` with both the change list and the
resulting attribute set (Pacemaker's `apply_v2_patchset` uses the latter), `create` with the
position among the parent's elements, and a first change that bumps the root to epoch+1,
num_updates 0. The `<version>` carries the source the edits were made on: `cibadmin --patch`
applies the patch only when the live CIB is at exactly that version and the target is higher,
and otherwise fails with exit 103 ("Update was older than existing configuration"). That is the
compare-and-swap guarded actions rely on (checked on a live 2.1.5 cluster; the demo's
console/demo/patch.py behaves the same).
"""

from __future__ import annotations

from copy import deepcopy

from lxml import etree

from console.model.errors import CibParseError
from console.model.types import VERSION_ATTRIBUTES, CibVersion, cib_version

Element = etree._Element


class PatchError(ValueError):
    """The edit cannot be written as a patch Pacemaker would apply (e.g. an element without id)."""


def cib_version_of(cib: Element) -> CibVersion:
    """The version triple of a CIB root element."""
    try:
        return cib_version(cib)
    except CibParseError:
        raise PatchError("the CIB has no usable admin_epoch/epoch/num_updates") from None


def element_path(element: Element) -> str:
    """The patch path of an element: `/cib/...` with `[@id='...']` wherever there is an id."""
    parts = []
    current: Element | None = element
    while current is not None:
        element_id = current.get("id")
        if element_id is None:
            parts.append(f"/{current.tag}")
        elif "'" in element_id:
            raise PatchError(f"element id {element_id!r} cannot be addressed in a patch")
        else:
            parts.append(f"/{current.tag}[@id='{element_id}']")
        current = current.getparent()
    return "".join(reversed(parts))


class PatchBuilder:
    """Edits on a copy of one CIB, recorded as a versioned patch.

    Args:
        cib: the CIB root as read from the cluster; it is not modified.
    """

    def __init__(self, cib: Element) -> None:
        self.source = cib_version_of(cib)
        self.cib: Element = deepcopy(cib)
        """The copy every edit is made on (find elements to edit here)."""
        self._changes: list[Element] = []

    @property
    def changed(self) -> bool:
        """Whether any edit was recorded."""
        return bool(self._changes)

    def set_attribute(self, element: Element, name: str, value: str) -> None:
        """Set one attribute of an element of `self.cib`."""
        if element.get(name) == value:
            return
        element.set(name, value)
        change = self._change("modify", element_path(element))
        change_list = etree.SubElement(change, "change-list")
        etree.SubElement(change_list, "change-attr", name=name, operation="set", value=value)
        result = etree.SubElement(change, "change-result")
        result.append(etree.Element(element.tag, {str(k): str(v) for k, v in element.attrib.items()}))

    def create(self, parent: Element, child: Element) -> Element:
        """Append `child` to `parent` (an element of `self.cib`); returns the appended element."""
        position = sum(1 for item in parent if isinstance(item.tag, str))
        parent.append(child)
        change = self._change("create", element_path(parent))
        change.set("position", str(position))
        change.append(deepcopy(child))
        return child

    def delete(self, element: Element) -> None:
        """Remove an element of `self.cib` (with everything inside it)."""
        path = element_path(element)
        parent = element.getparent()
        if parent is None:
            raise PatchError("a patch cannot delete the whole CIB")
        parent.remove(element)
        self._change("delete", path)

    def finish(self) -> tuple[bytes, bytes, CibVersion]:
        """(patch XML, the CIB after the edits, target version): epoch+1, num_updates 0."""
        if not self._changes:
            raise PatchError("nothing to change")
        target = CibVersion(self.source.admin_epoch, self.source.epoch + 1, 0)
        diff = etree.Element("diff", format="2")
        version = etree.SubElement(diff, "version")
        etree.SubElement(version, "source", _version_attributes(self.source))
        etree.SubElement(version, "target", _version_attributes(target))
        root_change = self._root_change(target)
        diff.append(root_change)
        for change in self._changes:
            diff.append(change)
        return (etree.tostring(diff, pretty_print=True),
                etree.tostring(self.cib), target)

    def _root_change(self, target: CibVersion) -> Element:
        self.cib.set("epoch", str(target.epoch))
        self.cib.set("num_updates", str(target.num_updates))
        change = etree.Element("change", operation="modify", path="/cib")
        change_list = etree.SubElement(change, "change-list")
        for name in ("epoch", "num_updates"):
            etree.SubElement(change_list, "change-attr", name=name, operation="set",
                             value=self.cib.get(name, ""))
        result = etree.SubElement(change, "change-result")
        result.append(etree.Element(
            "cib", {str(k): str(v) for k, v in self.cib.attrib.items()}))
        return change

    def _change(self, operation: str, path: str) -> Element:
        change = etree.Element("change", operation=operation, path=path)
        self._changes.append(change)
        return change


def _version_attributes(version: CibVersion) -> dict[str, str]:
    return {name: str(value) for name, value in zip(VERSION_ATTRIBUTES, version, strict=True)}
