"""`cibadmin --patch` on a demo node: Pacemaker's compare-and-swap for guarded actions.

A versioned patch (`crm_diff` format 2) applies only when its <source> version equals the live
CIB's exactly and its <target> is higher; anything else is refused with exit 103, "Update was
older than existing configuration" (checked on a live 2.1.5 cluster). An
accepted patch is applied to the node's own CIB, the configuration is read back into the demo's
model, and the live version becomes the patch's target. A patch that changes what the demo does
not model (anything beyond standby nvpairs, hacon's fencing mark and cli-ban constraints) is
refused whole.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import replace

from lxml import etree

from console.demo.cib import render_cib
from console.demo.cluster import DemoCluster
from console.demo.config import Ban, DemoConfig, Prefer
from console.demo.partition import Version
from console.model.errors import CibParseError
from console.model.fencing_mark import BY_ATTRIBUTE, MARK_ATTRIBUTE
from console.model.types import cib_version
from console.model.xmlsafe import parse_xml

Element = etree._Element
OLD_DATA = 103
"""CRM_EX_OLD: the patch does not start from the live version."""
OLDER_MESSAGE = "Call failed: Update was older than existing configuration\n"


class PatchRefused(Exception):
    """The patch cannot be applied; `exit_status` and the message are cibadmin's."""

    def __init__(self, exit_status: int, message: str) -> None:
        super().__init__(message)
        self.exit_status = exit_status


def patch_versions(patch: Element) -> tuple[Version, Version]:
    """(source, target) versions of a format-2 patch."""
    def version(tag: str) -> Version:
        element = patch.find(f"version/{tag}")
        if element is None:
            raise PatchRefused(1, f"Call failed: the patch has no <{tag}> version\n")
        try:
            return tuple(cib_version(element))  # type: ignore[return-value]
        except CibParseError:
            raise PatchRefused(1, f"Call failed: the patch's <{tag}> version is garbled\n") \
                from None
    return version("source"), version("target")


def parse_patch(data: bytes, live: Version) -> Element:
    """The patch element, checked against the live version (compare-and-swap).

    Raises:
        PatchRefused: not a versioned format-2 patch (1), or not from the live version (103).
    """
    try:
        patch = parse_xml(data)
    except CibParseError as error:
        raise PatchRefused(1, f"Call failed: the patch is not XML ({error})\n") from None
    if patch.tag != "diff" or patch.get("format") != "2":
        raise PatchRefused(1, "Call failed: only versioned crm_diff patches (format 2)\n")
    source, target = patch_versions(patch)
    if source != live or target <= source:
        raise PatchRefused(OLD_DATA, OLDER_MESSAGE)
    return patch


def apply_changes(cib: Element, patch: Element) -> None:
    """Apply a patch's <change> elements to `cib` in place (create, delete, modify, move)."""
    tree = cib.getroottree()
    for change in patch.iterfind("change"):
        operation, path = change.get("operation"), change.get("path", "")
        found = tree.xpath(path) if path.startswith("/cib") else []
        targets = [hit for hit in found if isinstance(hit, etree._Element)] \
            if isinstance(found, list) else []
        if len(targets) != 1:
            raise PatchRefused(1, f"Call failed: patch path not found: {path}\n")
        _apply_one(operation, targets[0], change)


def _apply_one(operation: str | None, target: Element, change: Element) -> None:
    position = int(change.get("position", "-1") or -1)
    if operation == "create":
        for child in change:
            _insert(target, deepcopy(child), position)
    elif operation == "delete":
        parent = target.getparent()
        if parent is None:
            raise PatchRefused(1, "Call failed: the patch deletes the whole CIB\n")
        parent.remove(target)
    elif operation == "modify":
        for attr in change.iterfind("change-list/change-attr"):
            name = attr.get("name", "")
            if attr.get("operation") == "unset":
                if name in target.attrib:
                    del target.attrib[name]
            else:
                target.set(name, attr.get("value", ""))
    elif operation == "move":
        parent = target.getparent()
        if parent is not None:
            parent.remove(target)
            _insert(parent, target, position)
    else:
        raise PatchRefused(1, f"Call failed: unknown patch operation {operation!r}\n")


def _insert(parent: Element, child: Element, position: int) -> None:
    if 0 <= position <= len(parent):
        parent.insert(position, child)
    else:
        parent.append(child)


def config_from_cib(cib: Element, base: DemoConfig) -> DemoConfig:
    """The demo configuration the patched CIB describes (standby, a fencing mark, cli-ban,
    cli-prefer)."""
    standby = tuple(sorted(
        (node.get("uname", ""), pair.get("value", ""))
        for node in cib.iterfind("configuration/nodes/node")
        for pair in node.iterfind("instance_attributes/nvpair[@name='standby']")))
    bans = tuple(Ban(location.get("rsc", ""), location.get("node", ""))
                 for location in cib.iterfind("configuration/constraints/rsc_location")
                 if location.get("id", "").startswith("cli-ban-"))
    prefers = tuple(Prefer(location.get("rsc", ""), location.get("node", ""))
                    for location in cib.iterfind("configuration/constraints/rsc_location")
                    if location.get("id", "").startswith("cli-prefer-"))
    marks = tuple(sorted(
        (node.get("uname", ""), pair.get("name", ""), pair.get("value", ""))
        for node in cib.iterfind("configuration/nodes/node")
        for pair in node.iterfind("instance_attributes/nvpair")
        if pair.get("name") in (MARK_ATTRIBUTE, BY_ATTRIBUTE)))
    return replace(base, standby_forever=standby, bans=bans, prefers=prefers, marks=marks)


def configuration_signature(cib: Element) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Every configuration element with its attributes (sorted; empty attribute sets left out,
    as `crm_attribute --delete` leaves them): equal signatures configure the same thing."""
    configuration = cib.find("configuration")
    if configuration is None:
        return []
    return sorted((str(element.tag), tuple(sorted((str(key), str(value)) for key, value
                                                  in element.attrib.items())))
                  for element in configuration.iter()
                  if isinstance(element.tag, str)
                  and not (element.tag == "instance_attributes" and len(element) == 0))


def apply_patch(cluster: DemoCluster, via: str, data: bytes) -> None:
    """`cibadmin --patch` run on node `via`: check, apply, and commit at the target version.

    Raises:
        PatchRefused: with cibadmin's exit status and message.
    """
    partition = cluster.partition_of(via)
    patch = parse_patch(data, partition.version)
    cib = parse_xml(render_cib(partition, cluster.runtimes, cluster.node_names))
    apply_changes(cib, patch)
    config = modelled_config(cluster, via, cib)
    if config is None:
        raise PatchRefused(1, f"Call failed: {NOT_MODELLED}\n")
    cluster.commit_config(via, config, patch_versions(patch)[1])


NOT_MODELLED = ("the demo cluster models only standby, and cli-ban / cli-prefer constraints "
                "without a lifetime; it cannot show this change")


def modelled_config(cluster: DemoCluster, via: str, cib: Element) -> DemoConfig | None:
    """The demo configuration a whole CIB describes, or None when it configures more than the
    demo models (maintenance, lifetimes, target-role...)."""
    partition = cluster.partition_of(via)
    config = config_from_cib(cib, partition.config)
    modelled = parse_xml(render_cib(replace(partition, config=config), cluster.runtimes,
                                    cluster.node_names))
    return config if configuration_signature(cib) == configuration_signature(modelled) else None
