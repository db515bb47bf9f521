"""After a failover: when did clients first reach the new holder?

From a node that is not the new holder, every `PROBE_INTERVAL_S`: who answers ARP for the VIP
(`arping -D`) and whether SIP OPTIONS on the VIP answer. The first time the new holder's MAC
answers and the service answers is when clients on the LAN can reach it: "clients reached
node-b after 1.9 s". Runs beside the verification from the commit on, so the figure is not
delayed by the verification's own checks. Silent clusters or missing tools give a sentence,
never an error: this measures, it does not judge the action.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from console.model.live.client_view import parse_arping, parse_links, parse_sip_probe
from console.transport.base import CommandRunner, NodeUnreachable
from console.model.errors import CibParseError
from console.model.snapshot import parse_cib
from console.transport.client_probes import (
    SipSettings,
    VipTarget,
    arp_argv,
    sip_argv,
    vip_targets,
)

PROBE_INTERVAL_S = 0.2
SIP = SipSettings(timeout=0.5)


async def clients_reached(runner: CommandRunner, run_on: str, nodes: Sequence[str],
                          holder: str, vip_id: str, committed_at: float, limit: float) -> str:
    """"clients reached node-b after 1.9 s", or why that could not be told."""
    try:
        cib = parse_cib((await runner.run(run_on, ("cibadmin", "-Q"), timeout=10.0)).stdout)
    except (CibParseError, NodeUnreachable) as error:
        return f"clients: not probed (no CIB: {error})"
    vip = cib.vips.get(vip_id)
    targets = vip_targets([(vip.id, vip.ip, vip.nic)]) if vip is not None else ()
    probers = [node for node in (nodes or tuple(cib.nodes)) if node != holder]
    if not targets or not probers:
        return "clients: not probed (no VIP address or no other node to probe from)"
    target = targets[0]
    try:
        links = parse_links((await runner.run(holder, ("ip", "-o", "link"),
                                              timeout=5.0)).stdout.decode("utf-8", "replace"))
        return await _until_reached(runner, probers[0], holder, set(links.values()), target,
                                    committed_at, limit)
    except NodeUnreachable as error:
        return f"clients: not probed ({error.reason})"


async def _until_reached(runner: CommandRunner, prober: str, holder: str, macs: set[str],
                         target: VipTarget, committed_at: float, limit: float) -> str:
    while time.monotonic() < committed_at + limit:
        arp = await runner.run(prober, arp_argv(target), timeout=5.0)
        sip = await runner.run(prober, sip_argv(target, SIP), timeout=5.0)
        if 127 in (arp.exit_status, sip.exit_status):
            tool = "arping" if arp.exit_status == 127 else "python3"
            return f"clients: not probed ({tool} missing on {prober})"
        answered = set(parse_arping(arp.stdout.decode("utf-8", "replace")))
        if answered & macs and parse_sip_probe(sip.stdout.decode("utf-8", "replace")).answered:
            return f"clients reached {holder} after {time.monotonic() - committed_at:.1f} s"
        await asyncio.sleep(PROBE_INTERVAL_S)
    return f"clients did not reach {holder} within {limit:.0f} s (ARP and SIP from {prober})"
