"""The configured resources as runtime objects, with the meta-attribute semantics of Pacemaker.

Builds the tree Pacemaker's unpack_resources() builds: primitives (templates expanded), groups,
clones (instances `id:N`), promotable clones (also legacy `<master>`), bundles (see bundles.py)
and the implicit connection resources of guest nodes (`remote-node` meta-attribute).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from console.model.cib.properties import RuleCheck, unpack_sets
from console.model.cib.runtime import Recovery, Rsc
from console.model.cib.setrules import RuleScope, SetRules
from console.model.types import is_true, score_to_int

_INTERVAL_UNITS_MS = {"ms": 1, "msec": 1, "us": 0.001, "usec": 0.001, "s": 1000, "sec": 1000,
                      "m": 60_000, "min": 60_000, "h": 3_600_000, "hr": 3_600_000, "": 1000}
_INTERVAL = re.compile(r"^\s*(\d+)\s*([a-z]*)\s*$", re.IGNORECASE)
_ISO_PART = re.compile(r"(\d+)([YMWDHS])|(T)")
_ISO_SECONDS = {"Y": 365 * 86400, "W": 7 * 86400, "D": 86400, "H": 3600, "S": 1}


def interval_ms(spec: str | None) -> int:
    """crm_parse_interval_spec: "10s", "1min", "30000ms", "PT1M" or a bare number of seconds."""
    if not spec:
        return 0
    text = spec.strip()
    if text[:1] in "Pp":
        return _iso_duration_ms(text[1:].upper())
    match = _INTERVAL.match(text)
    if not match:
        return 0
    unit = _INTERVAL_UNITS_MS.get(match.group(2).lower())
    return int(int(match.group(1)) * unit) if unit is not None else 0


def _iso_duration_ms(text: str) -> int:
    """ISO 8601 duration after the "P"; M means months before "T" and minutes after it."""
    seconds, in_time, position = 0, False, 0
    for match in _ISO_PART.finditer(text):
        if match.start() != position:
            return 0
        position = match.end()
        if match.group(3):
            in_time = True
            continue
        number, unit = int(match.group(1)), match.group(2)
        if unit == "M":
            seconds += number * (60 if in_time else 30 * 86400)
        else:
            seconds += number * _ISO_SECONDS[unit]
    return seconds * 1000 if position == len(text) else 0


def is_remote_primitive(xml: etree._Element) -> bool:
    """xml_contains_remote_node: an ocf:pacemaker:remote primitive."""
    return (xml.tag == "primitive" and xml.get("class") == "ocf"
            and xml.get("provider") == "pacemaker" and xml.get("type") == "remote")


@dataclass
class ResourceContext:
    """What resource unpacking needs from the rest of the CIB."""

    id_index: Mapping[str, etree._Element]
    rsc_defaults: etree._Element | None
    maintenance_mode: bool
    stonith_enabled: bool
    enable_unfencing: bool
    no_quorum_ignore: bool
    node_count: int
    set_rules: SetRules | None = None
    by_id: dict[str, Rsc] = field(default_factory=dict)


def expand_template(xml: etree._Element, index: Mapping[str, etree._Element]) -> etree._Element:
    """A primitive with template="T" becomes the template's definition plus its own parts."""
    template = index.get(xml.get("template") or "")
    if template is None or template.tag != "template":
        return xml
    expanded = copy.deepcopy(template)
    expanded.tag = "primitive"
    for name, value in xml.attrib.items():
        if name != "template":
            expanded.set(name, value)
    own_ops = xml.find("operations")
    template_ops = expanded.find("operations")
    own_parts = [child for child in xml
                 if not (child.tag == "operations" and template_ops is not None)]
    # The primitive's own sets come first so their values win (first value wins).
    for position, child in enumerate(own_parts):
        expanded.insert(position, copy.deepcopy(child))
    if own_ops is not None and template_ops is not None:
        for op in own_ops:
            template_ops.append(copy.deepcopy(op))
    return expanded


def _meta_of(rsc: Rsc, ctx: ResourceContext) -> None:
    """get_meta_attributes: own XML attributes, own sets, ancestors' sets, defaults, parent."""
    xml = rsc.xml
    meta: dict[str, str] = {}
    own: dict[str, str] = {}
    holds = _rule_check(ctx, rsc)
    if xml is not None:
        for name, value in xml.attrib.items():
            meta.setdefault(str(name), str(value))
        unpack_sets(xml, "meta_attributes", own, id_index=ctx.id_index, rule_holds=holds)
    for name, value in own.items():
        meta.setdefault(name, value)
    ancestor = rsc.parent
    while ancestor is not None:
        if ancestor.xml is not None:
            unpack_sets(ancestor.xml, "meta_attributes", meta, id_index=ctx.id_index,
                        rule_holds=holds)
        ancestor = ancestor.parent
    unpack_sets(ctx.rsc_defaults, "meta_attributes", meta, id_index=ctx.id_index,
                rule_holds=holds)
    if rsc.parent is not None:
        for name, value in rsc.parent.meta.items():
            meta.setdefault(str(name), str(value))
    rsc.meta = meta
    rsc.own_meta = own


