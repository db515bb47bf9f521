"""Fail counts, read from the `fail-count-*` / `last-failure-*` node attributes.

Follows failcounts.c pe_get_failcount: the attributes are named `fail-count-RSC#OP_INTERVAL`
(per resource before feature set 3.0.13); anonymous clone instances count under the name
without `:N`; the values of all matching attributes are added (clamped at INFINITY).
"""

from __future__ import annotations

import re

from console.model.cib.runtime import NodeRt, Rsc
from console.model.cib.world import World
from console.model.types import INFINITY, score_to_int

_OP_SUFFIX = re.compile(r"#.+_[0-9]+$")
_INSTANCE = re.compile(r":[0-9]+$")


def _parse(name: str, prefix: str, legacy: bool) -> str | None:
    """The resource part of a failure attribute name, or None if it is not one."""
    if not name.startswith(prefix):
        return None
    rest = name[len(prefix):]
    if legacy:
        return rest if "#" not in rest else None
    match = _OP_SUFFIX.search(rest)
    if match is None:
        return None
    return rest[: match.start()]


def _index(world: World, node: NodeRt) -> dict[str, list[tuple[str, str]]]:
    """Per node: resource part -> [(kind, value)], built once per node (attrs are final)."""
    cached = world.fail_attrs.get(node.uname)
    if cached is not None:
        return cached
    index: dict[str, list[tuple[str, str]]] = {}
    for name, value in node.attrs.items():
        for kind, prefix in (("count", "fail-count-"), ("last", "last-failure-")):
            rsc_part = _parse(name, prefix, world.legacy_failcounts)
            if rsc_part is not None:
                index.setdefault(rsc_part, []).append((kind, value))
    world.fail_attrs[node.uname] = index
    return index


def has_failure_attributes(world: World, node: NodeRt) -> bool:
    """Whether the node has any fail-count / last-failure attribute at all."""
    return bool(_index(world, node))


def fail_name(rsc: Rsc) -> str:
    """rsc_fail_name: history name, without the instance number unless globally unique."""
    name = rsc.clone_name or rsc.id
    return name if rsc.unique else _INSTANCE.sub("", name)


def failcount(world: World, node: NodeRt, rsc: Rsc) -> tuple[int, int]:
    """(fail count, latest last-failure epoch) of rsc on node; expiry is not applied."""
    name = fail_name(rsc)
    index = _index(world, node)
    keys = [name] if rsc.unique else [key for key in index
                                      if key == name or _INSTANCE.sub("", key) == name]
    total, last = 0, 0
    for key in keys:
        for kind, value in index.get(key, []):
            if kind == "count":
                total = _add_scores(total, score_to_int(value) or 0)
            elif value.lstrip("-").isdigit():
                last = max(last, int(value))
    return total, last


def _add_scores(first: int, second: int) -> int:
    if first <= -INFINITY or second <= -INFINITY:
        return -INFINITY
    if first >= INFINITY or second >= INFINITY:
        return INFINITY
    return max(-INFINITY, min(INFINITY, first + second))
