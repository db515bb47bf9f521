"""The truth oracle: Pacemaker's own `crm_mon` read into the ★ fields of `hacon status --json`.

API (shared with the case generator in tests/cases):
    crm_mon_available() -> bool
    crm_mon_xml(path) -> bytes                      # CIB_file=path crm_mon -1 --output-as=xml
    reference_document(crm_mon_xml, cib=None) -> dict | None   # None: crm_mon could not read it
    star_fields(document) -> dict                   # the ★ projection, same shape for both sides
    compare(hacon_document, reference_document) -> list[str]   # human-readable differences

The reference document has the shape of `console.model.export.status_document()` for every field
crm_mon reports, aggregated by configured id with the contract's rules (console/model/export.py).
Facts crm_mon does not print (a VIP's `ip`, which primitive a bundle wraps) are read from the CIB
when it is given. This module deliberately does not import hacon's model.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from lxml import etree

ROLE_RANK = {"Promoted": 7, "Unpromoted": 6, "Started": 5, "Starting": 4, "Migrating": 4,
             "Promoting": 4, "Demoting": 4, "Stopping": 3, "Unknown": 2, "Stopped": 1}
CONTAINER_AGENTS = ("ocf:heartbeat:docker", "ocf:heartbeat:rkt", "ocf:heartbeat:podman")


def crm_mon_available() -> bool:
    return shutil.which("crm_mon") is not None


def crm_mon_xml(path: str | Path, timeout: float = 60) -> bytes:
    """Run crm_mon once on a CIB file and return its XML (also when it reports an error)."""
    env = {key: value for key, value in os.environ.items() if key != "CIB_file"}
    env["CIB_file"] = str(path)
    result = subprocess.run(["crm_mon", "-1", "--output-as=xml"], env=env,
                            capture_output=True, timeout=timeout, check=False)
    return result.stdout


def _bool(element: etree._Element, name: str) -> bool:
    return (element.get(name) or "").lower() == "true"


def _strip(rsc_id: str) -> str:
    base, sep, number = rsc_id.rpartition(":")
    return base if sep and base and number.isdigit() else rsc_id


def node_state(node: dict[str, Any]) -> str:
    """The one-word node state of the contract (crm_mon's text precedence)."""
    if node["unclean"]:
        return "unclean"
    if node["pending"]:
        return "pending"
    if not node["online"]:
        return "offline"
    if node["standby"] or node["standby_onfail"]:
        return "standby"
    if node["maintenance"]:
        return "maintenance"
    return "online"


def _nodes(section: etree._Element) -> dict[str, Any]:
    nodes: dict[str, Any] = {}
    for element in section.iter("node"):
        node = {"id": element.get("id"), "type": element.get("type")}
        for flag in ("online", "standby", "standby_onfail", "maintenance", "pending", "unclean",
                     "shutdown", "expected_up", "is_dc"):
            node[flag] = _bool(element, flag)
        node["resources_running"] = int(element.get("resources_running") or 0)
        node["state"] = node_state(node)
        nodes[element.get("name") or ""] = node
    return dict(sorted(nodes.items()))


def _with_attributes(nodes: dict[str, Any],
                     attributes: dict[str, dict[str, str]]) -> dict[str, Any]:
    for name, node in nodes.items():
        node["attributes"] = attributes.get(name, {})
    return nodes


class _Entries:
    """crm_mon <resource> entries collected per configured id."""

    def __init__(self) -> None:
        self.primitives: dict[str, list[etree._Element]] = {}
        self.parents: dict[str, str | None] = {}
        self.order: list[str] = []

    def add(self, key: str, element: etree._Element, parent: str | None) -> None:
        if key not in self.primitives:
            self.primitives[key] = []
            self.order.append(key)
            self.parents[key] = parent
        self.primitives[key].append(element)


def _primitive_doc(entries: list[etree._Element], parent: str | None,
                   in_clone: bool) -> dict[str, Any]:
    node_roles: dict[str, str] = {}
    for element in entries:
        for node in element.iter("node"):
            name = node.get("name") or ""
            role = element.get("role") or "Unknown"
            if name not in node_roles or ROLE_RANK.get(role, 0) > ROLE_RANK.get(
                    node_roles[name], 0):
                node_roles[name] = role
    roles = [element.get("role") or "Unknown" for element in entries]
    role = max(roles, key=lambda text: ROLE_RANK.get(text, 0)) if in_clone else roles[0]
    return {
        "kind": "primitive", "agent": entries[0].get("resource_agent"), "parent": parent,
        "children": [], "role": role, "active_on": sorted(node_roles),
        "node_roles": dict(sorted(node_roles.items())),
        "failed": any(_bool(e, "failed") for e in entries),
        "managed": all(_bool(e, "managed") for e in entries),
        "blocked": any(_bool(e, "blocked") for e in entries),
        "orphaned": any(_bool(e, "orphaned") for e in entries),
        "failure_ignored": any(_bool(e, "failure_ignored") for e in entries),
        "target_role": entries[0].get("target_role"), "instances": len(entries),
    }


def _container_doc(kind: str, selves: list[etree._Element], members: list[dict[str, Any]],
                   member_ids: list[str], role: str) -> dict[str, Any]:
    nodes = sorted({name for member in members for name in member["active_on"]})
    return {
        "kind": kind, "agent": None, "parent": None, "children": member_ids, "role": role,
        "active_on": nodes, "node_roles": {},
        "failed": any(_bool(s, "failed") for s in selves) or any(m["failed"] for m in members),
        "managed": all(s.get("managed", "true") == "true" for s in selves)
        and all(m["managed"] for m in members),
        "blocked": any(m["blocked"] for m in members),
        "orphaned": False,
        "failure_ignored": any(m["failure_ignored"] for m in members),
        "target_role": selves[0].get("target_role") if selves else None,
        "instances": len(selves),
    }


def _group_role(members: list[dict[str, Any]]) -> str:
    active = [bool(member["active_on"]) for member in members]
    return "Started" if active and all(active) else "Partial" if any(active) else "Stopped"


class _ResourceReader:
    def __init__(self, cib: etree._Element | None) -> None:
        self.cib = cib
        self.out: dict[str, dict[str, Any]] = {}

    def read(self, section: etree._Element) -> dict[str, dict[str, Any]]:
        for element in section:
            if element.tag == "resource":
                self._merge(element.get("id") or "", _primitive_doc([element], None, False))
            elif element.tag == "group":
                self._group([element], None)
            elif element.tag == "clone":
                self._clone(element)
            elif element.tag == "bundle":
                self._bundle(element)
        return self.out

    def _merge(self, key: str, document: dict[str, Any]) -> None:
        self.out.setdefault(key, document)

    def _group(self, groups: list[etree._Element], parent: str | None) -> dict[str, Any]:
        key = _strip(groups[0].get("id") or "")
        entries = _Entries()
        for group in groups:
            for member in group:
                if member.tag == "resource":
                    entries.add(_strip(member.get("id") or ""), member, key)
        in_clone = parent is not None
        members = [_primitive_doc(entries.primitives[m], key, in_clone) for m in entries.order]
        for member_id, member in zip(entries.order, members, strict=True):
            self._merge(member_id, member)
        document = _container_doc("group", groups, members, entries.order, _group_role(members))
        document["parent"] = parent
        self._merge(key, document)
        return document

    def _clone(self, clone: etree._Element) -> None:
        key = clone.get("id") or ""
        promotable = _bool(clone, "multi_state")
        groups = [child for child in clone if child.tag == "group"]
        primitives = [child for child in clone if child.tag == "resource"]
        if groups:
            members = [self._group(groups, key)]
            member_ids = [_strip(groups[0].get("id") or "")]
            leaves = [leaf for group in groups for leaf in group if leaf.tag == "resource"]
        else:
            member_id = _strip(primitives[0].get("id") or "") if primitives else ""
            members = [_primitive_doc(primitives, key, True)] if primitives else []
            member_ids = [member_id] if primitives else []
            if primitives:
                self._merge(member_id, members[0])
            leaves = primitives
        kind = "promotable_clone" if promotable else "clone"
        document = _container_doc(kind, [clone], members, member_ids, "Stopped")
        promoted = sorted({n.get("name") or "" for leaf in leaves if leaf.get("role") == "Promoted"
                           for n in leaf.iter("node")})
        unpromoted = sorted({n.get("name") or "" for leaf in leaves
                             if leaf.get("role") == "Unpromoted" for n in leaf.iter("node")})
        if promotable:
            document["role"] = ("Promoted" if promoted else "Unpromoted"
                                if document["active_on"] else "Stopped")
        else:
            document["role"] = "Started" if document["active_on"] else "Stopped"
        document.update(promoted_on=promoted, unpromoted_on=unpromoted,
                        globally_unique=_bool(clone, "unique"))
        self._merge(key, document)

    def _bundle_child_id(self, bundle_id: str) -> str | None:
        if self.cib is None:
            return None
        for bundle in self.cib.iter("bundle"):
            if bundle.get("id") == bundle_id:
                child = bundle.find("primitive")
                return child.get("id") if child is not None else None
        return None

    def _bundle(self, bundle: etree._Element) -> None:
        key = bundle.get("id") or ""
        child_id = self._bundle_child_id(key)
        children: list[etree._Element] = []
        parts: list[etree._Element] = []
        hosts: set[str] = set()
        for replica in bundle.iter("replica"):
            for element in replica:
                agent = element.get("resource_agent") or ""
                element_id = element.get("id") or ""
                is_child = (element_id == child_id if child_id is not None else not (
                    element_id.startswith(key + "-")))
                if is_child:
                    children.append(element)
                    continue
                parts.append(element)
                if agent in CONTAINER_AGENTS:
                    hosts.update(n.get("name") or "" for n in element.iter("node"))
        members = []
        member_ids = []
        if children:
            member_id = _strip(children[0].get("id") or "")
            members.append(_primitive_doc(children, key, True))
            member_ids.append(member_id)
            self._merge(member_id, members[0])
        document = _container_doc("bundle", [bundle, *parts],
                                  members + [_primitive_doc([p], key, False) for p in parts],
                                  member_ids, "Started" if hosts else "Stopped")
        document["children"] = member_ids
        document["active_on"] = sorted(hosts)
        document["instances"] = 1 + len(parts)
        self._merge(key, document)


def _vips(resources: dict[str, Any], cib: etree._Element | None) -> dict[str, Any]:
    vips: dict[str, Any] = {}
    for rsc_id, rsc in resources.items():
        if (rsc["agent"] or "").lower() != "ocf:heartbeat:ipaddr2":
            continue
        vips[rsc_id] = {"ip": _cib_param(cib, rsc_id, "ip"), "holder_nodes": rsc["active_on"],
                        "role": rsc["role"]}
    return vips


def _cib_param(cib: etree._Element | None, rsc_id: str, name: str) -> str | None:
    if cib is None:
        return None
    for primitive in cib.iter("primitive"):
        if primitive.get("id") != rsc_id:
            continue
        for attrs in primitive.iter("instance_attributes"):
            for pair in attrs.iter("nvpair"):
                if pair.get("name") == name:
                    return pair.get("value")
    return None


def _split_op_key(op_key: str) -> tuple[str, str, int]:
    rest, _, interval = op_key.rpartition("_")
    for task in ("migrate_to", "migrate_from"):
        if rest.endswith("_" + task):
            return rest[: -len(task) - 1], task, int(interval or 0)
    resource, _, task = rest.rpartition("_")
    return resource, task, int(interval) if interval.isdigit() else 0


def _recorded_op(cib: etree._Element | None, node: str | None,
                 op_id: str) -> etree._Element | None:
    """The history entry a failure came from (crm_mon omits task/interval without a time)."""
    for state in cib.iterfind("status/node_state") if cib is not None else ():
        if state.get("uname") != node:
            continue
        for op in state.iter("lrm_rsc_op"):
            if op.get("id") == op_id or op.get("operation_key") == op_id:
                return op
    return None


def _unescape(text: str) -> str:
    """crm_mon escapes exit reasons once more before writing them as XML."""
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"),
                         ("&#39;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def _failures(root: etree._Element, cib: etree._Element | None) -> list[dict[str, Any]]:
    failures = []
    for element in root.iterfind("failures/failure"):
        op_key = element.get("op_key") or element.get("id") or ""
        instance, task, interval = _split_op_key(op_key)
        recorded = None if element.get("task") else _recorded_op(cib, element.get("node"), op_key)
        if element.get("task") is not None:
            task = element.get("task") or task
            interval = int(element.get("interval") or 0)
        elif recorded is not None:
            task = recorded.get("operation") or task
            interval = int(recorded.get("interval") or 0)
        failures.append({
            "resource": _strip(instance), "instance": instance, "node": element.get("node"),
            "task": task, "interval_ms": interval, "rc": int(element.get("exitcode") or 0),
            "rc_text": element.get("exitstatus"), "status": element.get("status"),
            # crm_mon prints "none" when the operation recorded no exit reason.
            "exit_reason": None if element.get("exitreason") in (None, "", "none")
            else _unescape(element.get("exitreason") or ""),
            "call": int(element.get("call") or 0), "op_key": op_key,
        })
    return sorted(failures, key=lambda f: (f["resource"], f["node"], f["task"],
                                           f["interval_ms"]))


def _failcounts(root: etree._Element) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for node in root.iterfind("node_history/node"):
        for history in node.iterfind("resource_history"):
            count = history.get("fail-count")
            if count is not None and int(count) > 0:
                counts.setdefault(_strip(history.get("id") or ""), {})[
                    node.get("name") or ""] = min(int(count), 1_000_000)
    return {key: dict(sorted(value.items())) for key, value in sorted(counts.items())}


def _bans(root: etree._Element) -> list[dict[str, Any]]:
    return [{"id": ban.get("id"), "resource": ban.get("resource"), "node": ban.get("node"),
             "score": max(-1_000_000, min(1_000_000, int(ban.get("weight") or 0))),
             "promoted_only": _bool(ban, "promoted-only")}
            for ban in root.iterfind("bans/ban")]


def _cluster(root: etree._Element, dc: etree._Element | None,
             options: etree._Element | None) -> dict[str, Any]:
    present = dc is not None and _bool(dc, "present")
    counts = root.find("summary/resources_configured")
    nodes = root.find("summary/nodes_configured")
    return {
        "dc": dc.get("name") if present and dc is not None else None,
        "have_quorum": _bool(dc, "with_quorum") if present and dc is not None else None,
        "stonith_enabled": options is not None and _bool(options, "stonith-enabled"),
        "symmetric_cluster": options is not None and _bool(options, "symmetric-cluster"),
        "no_quorum_policy": options.get("no-quorum-policy") if options is not None else None,
        "maintenance_mode": options is not None and _bool(options, "maintenance-mode"),
        "stop_all_resources": options is not None and _bool(options, "stop-all-resources"),
        "nodes_configured": int(nodes.get("number") or 0) if nodes is not None else None,
        "resources_configured": int(counts.get("number") or 0) if counts is not None else None,
        "resources_disabled": int(counts.get("disabled") or 0) if counts is not None else None,
        "resources_blocked": int(counts.get("blocked") or 0) if counts is not None else None,
    }


def _attributes(root: etree._Element) -> dict[str, dict[str, str]]:
    return {node.get("name") or "": {attr.get("name") or "": attr.get("value") or ""
                                     for attr in node.iterfind("attribute")}
            for node in root.iterfind("node_attributes/node")}


def reference_document(crm_mon_xml: bytes, cib: bytes | None = None) -> dict[str, Any] | None:
    """crm_mon's answer in the contract's shape; None when crm_mon could not read the CIB."""
    root = etree.fromstring(crm_mon_xml, etree.XMLParser(huge_tree=True))
    nodes_section = root.find("nodes")
    if nodes_section is None:
        return None
    cib_root = etree.fromstring(cib, etree.XMLParser(huge_tree=True)) if cib else None
    dc = root.find("summary/current_dc")
    options = root.find("summary/cluster_options")
    section = root.find("resources")
    resources = _ResourceReader(cib_root).read(section if section is not None
                                               else etree.Element("resources"))
    return {
        "schema_version": 1,
        "cluster": _cluster(root, dc, options),
        "nodes": _with_attributes(_nodes(nodes_section), _attributes(root)),
        "resources": resources,
        "vips": _vips(resources, cib_root),
        "failures": _failures(root, cib_root),
        "failcounts": _failcounts(root),
        "bans": _bans(root),
    }


STAR = {
    "cluster": ("dc", "stonith_enabled", "maintenance_mode"),
    "nodes": ("online", "standby", "maintenance", "unclean", "state"),
    "resources": ("kind", "agent", "parent", "role", "active_on", "failed", "managed",
                  "blocked"),
    "vips": ("ip", "holder_nodes"),
    "failures": ("resource", "node", "task", "interval_ms", "rc"),
    "bans": ("id", "resource", "node", "score", "promoted_only"),
}


def star_fields(document: dict[str, Any]) -> dict[str, Any]:
    """The ★ projection (constraints excluded: crm_mon does not print them)."""
    def pick(entry: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
        return {name: entry.get(name) for name in names}

    return {
        "cluster": pick(document["cluster"], STAR["cluster"]),
        "nodes": {k: pick(v, STAR["nodes"]) for k, v in document["nodes"].items()},
        "resources": {k: pick(v, STAR["resources"]) for k, v in document["resources"].items()},
        "vips": {k: pick(v, STAR["vips"]) for k, v in document["vips"].items()},
        "failures": sorted((pick(f, STAR["failures"]) for f in document["failures"]),
                           key=lambda f: tuple(str(v) for v in f.values())),
        "failcounts": document["failcounts"],
        "bans": sorted((pick(b, STAR["bans"]) for b in document["bans"]),
                       key=lambda b: tuple(str(v) for v in b.values())),
    }


def compare(hacon_document: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    """Differences in the ★ fields, one line each ("path: hacon=... crm_mon=...")."""
    ours, theirs = star_fields(hacon_document), star_fields(reference)
    differences: list[str] = []
    _diff("", ours, theirs, differences)
    return differences


def _diff(path: str, ours: Any, theirs: Any, out: list[str]) -> None:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in sorted(set(ours) | set(theirs), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in ours:
                out.append(f"{where}: missing in hacon (crm_mon={theirs[key]!r})")
            elif key not in theirs:
                out.append(f"{where}: not in crm_mon (hacon={ours[key]!r})")
            else:
                _diff(where, ours[key], theirs[key], out)
    elif ours != theirs:
        out.append(f"{path}: hacon={ours!r} crm_mon={theirs!r}")