def _rule_check(ctx: ResourceContext, rsc: Rsc) -> RuleCheck:
    """Meta-attribute rules see the resource's agent (rsc_expression), no node, no op."""
    if ctx.set_rules is None:
        return lambda _rule: True
    xml = rsc.xml
    agent = (xml.get("class"), xml.get("provider"), xml.get("type")) if xml is not None \
        else (None, None, None)
    return ctx.set_rules.checker(RuleScope(rsc_agent=agent))


def _apply_flags(rsc: Rsc, ctx: ResourceContext) -> None:
    """The resource flags pe__unpack_resource() derives from meta-attributes."""
    meta = rsc.meta
    managed_value = meta.get("is-managed")
    rsc.managed = not ctx.maintenance_mode
    if managed_value is not None and managed_value.lower() != "default":
        rsc.managed = is_true(managed_value)
    if is_true(meta.get("maintenance")) or ctx.maintenance_mode:
        rsc.managed = False
    top = rsc.top()
    if top.variant == "clone":
        rsc.unique = is_true(meta.get("globally-unique"))
    else:
        rsc.unique = True
    multiple = (meta.get("multiple-active") or "").lower()
    rsc.recovery = {"stop_only": Recovery.STOP_ONLY, "block": Recovery.BLOCK,
                    "stop_unexpected": Recovery.STOP_UNEXPECTED}.get(multiple, Recovery.STOP_START)
    threshold = meta.get("migration-threshold")
    if threshold is not None and threshold.lower() != "default":
        value = score_to_int(threshold) or 0
        rsc.migration_threshold = 1 if value < 0 else value
    rsc.fence_device = (rsc.agent_class or "").lower() == "stonith"
    rsc.is_remote_node = rsc.xml is not None and is_remote_primitive(rsc.xml)
    rsc.needs_fencing = _needs_fencing(rsc, meta.get("requires"), ctx)
    timeout = meta.get("failure-timeout")
    if timeout is not None:
        rsc.failure_timeout = interval_ms(timeout) // 1000
    if rsc.is_remote_node and "container" not in meta:
        reconnect = rsc.params.get("reconnect_interval")
        if reconnect:
            rsc.remote_reconnect_ms = interval_ms(reconnect)
            rsc.failure_timeout = rsc.remote_reconnect_ms // 1000


def _needs_fencing(rsc: Rsc, requires: str | None, ctx: ResourceContext) -> bool:
    value = (requires or "").lower()
    if value == "fencing":
        return True
    if value == "unfencing":
        return not rsc.fence_device and ctx.stonith_enabled
    if value in ("nothing", "quorum"):
        return False
    if rsc.fence_device or (rsc.variant == "primitive" and rsc.is_remote_node):
        return False
    return ctx.enable_unfencing or ctx.stonith_enabled


def new_rsc(xml: etree._Element, parent: Rsc | None, ctx: ResourceContext,
            *, rsc_id: str | None = None, implicit: bool = False) -> Rsc:
    """One runtime resource for a configuration element (children are added by the caller)."""
    variant = {"primitive": "primitive", "group": "group", "clone": "clone",
               "master": "clone", "bundle": "bundle"}[xml.tag]
    config_id = xml.get("id") or ""
    rsc = Rsc(id=rsc_id or config_id, variant=variant, xml=xml, config_id=config_id,
              parent=parent, implicit=implicit)
    if variant == "primitive":
        rsc.agent_class = xml.get("class")
        rsc.agent_provider = xml.get("provider")
        rsc.agent_type = xml.get("type")
        holds = ctx.set_rules.checker(RuleScope()) if ctx.set_rules else (lambda _rule: True)
        rsc.params = unpack_sets(xml, "instance_attributes", {}, id_index=ctx.id_index,
                                 rule_holds=holds)
        operations = xml.find("operations")
        if operations is not None and operations.get("id-ref"):
            operations = ctx.id_index.get(operations.get("id-ref") or "", operations)
        rsc.ops_xml = operations
    _meta_of(rsc, ctx)
    if variant == "clone":
        rsc.promotable = xml.tag == "master" or is_true(rsc.meta.get("promotable"))
    _apply_flags(rsc, ctx)
    return rsc


def unpack_primitive(xml: etree._Element, parent: Rsc | None, ctx: ResourceContext,
                     suffix: str = "") -> Rsc:
    expanded = expand_template(xml, ctx.id_index)
    rsc = new_rsc(expanded, parent, ctx, rsc_id=(xml.get("id") or "") + suffix)
    ctx.by_id.setdefault(rsc.id, rsc)
    return rsc


def unpack_group(xml: etree._Element, parent: Rsc | None, ctx: ResourceContext,
                 suffix: str = "") -> Rsc:
    group = new_rsc(xml, parent, ctx, rsc_id=(xml.get("id") or "") + suffix)
    ctx.by_id.setdefault(group.id, group)
    for child in xml:
        if child.tag == "primitive" and child.get("id"):
            group.children.append(unpack_primitive(child, group, ctx, suffix))
    return group


