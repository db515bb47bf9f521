"""`hacon demo --clusters N`: several demo clusters at once, for the fleet overview.

Each demo cluster is a whole `running_demo` (its own state machine, SSH servers on loopback,
client files, SshCluster and poller), started in its own state so the overview has something
to sort: healthy sites, a node left in standby, a leftover ban, a split brain, ...
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from console.demo.serve import DemoRuntime, running_demo

SITES = ("ams", "fra", "lon", "par", "ber", "mad", "vie", "waw", "osl", "dub")
"""Site names for the demo clusters (`sip-ams`, `sip-fra`, ...), then numbered."""
STARTING_STATES: tuple[str | None, ...] = (None, "standby-left", "split-brain", "cli-ban",
                                           "service-failure", None)
"""The state each demo cluster starts in, in turn (None: healthy)."""


def demo_cluster_names(count: int) -> list[str]:
    """`sip-ams`, `sip-fra`, ... and `sip-11`, `sip-12` beyond the named sites."""
    return [f"sip-{SITES[index]}" if index < len(SITES) else f"sip-{index + 1}"
            for index in range(count)]


@contextlib.asynccontextmanager
async def running_demo_fleet(count: int, *, node_count: int = 2, interval: float = 5.0,
                             varied: bool = True) -> AsyncIterator[dict[str, DemoRuntime]]:
    """Start `count` demo clusters; stop them all on exit.

    Args:
        varied: start them in different states (else every one healthy).
    """
    async with contextlib.AsyncExitStack() as stack:
        runtimes: dict[str, DemoRuntime] = {}
        for index, name in enumerate(demo_cluster_names(count)):
            scenario = STARTING_STATES[index % len(STARTING_STATES)] if varied else None
            runtimes[name] = await stack.enter_async_context(
                running_demo(node_count, scenario, interval=interval))
        yield runtimes


async def run_demo_fleet_console(count: int, *, read_only: bool = False,
                                 theme: str | None = None) -> None:
    """`hacon demo --clusters N`: the fleet overview on N demo clusters, until the operator
    quits."""
    from console.ui.fleet_app import FleetApp, FleetMember

    from console.commands.fleet_console import FLEET_POLL_INTERVAL, fleet_watch

    async with running_demo_fleet(count, interval=FLEET_POLL_INTERVAL) as runtimes:
        members = {name: FleetMember(runtime.poller, runtime.ssh, f"demo {name}", read_only)
                   for name, runtime in runtimes.items()}
        watch = fleet_watch(members)
        try:
            await FleetApp(watch, members, theme=theme).run_async()
        finally:
            await watch.close()
