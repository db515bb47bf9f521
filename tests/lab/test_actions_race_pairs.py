"""Two consoles race pairs of different actions that together would leave the VIP nowhere:

* move + ban: one console moves ClusterIP away from its holder (`hacon move ClusterIP`, which
  bans it there, as `crm_resource --move` without a node does), the other bans it from the peer;
  both landed = ClusterIP banned from both nodes.
* maintenance + standby: one console puts the holder in maintenance, the other the peer in
  standby; both landed = nothing could recover the VIP.
* disable + standby: one console puts the holder in standby, its preview promising that
  ClusterIP and OSIPS move to the peer; the other disables OSIPS, the service that must run
  with the VIP, forced and with its name typed (the outage the console's confirmation names).
  A disable is cluster-wide, so no disable strands the VIP only in company: a disable of the VIP
  (or of what it needs) strands it alone, which the guard refuses unless forced and typed. This
  is the pair that races in practice (a switchover while someone stops the service), and both
  landed = the holder in standby and OSIPS disabled: the VIP left without the service behind
  it, which the standby's operator was told would follow it. The standby alone is refused on
  a cluster with OSIPS disabled (the preview predicts OSIPS stopped).

Each action alone is allowed; both together are not: "unsafe" is a CIB afterwards with both
changes in it, read on the lab with cibadmin. Each console is hacon's own runner with its own
SSH connections, planning and previewing on its own node, and both commit at once: Pacemaker's
compare-and-swap (exit 103) makes the loser re-plan, and its guard or preview then refuses.

Between tries the configuration is put back as it was before the race (one `cibadmin --replace`
of the configuration section, only when something changed) and the lab waits until the VIP and
OSIPS run together, so each try starts converged with a known holder. `HACON_RACE_TRIES` sets
the tries per pair (50 by default).
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
from console.actions.catalog import spec_of
from console.actions.plans import ActionKind, ActionPlan
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
TRIES = int(os.environ.get("HACON_RACE_TRIES", "50"))


@dataclass(frozen=True)
class Pair:
    name: str
    first: Callable[[str, str], GuardedRequest]
    """(holder, peer) -> the first console's request."""
    second: Callable[[str, str], GuardedRequest]
    unsafe: Callable[[etree._Element, str, str], bool]
    """Whether the CIB afterwards holds both changes (holder, peer as before the try)."""


def _has(cib: etree._Element, xpath: str) -> bool:
    return bool(cib.xpath(xpath))


def _node_attribute(cib: etree._Element, node: str, name: str, value: str) -> bool:
    return _has(cib, f"configuration/nodes/node[@uname='{node}']/instance_attributes/"
                     f"nvpair[@name='{name}' and @value='{value}']")


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
         lambda cib, holder, peer: _node_attribute(cib, holder, "maintenance", "on")
         and _node_attribute(cib, peer, "standby", "on")),
    Pair("disable + standby",
         lambda holder, peer: GuardedRequest(ActionKind.STANDBY, node=holder),
         lambda holder, peer: GuardedRequest(ActionKind.DISABLE, resource="OSIPS", force=True),
         lambda cib, holder, peer: _node_attribute(cib, holder, "standby", "on")
         and _has(cib, "configuration/resources/primitive[@id='OSIPS']/meta_attributes/"
                       "nvpair[@name='target-role' and @value='Stopped']")),
]


class TypingOperator(RunEvents):
    """Confirms every plan; an outage or a fence by typing the name of what it acts on, as the
    console's confirmation asks (the CLI's --yes never skips it)."""

    async def confirm(self, plan: ActionPlan) -> str | None:
        typed = spec_of(plan.kind).target_of(plan) if plan.typed_confirmation else None
        if typed != plan.typed_confirmation:
            return f"typed {typed!r}, not {plan.typed_confirmation!r}"
        return None


async def _snapshot(cluster: SshCluster, lab: Lab, run_on: str) -> LiveSnapshot:
    async with ClusterPoller(cluster, lab.nodes, PollSettings(push=False)) as poller:
        live = await poller.next_snapshot()
    return replace(live, source_node=run_on)


async def _attempt(cluster: SshCluster, live: LiveSnapshot,
                   request: GuardedRequest) -> runner.RunReport:
    return await runner.run_request(request, live, cluster,
                                    RunSettings("lab", now=time.time()), TypingOperator())


def _word(report: runner.RunReport) -> str:
    if report.outcome is not None:
        return report.outcome.status.value
    return report.ending.value


def configuration(cib: etree._Element) -> bytes:
    """The configuration section, canonical (what the race may have changed)."""
    section = cib.find("configuration")
    assert section is not None
    return etree.tostring(section, method="c14n")


def undo(lab: Lab, cib: etree._Element, original: bytes) -> str:
    """The configuration as before the race again (one `cibadmin --replace` if it changed),
    then wait until the VIP and OSIPS run together; the holder."""
    if configuration(cib) != original:
        lab.exec(lab.nodes[0], ["cibadmin", "--replace", "--scope", "configuration",
                                "--xml-pipe"], input_text=original.decode(), check=True)
    return lab.wait(60)


def _refusals(reports: list[runner.RunReport], holder: str, peer: str) -> list[str]:
    """Why the losers were refused, the nodes named by their role."""
    return [report.message.replace(holder, "HOLDER").replace(peer, "PEER")
            for report in reports if not runner.done(report)]


async def race(lab: Lab, pair: Pair, tries: int,
               reasons: collections.Counter[str]) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    holder = lab.vip()[0]
    original = configuration(etree.fromstring(lab.cib(holder).encode()))
    async with SshCluster(lab.nodes, settings(lab)) as first, \
            SshCluster(lab.nodes, settings(lab)) as second:
        for _ in range(tries):
            peer = next(node for node in lab.nodes if node != holder)
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
            reasons.update(_refusals(reports, holder, peer))
            holder = await asyncio.to_thread(undo, lab, cib, original)
    return counts


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.name for pair in PAIRS])
def test_two_consoles_never_both_land_a_pair_that_leaves_the_vip_nowhere(
        healthy_lab: Lab, lab_figures: FigureRecorder, pair: Pair) -> None:
    started = time.monotonic()
    reasons: collections.Counter[str] = collections.Counter()
    counts = asyncio.run(race(healthy_lab, pair, TRIES, reasons))
    elapsed = time.monotonic() - started
    print(f"\n{pair.name}: {TRIES} tries in {elapsed:.0f} s: {dict(counts)}")
    print("\n".join(f"  {n} x refused: {reason}" for reason, n in reasons.most_common()))
    single = sum(n for key, n in counts.items() if key.count("done") == 1)
    lab_figures(f"race {pair.name}, {TRIES} tries: {counts['unsafe']} unsafe, {single} with "
                f"exactly one success, {counts['conflicts (exit 103)']} CAS conflicts "
                "(total time)", elapsed)
    assert counts["unsafe"] == 0
    assert sum(n for key, n in counts.items() if key.count("done") == 2) == 0
    assert single >= TRIES // 2  # the guards do not simply refuse everything