def clone_template(xml: etree._Element) -> etree._Element | None:
    """The primitive or group a clone wraps."""
    for child in xml:
        if child.tag in ("primitive", "group") and child.get("id"):
            return child
    return None


def unpack_clone(xml: etree._Element, parent: Rsc | None, ctx: ResourceContext) -> Rsc | None:
    template = clone_template(xml)
    if template is None:
        return None
    clone = new_rsc(xml, parent, ctx)
    ctx.by_id.setdefault(clone.id, clone)
    clone_max_text = clone.meta.get("clone-max")
    if clone_max_text is None:
        clone.clone_max = max(1, ctx.node_count)
    else:
        clone.clone_max = max(0, _leading_int(clone_max_text))
    if clone.unique and _needs_anonymous(template, ctx):
        # pe__force_anon: LSB/systemd/service/... agents cannot be globally unique clones.
        clone.unique = False
        clone.clone_max = min(clone.clone_max, ctx.node_count)
    # clone-max instances exist from the start; history beyond them makes orphan instances.
    for number in range(max(clone.clone_max, 1)):
        instance = add_clone_instance(clone, ctx, number)
        if not clone.unique:
            for member in [instance, *instance.children]:
                member.unique = False
    return clone


_UNIQUE_CAPABLE = frozenset({"ocf", "stonith"})


def _needs_anonymous(template: etree._Element, ctx: ResourceContext) -> bool:
    members = [template] if template.tag == "primitive" else [
        child for child in template if child.tag == "primitive"]
    for member in members:
        klass = expand_template(member, ctx.id_index).get("class") or ""
        if klass.lower() not in _UNIQUE_CAPABLE:
            return True
    return False


def add_clone_instance(clone: Rsc, ctx: ResourceContext, number: int | None = None) -> Rsc:
    """pe__create_clone_child: instance `template:N` (members renamed `m:N` for groups)."""
    template = clone_template(clone.xml) if clone.xml is not None else None
    assert template is not None
    if number is None:
        number = len(clone.children)
    suffix = f":{number}"
    if template.tag == "group":
        instance = unpack_group(template, clone, ctx, suffix)
    else:
        instance = unpack_primitive(template, clone, ctx, suffix)
    clone.children.append(instance)
    if number >= clone.clone_max:
        mark_orphan(instance)
    return instance


def mark_orphan(rsc: Rsc) -> None:
    rsc.orphan = True
    for child in rsc.children:
        mark_orphan(child)


def _leading_int(text: str) -> int:
    match = re.match(r"\s*([+-]?\d+)", text)
    return int(match.group(1)) if match else 0


def unpack_guest_connection(xml: etree._Element, ctx: ResourceContext) -> Rsc | None:
    """The implicit ocf:pacemaker:remote resource for a primitive with meta remote-node."""
    meta = unpack_sets(xml, "meta_attributes", {}, id_index=ctx.id_index)
    name = meta.get("remote-node")
    if not name or name in ctx.by_id:
        return None
    remote = etree.Element("primitive", attrib={"id": name, "class": "ocf",
                                                "provider": "pacemaker", "type": "remote"})
    meta_set = etree.SubElement(remote, "meta_attributes", id=f"{name}-meta_attributes")
    etree.SubElement(meta_set, "nvpair", name="container", value=xml.get("id") or "")
    etree.SubElement(meta_set, "nvpair", name="internal_rsc", value="true")
    if meta.get("is-managed") is not None:
        etree.SubElement(meta_set, "nvpair", name="is-managed", value=meta["is-managed"])
    params = etree.SubElement(remote, "instance_attributes", id=f"{name}-instance_attributes")
    etree.SubElement(params, "nvpair", name="addr", value=meta.get("remote-addr") or name)
    rsc = new_rsc(remote, None, ctx, implicit=True)
    ctx.by_id.setdefault(rsc.id, rsc)
    return rsc


def guest_node_names(resources: etree._Element | None) -> list[str]:
    """Names of remote nodes (ocf:pacemaker:remote) and guest nodes (remote-node meta)."""
    names: list[str] = []
    if resources is None:
        return names
    for xml in resources:
        if is_remote_primitive(xml):
            names.append(xml.get("id") or "")
        elif xml.tag == "primitive":
            names.extend(_remote_node_meta(xml))
        elif xml.tag == "group":
            for member in xml:
                if member.tag == "primitive":
                    names.extend(_remote_node_meta(member))
    return [name for name in names if name]


def _remote_node_meta(xml: etree._Element) -> list[str]:
    for attr_set in xml:
        if attr_set.tag != "meta_attributes":
            continue
        for pair in attr_set:
            if pair.tag == "nvpair" and pair.get("name") == "remote-node":
                return [pair.get("value") or ""]
    return []


def setup_containers(resources: list[Rsc], by_id: Mapping[str, Rsc]) -> None:
    """setup_container: link each primitive with meta `container` to that resource."""
    for rsc in resources:
        for leaf in rsc.primitives():
            container_id = leaf.meta.get("container")
            if container_id and container_id != leaf.id and leaf.container is None:
                leaf.container = by_id.get(container_id)
