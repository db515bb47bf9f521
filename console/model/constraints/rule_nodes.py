"""The nodes a location rule is evaluated on, with the attributes Pacemaker gives each of them.

Pacemaker evaluates location rules on every node it knows: the ``nodes`` section, Pacemaker
Remote nodes made by top-level ``ocf:pacemaker:remote`` primitives, and guest nodes named by a
``remote-node`` meta attribute. Each node's attribute table holds ``#uname``, ``#id``,
``#is_dc``, ``#cluster-name``, ``#site-name``, its permanent attributes (nodes section), then
its transient attributes (status section), the transient ones winning. ``#kind`` is
``cluster``, ``remote`` or ``container`` (guest). Remote and guest nodes only get their
attributes once their connection is up, which hacon reads as "the node is online".

Offline cluster nodes, and nodes shutting down, enter ``or`` rules with a -INFINITY weight:
Pacemaker removes them from contention before it unpacks constraints, and crm_mon then lists such
an ``or`` rule as a ban on them even when its score is positive.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lxml import etree

from console.model.constraints.parse import parse_rule
from console.model.constraints.resource_refs import ReferenceIndex
from console.model.constraints.rules import RuleContext, char_to_score, rule_passes
from console.model.types import INFINITY


class NodeLiveness(Protocol):
    """The two facts about a node that rule evaluation needs from the status derivation."""

    @property
    def online(self) -> bool: ...

    @property
    def shutdown(self) -> bool: ...

    @property
    def resources_running(self) -> int: ...


@dataclass(frozen=True, slots=True)
class RuleNode:
    """A node as a location rule sees it."""

    name: str
    attributes: Mapping[str, str]
    base_score: int
    """The node's own weight, which ``or`` rules add their score to (-INFINITY when offline)."""


def compare_node_names(first: str, second: str) -> int:
    """Pacemaker's node-name order: case-insensitive, runs of digits compared as numbers.

    Where both names have a run of digits at the same place, the runs compare by value and then
    by length ("7" before "007"); anything else compares character by character, ignoring case.
    """
    first_runs = re.findall(r"\d+|\D", first)
    second_runs = re.findall(r"\d+|\D", second)
    for left, right in zip(first_runs, second_runs):
        if left.isdigit() and right.isdigit():
            order = _sign(int(left) - int(right)) or _sign(len(left) - len(right))
        else:
            order = _sign(ord(left[0].lower()) - ord(right[0].lower()))
        if order:
            return order
    return _sign(len(first_runs) - len(second_runs))


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def rule_nodes(
    cib_root: etree._Element, liveness: Mapping[str, NodeLiveness], now: datetime
) -> tuple[RuleNode, ...]:
    """Every node Pacemaker would evaluate a location rule on, in Pacemaker's node order."""
    builder = _NodeTableBuilder(cib_root, liveness, now)
    nodes = list(builder.build())
    nodes.sort(key=functools.cmp_to_key(lambda a, b: compare_node_names(a.name, b.name)))
    return tuple(nodes)


@dataclass
class _NodeEntry:
    name: str
    id: str
    kind: str
    score: int
    attributes: dict[str, str]
    xml: etree._Element | None


