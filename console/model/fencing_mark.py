"""hacon's fencing mark: a permanent node attribute saying "hacon is fencing this node" (pure).

`stonith_admin --reboot` writes nothing to the CIB, so on its own a fence has no compare-and-swap
with another console's patch. Before it runs, hacon writes two permanent attributes into the
target's `instance_attributes` by a versioned patch: `hacon-fencing` (when, ISO 8601 UTC) and
`hacon-fencing-by` (the node that asked). A patch planned on the CIB without the mark then fails
with exit 103, and its re-plan sees the node as unavailable. Pacemaker's scheduler ignores
attributes that no rule names, so the mark moves nothing. hacon removes it once the fence is
verified or has failed; a mark older than `STALE_AFTER_S` is a leftover of a console that
stopped half-way: it is ignored and shown as an advisory, so it never pins the cluster.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from console.model.cluster import Node
from console.model.constraints.dates import parse_iso_datetime
from console.model.text_safety import shell_word

MARK_ATTRIBUTE = "hacon-fencing"
"""When hacon started fencing the node (ISO 8601, UTC)."""
BY_ATTRIBUTE = "hacon-fencing-by"
"""The node that runs the fencing (stonith_admin's node)."""
STALE_AFTER_S = 120.0
"""A mark this old is a leftover: the fence command (30 s at most) and its verification (15 s)
have long ended, with a wide margin for a slow console or clock skew."""


@dataclass(frozen=True, slots=True)
class FencingMark:
    """One node's fencing mark."""

    node: str
    since: datetime | None
    """When the fence began; None when the value is unreadable (then it counts as stale)."""
    by: str

    def age_s(self, now: float) -> float | None:
        """Seconds since the fence began, or None when unknown."""
        return None if self.since is None else now - self.since.timestamp()

    def fresh(self, now: float) -> bool:
        """Whether the fence may still be under way (a mark from the future counts too)."""
        age = self.age_s(now)
        return age is not None and age <= STALE_AFTER_S

    def words(self) -> str:
        """"being fenced by hacon (since 12:03:04, from node-b)"."""
        when = f"since {self.since:%H:%M:%S}" if self.since else "since an unreadable time"
        return f"being fenced by hacon ({when}, from {self.by or 'an unknown node'})"


def fencing_mark_of(node: Node) -> FencingMark | None:
    """The node's fencing mark, or None."""
    value = node.attributes.get(MARK_ATTRIBUTE)
    if value is None:
        return None
    return FencingMark(node.name, parse_iso_datetime(value), node.attributes.get(BY_ATTRIBUTE, ""))


def fresh_mark(node: Node, now: float | None = None) -> FencingMark | None:
    """The node's fencing mark when a fence may still be under way at `now` (the wall clock by
    default: a mark's age is a wall-clock fact), else None."""
    mark = fencing_mark_of(node)
    moment = time.time() if now is None else now
    return mark if mark is not None and mark.fresh(moment) else None


def mark_value(at: datetime) -> str:
    """The `hacon-fencing` value for a fence begun at `at` (UTC)."""
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def clear_command(node: str) -> str:
    """The command an operator runs to remove a leftover mark by hand (an empty value removes
    a node attribute in pcs)."""
    return f"pcs node attribute {shell_word(node)} {MARK_ATTRIBUTE}= {BY_ATTRIBUTE}="
