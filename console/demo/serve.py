"""`hacon demo`'s plumbing: the demo cluster served over real SSH on loopback.

This module is the only part of console.demo that touches the transport (and so asyncssh): it
starts one in-process SSH server per demo node (console.transport.local_server) answering from
the state machine, writes a throw-away ssh config, known_hosts and client key, and builds the
same SshCluster and ClusterPoller that `hacon --nodes` builds. Everything is undone on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from console.demo.cluster import DemoCluster, UnknownNode
from console.demo.config import SERVICE_PROCESS
from console.demo.handler import DemoHandler
from console.demo.scenarios import SCENARIOS, NoNodeRunning, start_in
from console.transport.client_poll import ClientProbeSettings
from console.transport.local_server import DropConnection, LocalSshServer
from console.transport.poller import ClusterPoller, PollSettings
from console.transport.probes import ServiceProbe
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings

POWER_CHECK_INTERVAL = 0.25
"""How often the servers follow the nodes' power (a dead node refuses connections)."""
CLIENT_PROBE_INTERVAL = 3.0
"""Client probes every 3 s: the demo's faults play out in seconds."""


@dataclass
class DemoControl:
    """What the console's demo menu can do: list and run the scripted faults."""

    cluster: DemoCluster
    poller: ClusterPoller

    def scenarios(self) -> list[tuple[str, str]]:
        """(name, title) of every scenario, in menu order."""
        return [(scenario.name, scenario.title) for scenario in SCENARIOS.values()]

    def run(self, name: str) -> str:
        """Run one scenario now; returns the sentence that says what to watch."""
        self.cluster.catch_up()
        try:
            sentence = SCENARIOS[name].run(self.cluster)
        except NoNodeRunning as refusal:
            return str(refusal)
        except UnknownNode as missing:
            return f"Not possible right now: node {missing} is not in any membership."
        self.poller.refresh_now()
        return sentence


@dataclass
class DemoRuntime:
    """A running demo: the cluster, its SSH servers, the client files and the poller."""

    cluster: DemoCluster
    server: LocalSshServer
    ssh: SshCluster
    poller: ClusterPoller
    control: DemoControl
    config_dir: Path
    opening_note: str | None


@contextlib.asynccontextmanager
async def running_demo(node_count: int = 2, scenario: str | None = None,
                       *, interval: float = 5.0,
                       probe_clients: bool = False) -> AsyncIterator[DemoRuntime]:
    """Start the demo cluster over SSH; stop everything and delete the files on exit.

    With `probe_clients`, the poller runs the client probes (ARP, SIP) on the demo nodes, never
    from the host: the demo's VIP is a documentation address nobody may contact.

    Raises:
        KeyError: unknown scenario name.
    """
    cluster = DemoCluster(node_count)
    note = start_in(cluster, scenario) if scenario else None
    handler = DemoHandler(cluster, node_down=lambda node: DropConnection(node))
    server = LocalSshServer(handler, cluster.node_names)
    config_dir = Path(tempfile.mkdtemp(prefix="hacon-demo-"))
    try:
        await server.start()
        files = server.write_client_files(config_dir)
        settings = SshSettings(config_files=(str(files.config),), use_agent=False,
                               connect_timeout=3.0, keepalive_interval=2.0,
                               backoff_initial=0.5, backoff_max=2.0)
        async with SshCluster(cluster.node_names, settings) as ssh:
            poll = PollSettings(interval=interval, retry_interval=1.0,
                                service=ServiceProbe("process", SERVICE_PROCESS),
                                clients=ClientProbeSettings(interval=CLIENT_PROBE_INTERVAL)
                                if probe_clients else None)
            poller = ClusterPoller(ssh, cluster.node_names, poll)
            follower = asyncio.create_task(_follow_power(cluster, server), name="demo power")
            try:
                yield DemoRuntime(cluster, server, ssh, poller, DemoControl(cluster, poller),
                                  config_dir, note)
            finally:
                follower.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await follower
                await poller.close()
    finally:
        await server.stop()
        shutil.rmtree(config_dir, ignore_errors=True)


async def _follow_power(cluster: DemoCluster, server: LocalSshServer) -> None:
    """Keep each node's SSH server up exactly while the node is powered on, and silent while
    its cable is pulled."""
    listening = dict.fromkeys(cluster.node_names, True)
    frozen: set[str] = set()
    while True:
        cluster.catch_up()
        for node in cluster.node_names:
            powered = cluster.reachable(node)
            if powered and not listening[node]:
                await server.start_node(node)
            elif listening[node] and not powered:
                await server.stop_node(node)
            listening[node] = powered
            _follow_cable(cluster, server, node, frozen)
        await asyncio.sleep(POWER_CHECK_INTERVAL)


def _follow_cable(cluster: DemoCluster, server: LocalSshServer, node: str,
                  frozen: set[str]) -> None:
    """A pulled cable makes the node silent (no reset, no refusal): only keepalives tell."""
    pulled = node in cluster.unplugged
    if pulled and node not in frozen:
        server.freeze_node(node)
        frozen.add(node)
    elif not pulled and node in frozen:
        server.thaw_node(node)
        frozen.discard(node)


async def run_demo_console(node_count: int = 2, scenario: str | None = None, *,
                           read_only: bool = False, theme: str | None = None,
                           probe_clients: bool = False) -> None:
    """`hacon demo`: the console on the demo cluster, until the operator quits."""
    from console.ui.demo_panel import DemoConsoleApp

    async with running_demo(node_count, scenario, probe_clients=probe_clients) as demo:
        app = DemoConsoleApp(demo.poller, demo.control, opening_note=demo.opening_note,
                             source_label=f"demo cluster ({node_count} nodes)",
                             runner=demo.ssh, read_only=read_only, theme=theme)
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGTERM, signal.SIGHUP):
            # A closed terminal or a kill: leave the console normally, so the servers stop and
            # the key and known_hosts files are deleted.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signal_number, app.exit)
        await app.run_async()