class _NodeTableBuilder:
    def __init__(
        self, cib_root: etree._Element, liveness: Mapping[str, NodeLiveness], now: datetime
    ) -> None:
        self._root = cib_root
        self._liveness = liveness
        self._now = now
        self._refs = ReferenceIndex(cib_root)
        self._dc_uuid = cib_root.get("dc-uuid")
        self._cluster_name = _cluster_property(cib_root, "cluster-name")

    def build(self) -> Iterator[RuleNode]:
        entries = self._configured_nodes()
        self._add_remote_nodes(entries)
        states = _node_states(self._root)
        for entry in entries:
            yield self._finish(entry, _state_for(entry, states))

    def _configured_nodes(self) -> list[_NodeEntry]:
        entries: list[_NodeEntry] = []
        for element in self._root.iterfind("configuration/nodes/node"):
            node_id, name = element.get("id"), element.get("uname")
            if node_id is None or name is None:
                continue
            kind = "remote" if (element.get("type") or "").lower() == "remote" else "cluster"
            entry = _NodeEntry(
                name, node_id, kind, char_to_score(element.get("score")), {}, element
            )
            self._add_attributes(entry, element, overwrite=False)
            entries.append(entry)
        return entries

    def _add_remote_nodes(self, entries: list[_NodeEntry]) -> None:
        known = {entry.name.lower(): entry for entry in entries}
        for name, kind, score in _remote_node_names(self._root):
            entry = known.get(name.lower())
            if entry is None:
                entry = _NodeEntry(name, name, "remote", score, {}, None)
                entries.append(entry)
                known[name.lower()] = entry
            if kind == "container":
                entry.kind = "container"
            entry.score = min(entry.score, score)

    def _finish(self, entry: _NodeEntry, state: etree._Element | None) -> RuleNode:
        node_live = self._liveness.get(entry.name)
        online = bool(node_live and node_live.online)
        base = entry.score
        if entry.kind == "cluster":
            if state is not None:
                self._add_attributes(entry, state.find("transient_attributes"), overwrite=True)
                if not online or (node_live is not None and node_live.shutdown):
                    base = -INFINITY
        elif _connection_was_up(node_live) and state is not None:
            self._add_attributes(entry, state.find("transient_attributes"), overwrite=True)
        attributes = {**entry.attributes, "#kind": entry.kind}
        return RuleNode(name=entry.name, attributes=attributes, base_score=base)

    def _add_attributes(
        self, entry: _NodeEntry, holder: etree._Element | None, *, overwrite: bool
    ) -> None:
        table = entry.attributes
        table["#uname"] = entry.name
        table["#id"] = entry.id
        is_dc = self._dc_uuid is not None and entry.id.lower() == self._dc_uuid.lower()
        table["#is_dc"] = "true" if is_dc else "false"
        if self._cluster_name is not None:
            table["#cluster-name"] = self._cluster_name
        if holder is not None:
            self._merge_sets(table, holder, overwrite)
        if "#site-name" not in table:
            site = table.get("site-name", self._cluster_name)
            if site is not None:
                table["#site-name"] = site

    def _merge_sets(self, table: dict[str, str], holder: etree._Element, overwrite: bool) -> None:
        context = RuleContext(now=self._now)
        for attribute_set in _sorted_sets(holder, self._refs):
            rules = [
                parse_rule(self._refs.resolve(r), self._refs)
                for r in attribute_set.iterchildren("rule")
            ]
            if rules and not any(rule_passes(rule, {}, context) for rule in rules):
                continue
            _merge_pairs(table, attribute_set, overwrite)


def _connection_was_up(node_live: NodeLiveness | None) -> bool:
    # Pacemaker reads a remote node's status entry only once its connection is known to be up;
    # crm_mon's "online" can still be false then (failed container), but anything running there
    # proves the entry was read.
    return node_live is not None and (node_live.online or node_live.resources_running > 0)


def _sorted_sets(holder: etree._Element, refs: ReferenceIndex) -> list[etree._Element]:
    # Pacemaker collects the sets in reverse document order, then sorts by score (highest first)
    # with a stable sort; "first value wins" then means the last set of equal score wins.
    sets = [refs.resolve(child) for child in holder.iterchildren("instance_attributes")]
    sets.reverse()
    sets.sort(key=lambda element: -char_to_score(element.get("score")))
    return sets


def _merge_pairs(table: dict[str, str], attribute_set: etree._Element, overwrite: bool) -> None:
    for pair in attribute_set.iterchildren("nvpair"):
        name, value = pair.get("name"), pair.get("value")
        if name is None or value is None:
            continue
        if value.lower() == "#default":
            table.pop(name, None)
        elif overwrite or name not in table:
            table[name] = value


