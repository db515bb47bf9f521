"""The doubt an unreachable node leaves, in words an operator reads in a hurry.

Shared by the console's banner, `hacon status` and the advisories, so all three say the same.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from console.model.live.snapshot import LiveSnapshot
from console.model.live.partitions import LastFacts


def clock(at: float | None) -> str:
    """Local time of day, "12:01:03" ("?" when unknown)."""
    return time.strftime("%H:%M:%S", time.localtime(at)) if at is not None else "?"


def held_text(live: LiveSnapshot, vip_ids: tuple[str, ...]) -> str:
    """The VIPs' addresses (their ids when an address is unknown), comma separated."""
    addresses = []
    for vip_id in vip_ids:
        truth = live.vip_truth.get(vip_id)
        addresses.append(truth.address if truth is not None and truth.address else vip_id)
    return ", ".join(addresses)


@dataclass(frozen=True, slots=True)
class DoubtLine:
    """One unreachable once-holder: `open` while it may still hold a VIP, else resolved."""

    node: str
    open: bool
    text: str


def doubt_lines(live: LiveSnapshot) -> list[DoubtLine]:
    """One sentence per unreachable node that held a VIP when last seen: doubt, or resolution."""
    return [DoubtLine(name, bool(facts.doubtful_vips), doubt_sentence(live, facts))
            for name, facts in sorted(live.last_facts.items())
            if facts.vips_held and not facts.in_partition]


def doubt_sentence(live: LiveSnapshot, facts: LastFacts) -> str:
    """"node-a unreachable since 12:01:03; it held 10.0.0.100 then; ..." """
    head = (f"{facts.node} unreachable since {clock(facts.seen_at)}; "
            f"it held {held_text(live, facts.vips_held)} then; ")
    if facts.fenced is not None:
        by = facts.fenced.delegate or facts.fenced.origin or "?"
        return head + (f"fenced by {by} at {clock(facts.fenced.completed_at)}: it no longer "
                       "holds it")
    if live.fencing.enabled is False:
        return head + "with fencing off it may still hold it: split brain cannot be ruled out"
    return head + ("it has not been fenced since, so it may still hold it: split brain cannot "
                   "be ruled out")
