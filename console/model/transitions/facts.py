"""What one saved scheduler input says, boiled down to what the explainer compares.

A scheduler input (`pe-input-N.bz2`) is the whole CIB the DC's scheduler read for one
transition: configuration and status. `read_facts` keeps only what explains a transition (who
was online, where each resource ran, which failures were recorded, the configuration as flat
settings) so that an index of a thousand inputs stays small, can be cached as JSON and compared
cheaply. The cluster status is derived by hacon's own status walk (`parse_cib`), as crm_mon would.
"""

from __future__ import annotations

import bz2
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from console.model.cluster import ClusterSnapshot, Resource
from console.model.errors import MalformedXmlError
from console.model.snapshot import parse_cib
from console.model.xmlsafe import parse_xml

INPUT_NAME = re.compile(r"^pe-(input|warn|error)-(\d+)\.bz2$")
"""The file names the scheduler saves (pe-input-N.bz2, pe-warn-N.bz2, pe-error-N.bz2)."""

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""A decompressed input larger than this is refused (a CIB is kilobytes to a few megabytes)."""

# Settings Pacemaker itself rewrites on every DC election: not an operator's change.
_VOLATILE_PROPERTIES = frozenset({
    "dc-version", "cluster-infrastructure", "have-watchdog", "last-lrm-refresh",
})


@dataclass(frozen=True, slots=True)
class InputRef:
    """Where one scheduler input came from: the node that saved it and its file name."""

    node: str
    name: str

    @property
    def kind(self) -> str:
        """`input`, `warn` or `error` (the scheduler saves problem inputs under other names)."""
        match = INPUT_NAME.match(self.name)
        return match.group(1) if match else "input"

    @property
    def number(self) -> int:
        """The series number in the file name (-1 for a name outside the series)."""
        match = INPUT_NAME.match(self.name)
        return int(match.group(2)) if match else -1

    @property
    def key(self) -> str:
        """`node/name`: unique within one cluster's history."""
        return f"{self.node}/{self.name}"


@dataclass(frozen=True, slots=True)
class NodeFacts:
    """One node as the scheduler saw it."""

    online: bool
    standby: bool
    maintenance: bool
    unclean: bool
    expected_up: bool = True


@dataclass(frozen=True, slots=True)
class ResourceFacts:
    """One resource as the scheduler saw it."""

    role: str
    active_on: tuple[str, ...]
    promoted_on: tuple[str, ...] = ()
    failcount: Mapping[str, int] = field(default_factory=dict)
    migration_threshold: int | None = None
    starts: Mapping[str, int] = field(default_factory=dict)
    """Per node, the call id of the newest start recorded there: a higher one later means a
    (re)start happened in between."""


@dataclass(frozen=True, slots=True)
class FailureFacts:
    """One failed operation recorded in the status section."""

    resource: str
    node: str
    task: str
    interval_ms: int
    rc: int
    rc_text: str
    call: int
    last_rc_change: str | None = None

    @property
    def op(self) -> str:
        """The operation as Pacemaker names it in logs: `monitor_10000`, `start_0`."""
        return f"{self.task}_{self.interval_ms}"

    @property
    def key(self) -> tuple[str, str, str, int, int, str | None]:
        """Identity of the recorded failure: the same failure in two inputs has the same key."""
        return (self.resource, self.node, self.task, self.interval_ms, self.call,
                self.last_rc_change)


@dataclass(frozen=True, slots=True)
class InputFacts:
    """One scheduler input, reduced to what the explainer compares."""

    ref: InputRef
    executed_at: int | None
    dc: str | None
    version: str
    changed_by: str | None
    stonith_enabled: bool
    nodes: Mapping[str, NodeFacts]
    resources: Mapping[str, ResourceFacts]
    failures: tuple[FailureFacts, ...]
    constraints: Mapping[str, str]
    """Constraint id -> one line describing it (a changed line is a changed constraint)."""
    settings: Mapping[str, str]
    """The rest of the configuration as flat `where: name` -> value pairs."""
    vips: Mapping[str, str]
    """VIP resource id -> its address."""


def decompress_input(data: bytes) -> bytes:
    """The XML of a saved input: bz2-compressed (the usual) or already plain.

    Raises:
        MalformedXmlError: corrupt compression, or larger than MAX_INPUT_BYTES once unpacked.
    """
    if not data.startswith(b"BZh"):
        return data
    decompressor = bz2.BZ2Decompressor()
    try:
        xml = decompressor.decompress(data, max_length=MAX_INPUT_BYTES)
    except (OSError, ValueError, EOFError) as error:
        raise MalformedXmlError(f"corrupt bz2 data: {error}") from None
    if not decompressor.eof and decompressor.needs_input is False:
        raise MalformedXmlError(f"refused: more than {MAX_INPUT_BYTES} bytes once decompressed")
    return xml


