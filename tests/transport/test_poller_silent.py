"""A node that goes silent (pulled cable, power loss) shows as unreachable without waiting for
its next round: the dropped connection is news at once."""

from __future__ import annotations

import time

from console.transport.local_server import LocalSshServer
from console.transport.poller import ClusterPoller, PollSettings
from console.transport.ssh import SshCluster
from tests.transport.poller_nodes import PacemakerNodes
from tests.transport.test_poller import NODES, cluster, next_where, pacemaker

__all__ = ["cluster", "pacemaker"]  # fixtures used by name below

NO_ROUNDS = PollSettings(interval=600.0, retry_interval=600.0, command_timeout=5.0, push=False)
"""No round after the first and no push channel: only the connection's state can tell."""


async def test_a_frozen_node_is_unreachable_from_its_keepalive_alone(
    cluster: SshCluster, pacemaker: PacemakerNodes
) -> None:
    server: LocalSshServer = cluster.server  # type: ignore[attr-defined]
    async with ClusterPoller(cluster, NODES, NO_ROUNDS) as poller:
        first = await poller.next_snapshot()
        assert first.views["node-b"].reachable
        server.freeze_node("node-b")
        silent_at = time.monotonic()
        down = await next_where(poller, lambda s: not s.views["node-b"].reachable, limit=20.0)
        noticed_after = time.monotonic() - silent_at
        server.thaw_node("node-b")
    assert "keepalive" in (down.views["node-b"].reason or "")
    assert down.views["node-a"].reachable
    assert noticed_after < 20.0  # the 5 s target is measured in tests/bench, not asserted here
