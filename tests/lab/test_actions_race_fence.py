"""Two consoles race a fence of one node and a standby of the other, on the fencing lab.

Fencing is Pacemaker's own tool (`stonith_admin --reboot`), which writes nothing to the CIB; the
standby of the VIP holder, planned while the peer is being fenced, would still see the peer
online, and both landing leaves the VIP nowhere until the fenced node is back. hacon closes the
window through the CIB: just before stonith_admin runs, the fence commits a versioned patch that
marks the node (`hacon-fencing`), so whichever of the two commits second fails its
compare-and-swap (exit 103, or the version check before it) and is re-planned on a CIB that
shows the other: the standby sees the peer being fenced, the fence sees the holder in standby.

Each try reboots a node (~45 s with the restore), so CI runs 3 tries; HACON_FENCE_RACE_TRIES
sets more by hand. 0 unsafe outcomes, and no mark left behind, are required.
"""

from __future__ import annotations

import asyncio
import collections
import os
import time
from collections.abc import Awaitable
from typing import TypeVar

import pytest
from lxml import etree

from console.actions.plans import ActionKind
from console.actions.requests import GuardedRequest
from console.transport.ssh import SshCluster

from .fixtures import FigureRecorder
from .harness import Lab
from .test_actions_race import settings
from .test_actions_race_pairs import _attempt, _node_attribute, _snapshot, _word

pytestmark = pytest.mark.lab
T = TypeVar("T")
TRIES = int(os.environ.get("HACON_FENCE_RACE_TRIES", "3"))
MARK = "hacon-fencing"
HEAD_START_S = (0.0, 1.0, 0.5, 0.25, 0.75)
"""How long the fence starts before the standby, by try: with none the standby (one preview
less) lands first; with a head start the fence's mark does, so both orders are raced."""


async def _later(delay: float, step: Awaitable[T]) -> T:
    await asyncio.sleep(delay)
    return await step


async def race(lab: Lab, tries: int,
               refusals: collections.Counter[str]) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    async with SshCluster(lab.nodes, settings(lab)) as first, \
            SshCluster(lab.nodes, settings(lab)) as second:
        for attempt in range(tries):
            holder = await asyncio.to_thread(lab.restore)
            peer = next(node for node in lab.nodes if node != holder)
            views = await asyncio.gather(_snapshot(first, lab, holder),
                                         _snapshot(second, lab, holder))
            reports = await asyncio.gather(
                _later(HEAD_START_S[attempt % len(HEAD_START_S)],
                       _attempt(first, views[0], GuardedRequest(ActionKind.STANDBY, node=holder))),
                _attempt(second, views[1], GuardedRequest(ActionKind.FENCE, node=peer)))
            cib = etree.fromstring(lab.cib(holder).encode())
            fenced = lab.state.nodes[peer].init_pid is None
            counts["unsafe"] += _node_attribute(cib, holder, "standby", "on") and fenced
            counts[" + ".join(_word(report) for report in reports)] += 1
            counts["VIP nowhere right after"] += not lab.vip()
            counts["conflicts (exit 103)"] += sum(
                report.outcome.conflicts for report in reports if report.outcome is not None)
            refusals.update(report.message.replace(holder, "HOLDER").replace(peer, "PEER")
                            for report in reports if report.outcome is None
                            or report.outcome.status.value == "refused")
            counts["mark left"] += _mark_left(lab, holder, peer)
    return counts


def _mark_left(lab: Lab, holder: str, peer: str) -> bool:
    """Whether the peer still carries the fence's mark (then removed, for the next try)."""
    cib = etree.fromstring(lab.cib(holder).encode())
    if not cib.xpath(f"//node[@uname='{peer}']//nvpair[@name='{MARK}']"):
        return False
    for name in (MARK, f"{MARK}-by"):
        lab.exec(holder, ["crm_attribute", "--node", peer, "--name", name, "--delete"],
                 check=True)
    return True


def test_a_fence_and_a_standby_of_the_other_node_never_both_land(
        healthy_lab_fenced: Lab, lab_figures: FigureRecorder) -> None:
    started = time.monotonic()
    refusals: collections.Counter[str] = collections.Counter()
    counts = asyncio.run(race(healthy_lab_fenced, TRIES, refusals))
    elapsed = time.monotonic() - started
    print(f"\nfence + standby: {TRIES} tries in {elapsed:.0f} s: {dict(counts)}")
    print("\n".join(f"  {n} x refused: {reason}" for reason, n in refusals.most_common()))
    lab_figures(f"race fence + standby, {TRIES} tries: {counts['unsafe']} unsafe, "
                f"{counts['conflicts (exit 103)']} CAS conflicts (total time)", elapsed)
    assert counts["unsafe"] == 0
    assert counts["mark left"] == 0
    assert sum(n for key, n in counts.items() if key.count("done") == 1) >= TRIES // 2
