"""Two consoles race pairs of different actions that together would leave the VIP nowhere:

* move + ban: one console moves ClusterIP away from its holder (`hacon move ClusterIP`, which
  bans it there, as `crm_resource --move` without a node does), the other bans it from the peer;
* maintenance + standby: one console puts the holder in maintenance, the other the peer in
  standby (then nothing could recover the VIP).

Each action alone is allowed; both together are not. Each console is hacon's own runner with
its own SSH connections, planning and previewing on its own node, and both commit at once:
Pacemaker's compare-and-swap (exit 103) makes the loser re-plan, and its guard or preview then
refuses. `HACON_RACE_TRIES` sets the tries per pair (10 by default; 50 for the figures).
"""

from __future__ import annotations

import asyncio
import collections
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from lxml import etree

from console.actions import runner
from console.actions.plans import ActionKind
from console.actions.requests import GuardedRequest
from console.actions.runner import Ending, RunEvents, RunSettings
from console.actions.upkeep import cib_time
from console.model.live.snapshot import LiveSnapshot
from console.transport.poller import ClusterPoller, PollSettings
from console.transport.ssh import SshCluster

from .fixtures import FigureRecorder
from .harness import Lab
from .test_actions_race import settings

pytestmark = pytest.mark.lab
TRIES = int(os.environ.get("HACON_RACE_TRIES", "10"))


@dataclass(frozen=True)
class Pair:
    name: str
    first: Callable[[str, str], GuardedRequest]
    """(holder, peer) -> the first console's request."""
    second: Callable[[str, str], GuardedRequest]
    unsafe: Callable[[etree._Element, str, str], bool]
    """Whether the CIB afterwards leaves the VIP nowhere (both actions landed)."""


def _has(cib: etree._Element, xpath: str) -> bool:
    return bool(cib.xpath(xpath))


PAIRS = [
    Pair("move + ban",
         lambda holder, peer: GuardedRequest(ActionKind.MOVE, resource="ClusterIP"),
         lambda holder, peer: GuardedRequest(ActionKind.BAN, resource="ClusterIP", node=peer),
         lambda cib, holder, peer: _has(cib, f"//rsc_location[@id='cli-ban-ClusterIP-on-{holder}']")
         and _has(cib, f"//rsc_location[@id='cli-ban-ClusterIP-on-{peer}']")),
    Pair("maintenance + standby",
         lambda holder, peer: GuardedRequest(ActionKind.MAINTENANCE_ON, node=holder,
                                             when=cib_time(time.time())),
         lambda holder, peer: GuardedRequest(ActionKind.STANDBY, node=peer),
         lambda cib, holder, peer: _has(
             cib, f"//node[@uname='{holder}']//nvpair[@name='maintenance' and @value='on']")
         and _has(cib, f"//node[@uname='{peer}']//nvpair[@name='standby' and @value='on']")),
]


async def _snapshot(cluster: SshCluster, lab: Lab, run_on: str) -> LiveSnapshot:
    async with ClusterPoller(cluster, lab.nodes, PollSettings(push=False)) as poller:
        live = await poller.next_snapshot()
    return replace(live, source_node=run_on)


async def _attempt(cluster: SshCluster, live: LiveSnapshot,
                   request: GuardedRequest) -> runner.RunReport:
    return await runner.run_request(request, live, cluster,
                                    RunSettings("lab", now=time.time()), RunEvents())


def _word(report: runner.RunReport) -> str:
    if report.outcome is not None:
        return report.outcome.status.value
    return report.ending.value


async def race(lab: Lab, pair: Pair, tries: int) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    holder = lab.vip()[0]
    peer = next(node for node in lab.nodes if node != holder)
    async with SshCluster(lab.nodes, settings(lab)) as first, \
            SshCluster(lab.nodes, settings(lab)) as second:
        for _ in range(tries):
            views = await asyncio.gather(_snapshot(first, lab, holder),
                                         _snapshot(second, lab, peer))
            reports = await asyncio.gather(
                _attempt(first, views[0], pair.first(holder, peer)),
                _attempt(second, views[1], pair.second(holder, peer)))
            cib = etree.fromstring(lab.cib(holder).encode())
            counts["unsafe"] += pair.unsafe(cib, holder, peer)
            counts[" + ".join(sorted(_word(report) for report in reports))] += 1
            counts["conflicts (exit 103)"] += sum(
                report.outcome.conflicts for report in reports if report.outcome is not None)
            counts["failed"] += sum(report.ending is Ending.FAILED for report in reports)
            await asyncio.to_thread(lab.restore)
            holder = lab.vip()[0]
            peer = next(node for node in lab.nodes if node != holder)
    return counts


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.name for pair in PAIRS])
def test_two_consoles_never_both_land_a_pair_that_leaves_the_vip_nowhere(
        healthy_lab: Lab, lab_figures: FigureRecorder, pair: Pair) -> None:
    started = time.monotonic()
    counts = asyncio.run(race(healthy_lab, pair, TRIES))
    elapsed = time.monotonic() - started
    print(f"\n{pair.name}: {TRIES} tries in {elapsed:.0f} s: {dict(counts)}")
    single = sum(n for key, n in counts.items() if key.count("done") == 1)
    lab_figures(f"race {pair.name}, {TRIES} tries: {counts['unsafe']} unsafe, {single} with "
                f"exactly one success, {counts['conflicts (exit 103)']} CAS conflicts "
                "(total time)", elapsed)
    assert counts["unsafe"] == 0
    assert sum(n for key, n in counts.items() if key.count("done") == 2) == 0
    assert single >= TRIES // 2  # the guards do not simply refuse everything
