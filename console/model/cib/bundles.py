"""Bundles: the replicas Pacemaker builds for a `<bundle>` (IP, container, remote connection).

For replica N of bundle B Pacemaker creates `B-ip-<address>` (when ip-range-start is set),
`B-<docker|rkt|podman>-N` and, when the bundle wraps a primitive, the connection `B-N` whose
guest node is also called `B-N`; the wrapped primitive runs as instance `child:N` on that guest
node. None of these are configured by the user, so they are marked implicit.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from console.model.cib.resources_config import (
    ResourceContext,
    add_clone_instance,
    new_rsc,
)
from console.model.cib.runtime import Rsc
from console.model.types import score_to_int

_AGENTS = ("docker", "rkt", "podman")


@dataclass
class Replica:
    """One replica of a bundle and the parts it is made of."""

    offset: int
    ip: Rsc | None
    container: Rsc
    remote: Rsc | None
    child: Rsc | None
    node_name: str | None


def _next_ip(address: str) -> str | None:
    parts = address.split(".")
    if len(parts) != 4 or not all(part.isdigit() for part in parts):
        return None  # Pacemaker 2.1.5 does not allocate IPv6 ranges
    octets = [int(part) for part in parts]
    if octets[2] > 253:
        return None
    if octets[3] > 253:
        octets[2] += 1
        octets[3] = 1
    else:
        octets[3] += 1
    return ".".join(str(octet) for octet in octets)


def _primitive_xml(rsc_id: str, provider: str, agent: str, params: dict[str, str],
                   meta: dict[str, str] | None = None) -> etree._Element:
    xml = etree.Element("primitive", attrib={"id": rsc_id, "class": "ocf",
                                             "provider": provider, "type": agent})
    attrs = etree.SubElement(xml, "instance_attributes", id=f"{rsc_id}-instance_attributes")
    for name, value in params.items():
        etree.SubElement(attrs, "nvpair", name=name, value=value)
    if meta:
        meta_set = etree.SubElement(xml, "meta_attributes", id=f"{rsc_id}-meta_attributes")
        for name, value in meta.items():
            etree.SubElement(meta_set, "nvpair", name=name, value=value)
    return xml


def unpack_bundle(xml: etree._Element, ctx: ResourceContext) -> tuple[Rsc, list[Replica]] | None:
    """The bundle resource with its implicit children, or None if Pacemaker would reject it."""
    runtime = next((child for child in xml if child.tag in _AGENTS), None)
    if runtime is None:
        return None
    bundle = new_rsc(xml, None, ctx)
    ctx.by_id.setdefault(bundle.id, bundle)
    prefix = bundle.id
    promoted_max = max(score_to_int(runtime.get("promoted-max") or runtime.get("masters")) or 0, 0)
    replicas_text = runtime.get("replicas")
    if replicas_text is None and promoted_max > 0:
        count = promoted_max
    else:
        count = max(score_to_int(replicas_text) or 1, 1)
    per_host = max(score_to_int(runtime.get("replicas-per-host")) or 1, 1)
    network = xml.find("network")
    ip_start = network.get("ip-range-start") if network is not None else None
    control_port = network.get("control-port") if network is not None else None
    child_xml = xml.find("primitive")
    if child_xml is not None and not (ip_start or control_port):
        return None
    child_clone = None
    if child_xml is not None:
        child_clone = _child_clone(bundle, child_xml, count, per_host, promoted_max, ctx)
    replicas = _replicas(bundle, prefix, runtime.tag, count, ip_start, child_clone, ctx)
    if child_clone is not None:
        bundle.children.append(child_clone)
    return bundle, replicas


def _child_clone(bundle: Rsc, child_xml: etree._Element, count: int, per_host: int,
                 promoted_max: int, ctx: ResourceContext) -> Rsc:
    tag = "master" if promoted_max else "clone"
    clone_xml = etree.Element(tag, id=f"{bundle.id}-{tag}")
    meta = etree.SubElement(clone_xml, "meta_attributes", id=f"{bundle.id}-{tag}-meta")
    for name, value in (("ordered", "true"), ("clone-max", str(count)),
                        ("clone-node-max", str(per_host)),
                        ("globally-unique", "true" if per_host > 1 else "false")):
        etree.SubElement(meta, "nvpair", name=name, value=value)
    if promoted_max:
        etree.SubElement(meta, "nvpair", name="promotable", value="true")
        etree.SubElement(meta, "nvpair", name="promoted-max", value=str(promoted_max))
    clone_xml.append(copy.copy(child_xml))
    clone = new_rsc(clone_xml, bundle, ctx, implicit=True)
    clone.clone_max = count
    for number in range(count):
        add_clone_instance(clone, ctx, number)
    return clone


def _replicas(bundle: Rsc, prefix: str, agent: str, count: int, ip_start: str | None,
              child_clone: Rsc | None, ctx: ResourceContext) -> list[Replica]:
    replicas: list[Replica] = []
    address = ip_start
    for offset in range(count):
        ip = None
        if ip_start and address:
            ip = _implicit(bundle, _primitive_xml(f"{prefix}-ip-{address}", "heartbeat",
                                                  "IPaddr2", {"ip": address}), ctx)
        container = _implicit(bundle, _primitive_xml(f"{prefix}-{agent}-{offset}", "heartbeat",
                                                     agent, {}), ctx)
        remote = None
        child = child_clone.children[offset] if child_clone is not None else None
        node_name = None
        if child is not None:
            node_name = f"{prefix}-{offset}"
            if node_name in ctx.by_id:
                node_name = f"pcmk-internal-{child.config_id}-remote-{offset}"
            remote = _implicit(bundle, _primitive_xml(
                node_name, "pacemaker", "remote", {"addr": address or "#uname"},
                {"container": container.id}), ctx)
            remote.container = container
        replicas.append(Replica(offset, ip, container, remote, child, node_name))
        for part in (ip, container, remote):
            if part is not None:
                bundle.children.append(part)
        if address:
            address = _next_ip(address)
    return replicas


def _implicit(bundle: Rsc, xml: etree._Element, ctx: ResourceContext) -> Rsc:
    rsc = new_rsc(xml, bundle, ctx, implicit=True)
    ctx.by_id.setdefault(rsc.id, rsc)
    return rsc
