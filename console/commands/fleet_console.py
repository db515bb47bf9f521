"""`hacon --all` (or `hacon` with several clusters in clusters.toml): the fleet overview.

Builds one SSH cluster and one poller per configured cluster, hands them to
`console.ui.fleet_app.FleetApp` through a FleetWatch, and closes them all when the operator
quits. The demo's fleet (`hacon demo --clusters N`) goes through `run_fleet_app` too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from console.commands.status_fleet import target_of
from console.commands.status_live import build_ssh_cluster
from console.commands.tui import Closer, RunnableApp, run_app_then_close
from console.config import ConsoleConfig

FLEET_POLL_INTERVAL = 10.0
"""Seconds between a node's idle rounds in the overview (a single cluster's console: 5 s).
Every change still arrives at once through each node's push channel; the timed round only
bounds the age of an idle cluster's data, and twice as many nodes cost twice the rounds.
Below the 15 s after which data is shown as stale."""

if TYPE_CHECKING:
    from console.notify import Notifier
    from console.transport.fleet import FleetWatch
    from console.ui.fleet_app import FleetMember
    from console.ui.source import ClusterSource


def run_fleet(config: ConsoleConfig, *, read_only: bool, theme: str | None) -> int:
    """Watch every cluster of `config` until the operator quits."""
    from console.transport.history_source import SshHistorySource, cache_key
    from console.transport.poller import ClusterPoller, PollSettings
    from console.ui.fleet_app import FleetMember

    members: dict[str, FleetMember] = {}
    closers: list[Closer] = []
    notifier = None
    if config.notify is not None:
        from console.notify import Notifier

        notifier = Notifier(config.notify)
    for name, cluster in config.clusters.items():
        target = target_of(cluster)
        ssh, probe = build_ssh_cluster(target)
        poller = ClusterPoller(ssh, target.nodes, PollSettings(
            interval=FLEET_POLL_INTERVAL, service=probe))
        members[name] = FleetMember(_observed(poller, name, notifier), ssh, f"cluster {name}",
                                    read_only or cluster.read_only,
                                    SshHistorySource(ssh, target.nodes,
                                                     cache_key(name, target.nodes)))
        closers += [poller.close, ssh.close]
    return run_fleet_app(members, closers=closers, theme=theme, notifier=notifier)


def _observed(source: ClusterSource, name: str, notifier: Notifier | None) -> ClusterSource:
    if notifier is None:
        return source
    from console.notify import ObservedSource

    return ObservedSource(source, name, notifier)


def run_fleet_app(members: Mapping[str, FleetMember], *, closers: Sequence[Closer] = (),
                  notifier: Notifier | None = None, **app_options: Any) -> int:
    """Run the fleet console over `members` until the operator quits, then close them; a
    `notifier`'s failures are shown in the console."""
    from console.ui.fleet_app import FleetApp

    def make_app() -> tuple[RunnableApp, Sequence[Closer]]:
        watch = fleet_watch(members)
        return FleetApp(watch, members, **app_options), (watch.close,)

    return run_app_then_close(make_app, notifier=notifier, closers=closers)


def fleet_watch(members: Mapping[str, FleetMember]) -> FleetWatch:
    """The watch over `members`: their snapshots, and their connections, which the overview
    watches loosely until a cluster is opened."""
    from console.transport.fleet import FleetWatch

    return FleetWatch({name: member.source for name, member in members.items()},
                      {name: member.runner for name, member in members.items()})
