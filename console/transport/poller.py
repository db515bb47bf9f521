"""Watching a live cluster: every node's own view, pushed to the UI as immutable LiveSnapshots.

Per node, a loop runs one round at a time (rounds of a node never overlap): ONE SSH session
(`probes.round_commands`, framed by `batch.run_batch`) that reads the CIB version, and the whole
CIB only when the version changed, plus the node's membership, quorum, addresses and service.
(A round woken by a change splits that session in two concurrent ones, see `_round`.)
Nodes run their loops concurrently and independently, so a slow or dead node never holds up the
others' data: every finished round publishes a new snapshot.

Between rounds a node's loop sleeps `interval` seconds, unless woken: by `refresh_now()`, or by
the push channel, a long-lived `crm_mon` per node (probes.WATCH_SCRIPT) whose output moves on
every CIB change and every resource operation. A change anywhere wakes every node (the CIB is
replicated, and a VIP moves between nodes), so an idle cluster is polled slowly while a change
reaches the UI within one round. Wake-ups during a round are merged into one follow-up round.

The lxml parse of a changed CIB runs in a worker thread (`asyncio.to_thread`): a big CIB takes
~180 ms to parse and must not freeze the UI's event loop. Identical CIB bytes from several nodes
are parsed once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Self

from console.model.cluster import ClusterSnapshot
from console.model.live.node_view import (
    ProbeSection,
    Section,
    build_node_view,
    split_version_output,
)
from console.model.live.snapshot import LiveSnapshot, NodeView
from console.model.live.verdict import build_live_snapshot
from console.transport import argv as argvs
from console.transport import probes
from console.transport.base import (
    CommandResult,
    CommandRunner,
    FailureKind,
    NodeUnreachable,
    Unreachable,
)
from console.transport.batch import run_batch
from console.transport.cib_store import CibParser, CibStore
from console.transport.client_poll import ClientProbeSettings, ClientProber
from console.transport.client_probes import VipTarget, vip_targets
from console.transport.probes import ServiceProbe

def parse_whole_cib(data: bytes) -> ClusterSnapshot:
    """console.model.parse_cib, imported on first use (the poller's default parser)."""
    from console.model import parse_cib

    return parse_cib(data)


@dataclass(frozen=True, slots=True)
class PollSettings:
    """How often and how patiently to poll.

    Attributes:
        interval: seconds between a node's rounds when nothing wakes it (the push channel
            does, on every change, so this only bounds how stale an idle view may get).
        retry_interval: seconds before retrying a node that did not answer (the SSH layer
            backs off its reconnects on its own; a retry during backoff costs nothing).
        command_timeout: seconds one round's session may take on a node.
        first_snapshot_wait: the first snapshot waits for every node's first answer, but no
            longer than this; nodes still silent then are shown as "no answer yet".
        push: run the crm_mon push channel (off: poll only).
        watch_lifetime: the node ends each push-channel command after this long (so none
            outlives a vanished console by more); it is reopened at once.
        split_on_wake: a woken round runs the CIB read and the other probes in two concurrent
            sessions (faster change-to-snapshot); timed idle rounds always use one session.
        membership_interval: idle rounds re-read corosync's membership and quorum only this
            often (it is the costliest probe on the node). Rounds woken by the push channel,
            and rounds after a problem, always read it: a membership change makes Pacemaker
            write the CIB (node_state, then a DC election), which wakes the poller.
        service: the service probe, or None.
        clients: the client probes (ARP duplicate detection, SIP OPTIONS), or None.
    """

    interval: float = 5.0
    retry_interval: float = 2.0
    command_timeout: float = 10.0
    first_snapshot_wait: float = 3.0
    push: bool = True
    watch_lifetime: float = 900.0
    split_on_wake: bool = True
    membership_interval: float = 30.0
    service: ServiceProbe | None = None
    clients: ClientProbeSettings | None = None
    """Probe the VIPs as clients do (ARP, SIP); None: not probed."""


class ClusterPoller:
    """Polls every node and yields LiveSnapshots; one consumer of `snapshots()` at a time.

    Args:
        runner: runs commands on nodes (`ssh.SshCluster`, or a fake); if it has a `stream`
            method and `settings.push`, the push channel is used.
        nodes: node names, as the runner knows them.
        settings: intervals, timeouts, the service probe.
        clock: wall clock for `fetched_at` (injectable for tests).
        parser: CIB bytes -> ClusterSnapshot (console.model.parse_cib).
    """

    def __init__(
        self,
        runner: CommandRunner,
        nodes: Sequence[str],
        settings: PollSettings | None = None,
        *,
        clock: Callable[[], float] = time.time,
        parser: CibParser = parse_whole_cib,
    ) -> None:
        if not nodes:
            raise ValueError("no nodes to poll")
        self._runner = runner
        self._nodes = tuple(dict.fromkeys(nodes))
        self._settings = settings or PollSettings()
        self._clock = clock
        self._views: dict[str, NodeView] = {}
        self._membership: dict[str, tuple[float, Section]] = {}
        self._fencing: dict[str, Section] = {}
        self._cibs = CibStore(parser, len(self._nodes))
        self._wake = {node: asyncio.Event() for node in self._nodes}
        self._published = asyncio.Event()
        self._first_deadline: float | None = None
        self._latest: LiveSnapshot | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._listening = False
        self._clients = (ClientProber(runner, self._nodes, self._settings.clients,
                                      self._vip_targets, self._published, clock)
                         if self._settings.clients is not None else None)
        self.rounds: dict[str, int] = dict.fromkeys(self._nodes, 0)
        """Rounds finished per node (answered or not), for tests and benchmarks."""
        self.events: dict[str, int] = dict.fromkeys(self._nodes, 0)
        """Push-channel lines received per node."""

    @property
    def nodes(self) -> tuple[str, ...]:
        return self._nodes

    @property
    def latest(self) -> LiveSnapshot | None:
        """The newest snapshot built so far (None before the first)."""
        return self._latest

    def start(self) -> None:
        """Start the per-node loops (and push channels); idempotent."""
        if self._tasks:
            return
        self._first_deadline = time.monotonic() + self._settings.first_snapshot_wait
        for node in self._nodes:
            self._tasks.append(asyncio.create_task(self._node_loop(node), name=f"poll {node}"))
        if self._clients is not None:
            for name, loop in self._clients.coroutines():
                self._tasks.append(asyncio.create_task(loop, name=name))  # type: ignore[arg-type]
        listen = getattr(self._runner, "add_state_listener", None)
        if listen is not None and not self._listening:
            listen(self._connection_state)
            self._listening = True
        stream = getattr(self._runner, "stream", None)
        if self._settings.push and stream is not None:
            for node in self._nodes:
                self._tasks.append(
                    asyncio.create_task(self._watch_loop(node, stream), name=f"watch {node}")
                )

    def refresh_now(self) -> None:
        """Ask every node for a round now (merged with a round already under way)."""
        for event in self._wake.values():
            event.set()
        if self._clients is not None:
            self._clients.wake()

    async def close(self) -> None:
        """Stop every loop and push channel.

        Cancellation is repeated until every task has ended: a cancel that lands while a task
        is inside asyncssh's connect can be lost there (the connect then simply times out), and
        closing must not hang on it.
        """
        pending = set(self._tasks)
        self._tasks = []
        while pending:
            for task in pending:
                task.cancel()
            _, pending = await asyncio.wait(pending, timeout=0.5)

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def snapshots(self) -> AsyncIterator[LiveSnapshot]:
        """Every new snapshot; a consumer slower than the rounds gets the newest one only.

        The first one comes once every node answered (or failed) once, or after
        `first_snapshot_wait`, whichever is first.
        """
        self.start()
        while True:
            timeout = self._first_wait_left()
            try:
                await asyncio.wait_for(self._published.wait(), timeout)
            except TimeoutError:
                pass
            self._published.clear()
            if self._latest is None and self._first_wait_left() not in (None, 0.0):
                continue
            yield self._build()

    async def snapshot_with_clients(self, limit: float = 10.0) -> LiveSnapshot:
        """The first snapshot after every node's client probes ran once (a one-shot status
        with --probe-clients), or the newest one after `limit` seconds."""
        snapshot = await self.next_snapshot()
        if self._clients is None:
            return snapshot
        deadline = time.monotonic() + limit
        async for snapshot in self.snapshots():
            if self._clients.done or time.monotonic() > deadline:
                return snapshot
        raise RuntimeError("unreachable: snapshots() never ends")

    async def next_snapshot(self) -> LiveSnapshot:
        """The next snapshot (a one-shot `hacon status` takes the first)."""
        async for snapshot in self.snapshots():
            return snapshot
        raise RuntimeError("unreachable: snapshots() never ends")

    def _first_wait_left(self) -> float | None:
        """Seconds the first snapshot may still wait for silent nodes (None: not waiting)."""
        if self._latest is not None or all(node in self._views for node in self._nodes):
            return None
        deadline = self._first_deadline or time.monotonic()
        return max(0.0, deadline - time.monotonic())

    def _build(self) -> LiveSnapshot:
        views = {
            node: self._views.get(node)
            or NodeView(node=node, reachable=False, reason="no answer yet (connecting)")
            for node in self._nodes
        }
        previous_source = self._latest.source_node if self._latest is not None else None
        clients = self._clients.results() if self._clients is not None else None
        self._latest = build_live_snapshot(views, self._cibs.by_node, self._clock(),
                                           previous_source, clients)
        return self._latest

    def _vip_targets(self) -> tuple[VipTarget, ...]:
        """The VIPs to probe as clients, from the newest snapshot's CIB."""
        cluster = self._latest.cluster if self._latest is not None else None
        if cluster is None:
            return ()
        return vip_targets([(vip.id, vip.ip, vip.nic) for vip in cluster.vips.values()])

    # -- per-node loop ---------------------------------------------------------------------

    async def _node_loop(self, node: str) -> None:
        woken = False
        while True:
            self._wake[node].clear()
            answered = await self._round(node, split=woken and self._settings.split_on_wake)
            self.rounds[node] += 1
            self._published.set()
            pause = self._settings.interval if answered else self._settings.retry_interval
            try:
                await asyncio.wait_for(self._wake[node].wait(), pause)
                woken = True
            except TimeoutError:
                woken = False

    async def _round(self, node: str, *, split: bool = False) -> bool:
        """One round on `node`; records its view; False when the node did not answer.

        Normally one session. With `split` (a change was just announced), the version/CIB
        command and the other probes run in two concurrent sessions, so the new CIB is not
        kept waiting behind membership, address and service probes (~190 -> ~100 ms on the
        lab); an idle round keeps to one session, which is what an idle node pays for.
        """
        membership = split or self._membership_due(node)
        named = probes.round_commands(self._cibs.known_version(node), self._settings.service,
                                      membership=membership)
        groups = [named[:1], named[1:]] if split else [named]
        timeout = self._settings.command_timeout
        # Both sessions run to their end (each bounded by the timeout), so none is left behind.
        answers = await asyncio.gather(*(
            run_batch(self._runner, node, [argv for _, argv in group], timeout=timeout)
            for group in groups), return_exceptions=True)
        for answer in answers:
            if isinstance(answer, NodeUnreachable):
                self._mark_unreachable(node, answer.reason)
                return False
            if isinstance(answer, BaseException):
                raise answer
        results = [result for answer in answers
                   if not isinstance(answer, BaseException) for result in answer]
        fetched_at = self._clock()
        sections, cib_error = await self._sections(node, named, results)
        self._keep_membership(node, sections)
        view = build_node_view(node, sections, fetched_at, cib=self._cibs.get(node))
        self._views[node] = self._cibs.settle_view(node, view, cib_error)
        return True

    def _membership_due(self, node: str) -> bool:
        """Whether an idle round must read membership (none kept, too old, or a problem)."""
        kept, view = self._membership.get(node), self._views.get(node)
        if kept is None or view is None or not view.reachable or view.stack_error:
            return True
        return time.monotonic() - kept[0] >= self._settings.membership_interval

    def _keep_membership(self, node: str, sections: dict[ProbeSection, Section]) -> None:
        """Remember a fresh membership (and fence history) answer; lend the kept one to a
        round that had none."""
        if ProbeSection.MEMBERSHIP in sections:
            self._membership[node] = (time.monotonic(), sections[ProbeSection.MEMBERSHIP])
            if ProbeSection.FENCING in sections:
                self._fencing[node] = sections[ProbeSection.FENCING]
        elif node in self._membership:
            sections[ProbeSection.MEMBERSHIP] = self._membership[node][1]
            if node in self._fencing:
                sections[ProbeSection.FENCING] = self._fencing[node]

    async def _sections(
        self,
        node: str,
        named: Sequence[tuple[ProbeSection, Sequence[str]]],
        results: Sequence[CommandResult],
    ) -> tuple[dict[ProbeSection, Section], str | None]:
        sections: dict[ProbeSection, Section] = {}
        cib_error = None
        for (name, _), result in zip(named, results):
            stdout = result.stdout
            if name == ProbeSection.VERSION and result.ok:
                stdout, whole = split_version_output(stdout)
                if whole is not None:
                    cib_error = await self._cibs.store(node, whole)
            sections[name] = Section(
                name,
                stdout.decode("utf-8", "replace"),
                result.stderr.decode("utf-8", "replace"),
                result.exit_status,
            )
        return sections, cib_error

    def _connection_state(self, node: str, state: object) -> None:
        """A connection that dropped (keepalive expired, peer gone) is news at once: the node's
        next round may be seconds away, and a silent node must show within 5 s."""
        if (node in self._wake and isinstance(state, Unreachable)
                and state.kind is FailureKind.DROPPED):
            self._mark_unreachable(node, state.reason)
            self._published.set()

    def _mark_unreachable(self, node: str, reason: str) -> None:
        """Keep the node's last view, marked unreachable with its reason and old fetched_at."""
        last = self._views.get(node)
        self._views[node] = (
            replace(last, reachable=False, reason=reason)
            if last is not None
            else NodeView(node=node, reachable=False, reason=reason)
        )

    # -- push channel ----------------------------------------------------------------------

    async def _watch_loop(self, node: str, stream: Callable[..., Any]) -> None:
        """Keep one crm_mon feed open on `node`; every line it prints wakes every node."""
        delay = 1.0
        while True:
            opened = time.monotonic()
            try:
                async with stream(
                    node, argvs.watch_changes(), max_lifetime=self._settings.watch_lifetime
                ) as lines:
                    async for line in lines:
                        if probes.is_change(line):
                            self.events[node] += 1
                            self.refresh_now()
            except (NodeUnreachable, OSError):
                pass  # the rounds report the node's state; the feed only wakes them
            # A feed that lived long was fine (its lifetime ended); one that died at once is
            # failing (node down, crm_mon missing): back off, and let the rounds report why.
            delay = 1.0 if time.monotonic() - opened > 30 else min(delay * 2, 30.0)
            self.refresh_now()  # whatever changed while no feed was open is caught now
            await asyncio.sleep(delay)