def read_facts(ref: InputRef, data: bytes) -> InputFacts:
    """Parse one saved input (bz2 or plain XML) into its facts.

    Raises:
        CibParseError: not a CIB, malformed, hostile or corrupt.
    """
    xml = decompress_input(data)
    root = parse_xml(xml)
    executed_at = _int_or_none(root.get("execution-date"))
    # As of its execution date: a failure that has expired since must still count here.
    snapshot = parse_cib(xml, now=executed_at, constraints=False)
    return InputFacts(
        ref=ref,
        executed_at=executed_at,
        dc=snapshot.info.dc,
        version=str(snapshot.info.version),
        changed_by=_changed_by(root),
        stonith_enabled=snapshot.info.stonith_enabled,
        nodes=_nodes(snapshot),
        resources=_resources(snapshot, _starts(root)),
        failures=_failures(snapshot),
        constraints=_constraints(root),
        settings=_settings(root),
        vips={vip.id: vip.ip or "?" for vip in snapshot.vips.values()},
    )


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text is not None and text.strip().lstrip("-").isdigit() else None


def _changed_by(root: etree._Element) -> str | None:
    """Who wrote the CIB last, when it was a tool rather than Pacemaker's own daemons."""
    client = root.get("update-client")
    if client is None or client in ("crmd", "pacemaker-controld", "attrd", "pacemaker-attrd",
                                    "cibadmin-internal"):
        return None
    origin, user = root.get("update-origin"), root.get("update-user")
    return " ".join(part for part in (client, f"on {origin}" if origin else "",
                                      f"as {user}" if user else "") if part)


def _nodes(snapshot: ClusterSnapshot) -> dict[str, NodeFacts]:
    return {name: NodeFacts(node.online, node.standby, node.maintenance, node.unclean,
                            node.expected_up)
            for name, node in snapshot.nodes.items()}


def _resources(snapshot: ClusterSnapshot,
               starts: Mapping[str, Mapping[str, int]]) -> dict[str, ResourceFacts]:
    return {rid: _resource(resource, starts.get(rid, {}))
            for rid, resource in snapshot.resources.items() if not resource.children}


def _resource(resource: Resource, starts: Mapping[str, int]) -> ResourceFacts:
    return ResourceFacts(
        role=resource.role,
        active_on=tuple(sorted(resource.active_on)),
        promoted_on=tuple(sorted(resource.promoted_on)),
        failcount={node: count for node, count in resource.failcount.items() if count},
        migration_threshold=resource.migration_threshold,
        starts=dict(starts),
    )


def _starts(root: etree._Element) -> dict[str, dict[str, int]]:
    """Per resource and node, the call id of the newest successful start in the history."""
    starts: dict[str, dict[str, int]] = {}
    for state in root.iterfind("status/node_state"):
        node = state.get("uname") or state.get("id") or "?"
        for lrm in state.iterfind("lrm/lrm_resources/lrm_resource"):
            newest = _newest_start(lrm)
            if newest is not None:
                starts.setdefault(lrm.get("id") or "?", {})[node] = newest
    return starts


def _newest_start(lrm: etree._Element) -> int | None:
    calls = [_int_or_none(op.get("call-id")) for op in lrm.iterfind("lrm_rsc_op")
             if op.get("operation") in ("start", "promote", "migrate_from")
             and op.get("rc-code") in ("0", "8")]
    known = [call for call in calls if call is not None and call >= 0]
    return max(known) if known else None


def _failures(snapshot: ClusterSnapshot) -> tuple[FailureFacts, ...]:
    return tuple(FailureFacts(failure.resource, failure.node, failure.task, failure.interval_ms,
                              failure.rc, failure.rc_text, failure.call, failure.last_rc_change)
                 for failure in snapshot.failures)


def _constraints(root: etree._Element) -> dict[str, str]:
    section = root.find("configuration/constraints")
    if section is None:
        return {}
    return {element.get("id") or f"#{index}": describe_constraint(element)
            for index, element in enumerate(section) if isinstance(element.tag, str)}