def _state_for(
    entry: _NodeEntry, states: tuple[dict[str, etree._Element], dict[str, etree._Element]]
) -> etree._Element | None:
    by_id, by_name = states
    state = by_id.get(entry.id.lower())
    return state if state is not None else by_name.get(entry.name.lower())


def _node_states(
    cib_root: etree._Element,
) -> tuple[dict[str, etree._Element], dict[str, etree._Element]]:
    by_id: dict[str, etree._Element] = {}
    by_name: dict[str, etree._Element] = {}
    for state in cib_root.iterfind("status/node_state"):
        node_id, name = state.get("id"), state.get("uname")
        if node_id is None or name is None:
            continue
        by_id.setdefault(node_id.lower(), state)
        by_name.setdefault(name.lower(), state)
    return by_id, by_name


def _remote_node_names(cib_root: etree._Element) -> Iterator[tuple[str, str, int]]:
    """(name, kind, weight) of nodes that resources create: remote connections, guests, bundles."""
    resources = cib_root.find("configuration/resources")
    if resources is not None:
        for primitive in resources.iterfind(f"primitive{_REMOTE_CONNECTION}"):
            yield primitive.get("id", ""), "remote", 0
        # Guests: a remote-node meta attribute on a top-level primitive or a group member.
        for path in ("primitive", "group/primitive"):
            for pair in resources.iterfind(f"{path}/meta_attributes/nvpair[@name='remote-node']"):
                if pair.get("value"):
                    yield pair.get("value", ""), "container", 0
        for bundle in resources.iterfind("bundle"):
            yield from _bundle_node_names(bundle)
    yield from _orphaned_connections(cib_root, resources)


_REMOTE_CONNECTION = "[@class='ocf'][@provider='pacemaker'][@type='remote']"


def _bundle_node_names(bundle: etree._Element) -> Iterator[tuple[str, str, int]]:
    # A bundle with a resource inside and a usable network runs one guest node per replica,
    # "<bundle>-<n>", which Pacemaker weighs -INFINITY so nothing else lands there.
    network = bundle.find("network")
    has_network = network is not None and (
        network.get("ip-range-start") is not None or network.get("control-port") is not None
    )
    if bundle.find("primitive") is None or not has_network:
        return
    for index in range(_bundle_replicas(bundle)):
        yield f"{bundle.get('id', '')}-{index}", "container", -INFINITY


def _bundle_replicas(bundle: etree._Element) -> int:
    runtime = next((child for child in bundle if child.tag in ("docker", "podman", "rkt")), None)
    if runtime is None:
        return 1
    promoted_max = _min_int(runtime.get("promoted-max") or runtime.get("masters"), 0)
    replicas = runtime.get("replicas")
    if replicas is None and promoted_max > 0:
        return promoted_max
    return _min_int(replicas, 1)


def _min_int(text: str | None, minimum: int) -> int:
    try:
        return max(minimum, int(text)) if text is not None else minimum
    except ValueError:
        return minimum


def _orphaned_connections(
    cib_root: etree._Element, resources: etree._Element | None
) -> Iterator[tuple[str, str, int]]:
    # A remote connection still in the status section after its resource was removed keeps its
    # node alive in Pacemaker's node list (marked as shutting down).
    histories = list(
        cib_root.iterfind(f"status/node_state/lrm/lrm_resources/lrm_resource{_REMOTE_CONNECTION}")
    )
    if not histories:
        return
    configured = (
        {e.get("id") for e in resources.iter("primitive")} if resources is not None else set()
    )
    for entry in histories:
        if entry.get("id") not in configured:
            yield entry.get("id", ""), "remote", 0


def _cluster_property(cib_root: etree._Element, name: str) -> str | None:
    for pair in cib_root.iterfind("configuration/crm_config/cluster_property_set/nvpair"):
        if pair.get("name") == name:
            return pair.get("value")
    return None


__all__ = ["NodeLiveness", "RuleNode", "compare_node_names", "rule_nodes"]
