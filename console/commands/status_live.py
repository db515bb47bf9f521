"""`hacon status --nodes a,b | --cluster NAME`: one look at a live cluster, every node's own view.

hacon connects to every node at once (OpenSSH config, `-J` jump host, known_hosts enforced),
takes one round of the poller (console.transport.poller) and prints the cluster as the freshest
quorate node sees it, preceded by what only comparing the nodes shows: unreachable nodes with
their reason, each node's DC/quorum/membership, and a red SPLIT BRAIN line when two partitions
run the VIP or the VIP is bound on two nodes' interfaces. Exit status 0 when some node gave its
CIB, 1 when none did, 2 for bad options or clusters.toml.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from console.commands.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, CommandError
from console.commands.status_partitions import (
    client_lines,
    doubt_text_lines,
    fenced_by_text,
    fencing_lines,
    partition_lines,
)
from console.commands.status_view import render_status
from console.commands.text import write_json
from console.config import ConfigError, config_path, load_config
from console.model.live.live_advisories import live_advisories
from console.model.live.export import live_status_document
from console.model.live.snapshot import LiveSnapshot, NodeView
from console.model.text_safety import printable
from console.presentation.advice_text import advisories_document

if TYPE_CHECKING:
    from console.transport.client_poll import ClientProbeSettings
    from console.transport.probes import ServiceProbe
    from console.transport.ssh import SshCluster

RED, RESET = "\x1b[1;31m", "\x1b[0m"


@dataclass(frozen=True, slots=True)
class Target:
    """Which nodes to reach, and how (from options, else clusters.toml)."""

    nodes: tuple[str, ...]
    ssh_config: tuple[str, ...] = ()
    jump: str | None = None
    user: str | None = None
    service: str | None = None
    service_process: str | None = None
    probe_clients: bool = False
    probe_from_host: bool = False
    sip_port: int = 5060
    sip_transport: str = "udp"


def add_arguments(parser: argparse.ArgumentParser, title: str = "live cluster") -> None:
    """The options that reach a live cluster (`hacon status` and the guarded actions)."""
    live = parser.add_argument_group(title)
    live.add_argument("--nodes", metavar="A,B[,C]", help="the cluster's nodes (ssh names)")
    live.add_argument("--cluster", metavar="NAME", help=f"a cluster of {config_path()}")
    live.add_argument("--ssh-config", action="append", default=[], metavar="FILE",
                      help="OpenSSH client config instead of ~/.ssh/config (repeatable)")
    live.add_argument("-J", "--jump", metavar="HOST", help="jump host, as `ssh -J`")
    live.add_argument("--user", metavar="USER", help="log in as USER (default: ssh config)")
    live.add_argument("--service", metavar="UNIT",
                      help="systemd unit colocated with the VIP, probed on every node")
    live.add_argument("--service-process", metavar="NAME",
                      help="or a process name to probe with pgrep -x (nodes without systemd)")
    add_client_arguments(live)


def add_client_arguments(group: argparse._ArgumentGroup) -> None:
    """The VIP as clients see it: ARP duplicate detection and a SIP OPTIONS (opt-in: it sends
    traffic on the LAN)."""
    group.add_argument("--probe-clients", action="store_true",
                       help="from every node: who answers ARP for each VIP (arping -D) and "
                            "whether the service answers SIP OPTIONS on it")
    group.add_argument("--probe-from-host", action="store_true",
                       help="also send the SIP OPTIONS from this host (VIP routable from here)")
    group.add_argument("--sip-port", type=int, default=5060, metavar="PORT",
                       help="the service's SIP port on the VIP (default 5060)")
    group.add_argument("--sip-transport", choices=("udp", "tcp"), default="udp",
                       help="the SIP probe's transport (default udp)")


def run(args: argparse.Namespace) -> int:
    """Take one snapshot of the live cluster and print it (text, or JSON with --json)."""
    target = resolve_target(args)
    import asyncio  # only when a cluster is really reached: `status --cib-file` never needs it

    snapshot = asyncio.run(take_snapshot(target))
    if args.json:
        document = live_status_document(snapshot)
        if snapshot.cluster is not None:  # what the console's Failures pane says, as JSON
            document["advisories"] = advisories_document(
                snapshot.cluster, live_advisories(snapshot, two_node=snapshot.two_node))
        write_json(document)
    else:
        sys.stdout.write(render_live(snapshot, color=sys.stdout.isatty()))
    return EXIT_OK if snapshot.cluster is not None else EXIT_FAILURE


def resolve_target(args: argparse.Namespace) -> Target:
    """Nodes and SSH settings from the options, filling gaps from clusters.toml."""
    if args.nodes and args.cluster:
        raise CommandError("give --nodes or --cluster, not both")
    if args.nodes:
        nodes = tuple(name.strip() for name in args.nodes.split(",") if name.strip())
        if not nodes:
            raise CommandError("--nodes needs at least one node name")
        return _with_client_options(Target(nodes, tuple(args.ssh_config), args.jump, args.user,
                                           args.service, args.service_process), args)
    try:
        config = load_config()
        if not args.cluster and not config.clusters:
            raise CommandError(f"status needs --cib-file FILE, --nodes A,B or --cluster NAME "
                               f"(no clusters in {config.source})")
        cluster = config.cluster(args.cluster)
    except ConfigError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    return _with_client_options(
        Target(cluster.nodes, tuple(args.ssh_config) or cluster.ssh_config,
               args.jump or cluster.jump, args.user or cluster.user,
               args.service or cluster.service, args.service_process or cluster.service_process),
        args)


def _with_client_options(target: Target, args: argparse.Namespace) -> Target:
    """The target with --probe-clients and its companions (absent on the action commands)."""
    return replace(target, probe_clients=bool(getattr(args, "probe_clients", False)),
                   probe_from_host=bool(getattr(args, "probe_from_host", False)),
                   sip_port=int(getattr(args, "sip_port", 5060)),
                   sip_transport=str(getattr(args, "sip_transport", "udp")))


def client_settings(target: Target) -> ClientProbeSettings | None:
    """The client probes `target` asks for, or None."""
    from console.transport.client_poll import ClientProbeSettings
    from console.transport.client_probes import SipSettings

    if not (target.probe_clients or target.probe_from_host):
        return None
    return ClientProbeSettings(SipSettings(target.sip_port, target.sip_transport),
                               from_host=target.probe_from_host)


async def take_snapshot(target: Target) -> LiveSnapshot:
    """Connect to every node concurrently and return the first full snapshot."""
    # Imported here: commands that never touch SSH do not pay for loading asyncssh.
    from console.transport.poller import ClusterPoller, PollSettings

    ssh_cluster, probe = build_ssh_cluster(target)
    # One round, no push channel; wait for every node's first answer (a dead node's connect
    # timeout ends its round), but not for a command that hangs.
    poll = PollSettings(push=False, command_timeout=10.0, first_snapshot_wait=30.0,
                        service=probe, clients=client_settings(target))
    async with (ssh_cluster as cluster,
                ClusterPoller(cluster, target.nodes, poll) as poller):
        return await poller.snapshot_with_clients()


def build_ssh_cluster(target: Target) -> tuple[SshCluster, ServiceProbe | None]:
    """The (not yet connected) SSH cluster of `target`, and its service probe if it has one.

    Serves `hacon status --nodes/--cluster` and the live console alike.

    Raises:
        CommandError: a malformed -J jump host (exit 2), said before any connection.
    """
    # Imported here: commands that never touch SSH do not pay for loading asyncssh.
    from console.transport.probes import ServiceProbe
    from console.transport.ssh import SshCluster
    from console.transport.ssh_config import SshSettings, parse_jump

    if target.jump:
        try:
            parse_jump(target.jump)
        except ValueError as error:
            raise CommandError(str(error), EXIT_BAD_INPUT) from error
    probe = (ServiceProbe("systemd", target.service) if target.service else
             ServiceProbe("process", target.service_process) if target.service_process else None)
    settings = SshSettings(config_files=target.ssh_config, jump=target.jump,
                           username=target.user)
    return SshCluster(target.nodes, settings), probe


def render_live(snapshot: LiveSnapshot, *, color: bool, now: float | None = None) -> str:
    """The live header (split brain first, then each node's view) and the cluster's status."""
    now = time.time() if now is None else now
    alarms = []
    if snapshot.split_brain:
        alarms.append("SPLIT BRAIN: " + _split_brain_detail(snapshot))
    alarms += doubt_text_lines(snapshot)
    lines = [f"{RED}{text}{RESET}" if color else text for text in alarms]
    source = printable(snapshot.source_node) if snapshot.source_node else "none"
    lines.append(f"Live: {snapshot.verdict.value}; cluster as {source} sees it")
    width = max(len(printable(name)) for name in snapshot.views) if snapshot.views else 0
    lines += [f"  {printable(name).ljust(width)}  {_node_text(snapshot, name, now)}"
              for name in sorted(snapshot.views)]
    lines += partition_lines(snapshot)
    body = render_status(snapshot.cluster, live_advisories(
        snapshot, two_node=snapshot.two_node)) if snapshot.cluster is not None else (
        "No node gave its CIB.\n")
    fencing = fencing_lines(snapshot) + client_lines(snapshot)
    return "\n".join(lines) + "\n" + body + "".join(line + "\n" for line in fencing)


def _node_text(snapshot: LiveSnapshot, name: str, now: float) -> str:
    text = _view_text(snapshot.views[name], now)
    fenced = fenced_by_text(snapshot, name)
    return f"{text}  {fenced}" if fenced else text


def _split_brain_detail(snapshot: LiveSnapshot) -> str:
    several = [f"{printable(vip_id)} bound on {', '.join(map(printable, truth.bound_on))}"
               for vip_id, truth in sorted(snapshot.vip_truth.items())
               if len(truth.bound_on) >= 2]
    partitions = " | ".join(", ".join(map(printable, part)) for part in snapshot.partitions)
    return "; ".join([*several, f"partitions: {partitions}"] if partitions else several) or (
        "two partitions each run the VIP")


def _view_text(view: NodeView, now: float) -> str:
    if not view.reachable:
        age = (f"; last answer {now - view.fetched_at:.0f} s ago"
               if view.fetched_at is not None else "")
        return f"UNREACHABLE: {printable(view.reason or 'no answer')}{age}"
    parts = [f"DC {printable(view.dc) if view.dc else '-'}",
             "quorate" if view.quorate else "NO QUORUM" if view.quorate is False else "quorum ?",
             f"sees {', '.join(map(printable, view.online)) or '-'}",
             f"CIB {view.cib_version or '?'}"]
    bound = [f"{printable(vip)} on {'/'.join(map(printable, ifaces))}"
             for vip, ifaces in sorted(view.vip_interfaces.items()) if ifaces]
    if bound:
        parts.append("holds " + ", ".join(bound))
    if view.service_running is not None:
        parts.append("service running" if view.service_running else "service NOT running")
    if view.stack_error:
        parts.append(f"problem: {printable(view.stack_error)}")
    return "  ".join(parts)