def describe_constraint(element: etree._Element) -> str:
    """One line for a constraint: `ClusterIP prefers node-b (INFINITY)` and the like."""
    if element.tag == "rsc_location" and element.get("node") is not None:
        score = element.get("score") or "0"
        verb = "avoids" if score.startswith("-") else "prefers"
        role = f" as {element.get('role')}" if element.get("role") else ""
        return f"{element.get('rsc') or element.get('rsc-pattern')} {verb} " \
               f"{element.get('node')} ({score}){role}"
    attributes = " ".join(f"{name}={value}" for name, value in sorted(_attributes(element))
                          if name != "id")
    rules = len(element.findall("rule"))
    sets = len(element.findall("resource_set"))
    extra = (f" +{rules} rule(s)" if rules else "") + (f" +{sets} set(s)" if sets else "")
    body = etree.tostring(element, method="c14n") if rules or sets else b""
    digest = f" #{zlib.crc32(body) & 0xFFFF:04x}" if body else ""
    return f"{element.tag} {attributes}{extra}{digest}"


def _attributes(element: etree._Element) -> list[tuple[str, str]]:
    return [(str(name), str(value)) for name, value in element.attrib.items()]


def _settings(root: etree._Element) -> dict[str, str]:
    config = root.find("configuration")
    settings: dict[str, str] = {}
    if config is None:
        return settings
    for pair in config.iterfind("crm_config//nvpair"):
        if pair.get("name") not in _VOLATILE_PROPERTIES:
            settings[f"property: {pair.get('name')}"] = pair.get("value") or ""
    for section in ("rsc_defaults", "op_defaults"):
        for pair in config.iterfind(f"{section}//nvpair"):
            settings[f"{section}: {pair.get('name')}"] = pair.get("value") or ""
    for element in config.iterfind("resources//*[@id]"):
        settings.update(_resource_settings(element))
    for node in config.iterfind("nodes/node"):
        for pair in node.iterfind(".//nvpair"):
            if pair.get("name") not in ("standby", "maintenance"):
                settings[f"node {node.get('uname')}: {pair.get('name')}"] = pair.get("value") or ""
    return settings


_RESOURCE_TAGS = frozenset({"primitive", "group", "clone", "master", "bundle"})


def _resource_settings(element: etree._Element) -> dict[str, str]:
    if element.tag not in _RESOURCE_TAGS:
        return {}
    rid = element.get("id")
    agent = ":".join(part for part in (element.get("class"), element.get("provider"),
                                       element.get("type")) if part)
    settings = {f"resource {rid}": agent or element.tag}
    for kind, tag in (("meta", "meta_attributes"), ("param", "instance_attributes")):
        for pair in element.iterfind(f"{tag}/nvpair"):
            settings[f"resource {rid} {kind}: {pair.get('name')}"] = pair.get("value") or ""
    for op in element.iterfind("operations/op"):
        values = " ".join(f"{name}={value}" for name, value in sorted(_attributes(op))
                          if name not in ("id", "name", "interval"))
        settings[f"resource {rid} op: {op.get('name')} {op.get('interval') or '0'}"] = values
    return settings


def facts_to_json(facts: InputFacts) -> dict[str, Any]:
    """The facts as plain JSON types (the history cache stores them)."""
    return {
        "node": facts.ref.node, "name": facts.ref.name, "executed_at": facts.executed_at,
        "dc": facts.dc, "version": facts.version, "changed_by": facts.changed_by,
        "stonith_enabled": facts.stonith_enabled,
        "nodes": {name: [n.online, n.standby, n.maintenance, n.unclean, n.expected_up]
                  for name, n in facts.nodes.items()},
        "resources": {rid: [r.role, list(r.active_on), list(r.promoted_on), dict(r.failcount),
                            r.migration_threshold, dict(r.starts)]
                      for rid, r in facts.resources.items()},
        "failures": [[f.resource, f.node, f.task, f.interval_ms, f.rc, f.rc_text, f.call,
                      f.last_rc_change] for f in facts.failures],
        "constraints": dict(facts.constraints), "settings": dict(facts.settings),
        "vips": dict(facts.vips),
    }


def facts_from_json(data: Mapping[str, Any]) -> InputFacts:
    """The inverse of facts_to_json.

    Raises:
        KeyError, TypeError, ValueError: the cached entry is not in this shape.
    """
    return InputFacts(
        ref=InputRef(str(data["node"]), str(data["name"])),
        executed_at=data["executed_at"], dc=data["dc"], version=str(data["version"]),
        changed_by=data["changed_by"], stonith_enabled=bool(data["stonith_enabled"]),
        nodes={name: NodeFacts(*map(bool, values)) for name, values in data["nodes"].items()},
        resources={rid: ResourceFacts(str(v[0]), tuple(v[1]), tuple(v[2]), dict(v[3]), v[4],
                                      dict(v[5]))
                   for rid, v in data["resources"].items()},
        failures=tuple(FailureFacts(*values) for values in data["failures"]),
        constraints=dict(data["constraints"]), settings=dict(data["settings"]),
        vips=dict(data["vips"]),
    )
