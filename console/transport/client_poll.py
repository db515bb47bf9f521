"""The client probes' own loops: ARP and SIP from every node, SIP from the host, apart from the
poll rounds (an `arping -D` waits up to a second for an answer; rounds must not wait with it).

Each node probes every `interval` seconds, and at once when the poller is woken by a change
(a failover is exactly when clients may be left behind). Results are kept per node and handed
to the snapshot as `ClientProbes`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from console.model.live.client_view import (
    ClientProbes,
    NodeClientProbe,
    ProbeOutput,
    SipAnswer,
    parse_sip_probe,
    probe_from_sections,
)
from console.transport.base import CommandRunner, NodeUnreachable
from console.transport.batch import run_batch
from console.transport.client_probes import (
    SipSettings,
    VipTarget,
    client_commands,
    host_sip_probe,
)


@dataclass(frozen=True, slots=True)
class ClientProbeSettings:
    """Whether and how to probe the VIPs as clients do (`hacon status --probe-clients`)."""

    sip: SipSettings = SipSettings()
    interval: float = 10.0
    from_host: bool = False
    """Also send the SIP OPTIONS from this host (only where the VIP is routable from here)."""


class ClientProber:
    """Runs the client probes on every node (and the host) and keeps the newest results."""

    def __init__(self, runner: CommandRunner, nodes: Sequence[str],
                 settings: ClientProbeSettings, targets: Callable[[], tuple[VipTarget, ...]],
                 published: asyncio.Event, clock: Callable[[], float]) -> None:
        self._runner = runner
        self._nodes = tuple(nodes)
        self._settings = settings
        self._targets = targets
        self._published = published
        self._clock = clock
        self._nodes_found: dict[str, NodeClientProbe] = {}
        self._host_found: dict[str, SipAnswer] = {}
        self._wake = asyncio.Event()
        self._tried: set[str] = set()

    @property
    def done(self) -> bool:
        """Every node (and the host, if it probes) tried at least once (for a one-shot)."""
        expected = set(self._nodes) | ({"host"} if self._settings.from_host else set())
        return expected <= self._tried

    def results(self) -> ClientProbes:
        return ClientProbes(dict(self._nodes_found), dict(self._host_found))

    def wake(self) -> None:
        self._wake.set()

    def coroutines(self) -> list[tuple[str, object]]:
        """(task name, coroutine) for every loop to run."""
        loops: list[tuple[str, object]] = [(f"clients {node}", self._node_loop(node))
                                           for node in self._nodes]
        if self._settings.from_host:
            loops.append(("clients host", self._host_loop()))
        return loops

    async def _pause(self) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), self._settings.interval)
        except TimeoutError:
            pass
        await asyncio.sleep(0.5)  # let a burst of wake-ups settle into one probe
        self._wake.clear()

    async def _node_loop(self, node: str) -> None:
        while True:
            targets = self._targets()
            if not targets:  # no snapshot (so no VIP) yet: look again soon, not in `interval`
                await asyncio.sleep(0.2)
                continue
            await self._probe_node(node, targets)
            self._tried.add(node)
            self._published.set()
            await self._pause()

    async def _probe_node(self, node: str, targets: tuple[VipTarget, ...]) -> None:
        named = client_commands(targets, self._settings.sip)
        try:
            results = await run_batch(self._runner, node, [argv for _, argv in named],
                                      timeout=5.0 + 2 * len(targets))
        except NodeUnreachable:
            return  # its last results stay (its MACs are still its MACs); the snapshot uses
            # an unreachable node's links only, never its old ARP or SIP answers
        sections = {name: ProbeOutput(result.stdout.decode("utf-8", "replace"),
                                      result.stderr.decode("utf-8", "replace"),
                                      result.exit_status)
                    for (name, _), result in zip(named, results)}
        self._nodes_found[node] = probe_from_sections(sections, self._clock())
        self._published.set()

    async def _host_loop(self) -> None:
        while True:
            targets = self._targets()
            if not targets:
                await asyncio.sleep(0.2)
                continue
            for target in targets:
                output = await host_sip_probe(target, self._settings.sip)
                self._host_found[target.vip_id] = parse_sip_probe(output.decode("utf-8",
                                                                                "replace"))
            self._tried.add("host")
            self._published.set()
            await self._pause()
