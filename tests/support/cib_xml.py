"""The one CIB-XML builder of the tests: pieces of a CIB as XML text, built with lxml.

Every builder returns XML text, so pieces concatenate (`node_state("a") + node_state("b")`) and
go straight to `cibadmin -X`; lxml writes the text, so an id or a value can never break the XML.
Model tests put whole CIBs together with `cib()`; the generated cases (tests/cases) hand the
configuration pieces to Pacemaker's own tools and let `crm_simulate` write the status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lxml import etree

TRANSITION_UUID = "00000000-0000-0000-0000-000000000000"


def element(tag: str, attrs: Mapping[str, str], *children: etree._Element | str) -> etree._Element:
    """An element with attributes (names may contain dashes) and children (elements or text)."""
    made = etree.Element(tag, dict(attrs))
    for child in children:
        made.extend(fragment(child) if isinstance(child, str) else [child])
    return made


def fragment(text: str) -> list[etree._Element]:
    """The elements of an XML text that may hold several (or no) top-level elements."""
    return list(etree.fromstring(f"<fragment>{text}</fragment>")) if text.strip() else []


def xml(made: etree._Element) -> str:
    """The element as XML text."""
    return etree.tostring(made, encoding="unicode")


def _nvpairs(owner_id: str, tag: str, values: Mapping[str, str]) -> etree._Element:
    block = etree.Element(tag, id=f"{owner_id}-{tag}")
    for name, value in values.items():
        etree.SubElement(block, "nvpair", id=f"{owner_id}-{tag}-{name}", name=name, value=value)
    return block


def nvpairs(owner_id: str, tag: str, values: Mapping[str, str]) -> str:
    """`<instance_attributes>`, `<meta_attributes>`, ... with one nvpair per value ("" if none)."""
    return xml(_nvpairs(owner_id, tag, values)) if values else ""


def primitive(rid: str, agent: str = "ocf:heartbeat:Dummy",
              params: Mapping[str, str] | None = None, meta: Mapping[str, str] | None = None, *,
              ops: str = "", monitor_s: int | None = None,
              monitor_attrs: Mapping[str, str] | None = None) -> str:
    """A `<primitive>` for `agent` ("class:provider:type" or "class:type").

    `ops` is XML text of `<op>` elements; `monitor_s` adds a recurring monitor (with
    `monitor_attrs`, e.g. on-fail).
    """
    parts = agent.split(":")
    attrs = {"id": rid, "class": parts[0], "type": parts[-1]}
    if len(parts) == 3:
        attrs["provider"] = parts[1]
    made = element("primitive", attrs, nvpairs(rid, "instance_attributes", params or {}),
                   nvpairs(rid, "meta_attributes", meta or {}))
    operations = fragment(ops)
    if monitor_s is not None:
        operations.append(element("op", {"id": f"{rid}-monitor-{monitor_s}s", "name": "monitor",
                                         "interval": f"{monitor_s}s", **(monitor_attrs or {})}))
    if operations:
        made.append(element("operations", {}, *operations))
    return xml(made)


def group(gid: str, members: Iterable[str]) -> str:
    """A `<group>` of primitives, started in the order given."""
    return xml(element("group", {"id": gid}, *members))


def clone(cid: str, member: str, meta: Mapping[str, str] | None = None) -> str:
    """A `<clone>` of one primitive or group (meta `promotable=true` makes it promotable)."""
    return xml(element("clone", {"id": cid}, member, nvpairs(cid, "meta_attributes", meta or {})))


def op(rsc_id: str, task: str, *, call: int, rc: int = 0, interval: int = 0,
       expected: int | None = None, status: int = 0, node: str = "node-a",
       key_id: str | None = None, changed: int = 1_700_000_000) -> str:
    """One lrm_rsc_op; `expected` defaults to 7 for probes and 0 otherwise."""
    if expected is None:
        expected = 7 if task == "monitor" and interval == 0 else 0
    key = f"1:1:{expected}:{TRANSITION_UUID}"
    op_key = f"{rsc_id}_{task}_{interval}"
    return xml(element("lrm_rsc_op", {
        "id": key_id or op_key, "operation_key": op_key, "operation": task,
        "transition-key": key, "transition-magic": f"{status}:{rc};{key}", "call-id": str(call),
        "rc-code": str(rc), "op-status": str(status), "interval": str(interval),
        "last-rc-change": str(changed), "exec-time": "1", "queue-time": "0", "on_node": node}))


def lrm_resource(rsc_id: str, ops: Iterable[str], agent: str = "ocf:heartbeat:Dummy") -> str:
    """A resource's operation history on one node."""
    klass, provider, kind = agent.split(":")
    return xml(element("lrm_resource", {"id": rsc_id, "class": klass, "provider": provider,
                                        "type": kind}, *ops))


def node_state(name: str, *, online: bool = True, expected: str = "member",
               resources: Iterable[str] = (), transient: Mapping[str, str] | None = None,
               join: str | None = None) -> str:
    """A `<node_state>` as the DC writes it, with its resource histories and transient attributes."""
    lrm = element("lrm", {"id": name}, element("lrm_resources", {}, *resources))
    made = element("node_state", {
        "id": name, "uname": name, "in_ccm": "true" if online else "false",
        "crmd": "online" if online else "offline", "join": join or ("member" if online else "down"),
        "expected": expected}, lrm)
    if transient:
        made.append(element("transient_attributes", {"id": name},
                            nvpairs("status-" + name, "instance_attributes", transient)))
    return xml(made)


def cib(*, resources: str = "", status: str = "", nodes: Iterable[str] = ("node-a", "node-b"),
        node_attrs: Mapping[str, Mapping[str, str]] | None = None, stonith: bool = False,
        properties: Mapping[str, str] | None = None, constraints: str = "",
        dc: str | None = "node-a", have_quorum: bool = True) -> bytes:
    """A whole CIB; stonith=True also configures a fence device so fencing is possible."""
    config = {"stonith-enabled": "true" if stonith else "false", **(properties or {})}
    node_xml = [element("node", {"id": name, "uname": name},
                        nvpairs(name, "instance_attributes", (node_attrs or {}).get(name, {})))
                for name in nodes]
    fence = primitive("fence", "stonith:fence_dummy") if stonith else ""
    root_attrs = {"admin_epoch": "0", "epoch": "5", "num_updates": "7",
                  "crm_feature_set": "3.16.2", "validate-with": "pacemaker-3.9",
                  "have-quorum": "1" if have_quorum else "0", **({"dc-uuid": dc} if dc else {})}
    configuration = element(
        "configuration", {},
        element("crm_config", {}, nvpairs("cib-bootstrap-options", "cluster_property_set", config)),
        element("nodes", {}, *node_xml), element("resources", {}, fence, resources),
        element("constraints", {}, constraints))
    return xml(element("cib", root_attrs, configuration, element("status", {}, status))).encode()


def started(rsc_id: str, node: str, call: int = 2) -> str:
    """A history whose last word is a successful start."""
    return lrm_resource(rsc_id, [op(rsc_id, "start", call=call, node=node)])


def stopped_probe(rsc_id: str, node: str) -> str:
    """A history with only a probe that found the resource stopped."""
    return lrm_resource(rsc_id, [op(rsc_id, "monitor", call=1, rc=7, node=node)])
