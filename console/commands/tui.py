"""`hacon [--cib-file FILE | --nodes a,b | --cluster NAME]`: open the console (the TUI).

This module only chooses and builds the source and hands it to `console.ui.app.ConsoleApp`:
  --cib-file FILE      read-only, on any CIB, a pe-input (bz2 too), a crm_report's cib.xml;
  --nodes a,b          live, over SSH (OpenSSH config, -J jump host), every node's own view;
  --cluster NAME       a cluster from clusters.toml (console.config);
  nothing              the default cluster of clusters.toml, else a screen that says how to
                       write one (without a terminal: the sample status, as before).
`run_console()` is the one place that runs the app and closes the source afterwards; the demo
(`hacon demo`) uses it too.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from console.commands.errors import EXIT_BAD_INPUT, EXIT_OK, CommandError
from console.commands.sources import read_cib_file
from console.commands.status_live import Target, build_ssh_cluster
from console.config import ConfigError, ConsoleConfig, NotifyConfig, config_path, load_config

if TYPE_CHECKING:
    from console.notify import Notifier
    from console.ui.source import ClusterSource

Closer = Callable[[], Awaitable[None]]


class RunnableApp(Protocol):
    """What the commands need of a Textual app (Textual itself is imported by the ui only)."""

    async def run_async(self) -> Any: ...

    def notify(self, message: str, *, title: str, severity: Any, timeout: float) -> None: ...


SETUP_HELP = """hacon has no cluster to show.

Open the console on a live cluster (SSH to every node, your ~/.ssh/config applies):

    hacon --nodes node-a,node-b
    hacon --nodes node-a,node-b --ssh-config ~/.ssh/cluster.conf -J bastion.example.net

or read-only on a CIB file (cibadmin --query > cib.xml, a pe-input-N.bz2, a crm_report's cib.xml):

    hacon --cib-file cib.xml

or try it on the demo cluster (no cluster, no root needed):

    hacon demo

To make `hacon` alone open your cluster, describe it in
    {config_path}
for example:

    default = "lab"
    [clusters.lab]
    nodes = ["node-a", "node-b"]
    # jump = "bastion.example.net"      ssh_config = ["~/.ssh/cluster.conf"]
    # service = "opensips"              read_only = true

then run `hacon` or `hacon --cluster lab`.

Press q to quit."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The console's options on the top-level parser (dests prefixed: no clash with subcommands)."""
    group = parser.add_argument_group("console (when no COMMAND is given)")
    source = group.add_mutually_exclusive_group()
    source.add_argument("--cib-file", dest="tui_cib_file", type=Path, metavar="FILE",
                        help="open the console read-only on a CIB file (plain or .bz2)")
    source.add_argument("--nodes", dest="tui_nodes", metavar="A,B",
                        help="open the console on these nodes over SSH")
    source.add_argument("--cluster", dest="tui_cluster", metavar="NAME",
                        help="open the console on a cluster named in clusters.toml")
    source.add_argument("--all", dest="tui_all", action="store_true",
                        help="open the overview of every cluster in clusters.toml (also what "
                        "`hacon` alone opens when it lists several clusters)")
    group.add_argument("--ssh-config", dest="tui_ssh_config", action="append", default=[],
                       metavar="FILE", help="OpenSSH client config file (repeatable)")
    group.add_argument("-J", "--jump", dest="tui_jump", metavar="HOST",
                       help="jump host(s), like ssh -J ([user@]host[:port], comma separated)")
    group.add_argument("--probe-clients", dest="tui_probe_clients", action="store_true",
                       help="probe each VIP as clients do: ARP duplicate detection and SIP "
                            "OPTIONS from every node (sends traffic on the LAN)")
    group.add_argument("--read-only", dest="tui_read_only", action="store_true",
                       help="offer no action that changes the cluster")
    group.add_argument("--theme", dest="tui_theme", metavar="NAME",
                       help="colour theme (console-dark, console-light, high-contrast, ...)")


def run(args: argparse.Namespace) -> int:
    """Open the console on the source the options (or clusters.toml) name."""
    if args.tui_cib_file is not None:
        return _run_file(args, args.tui_cib_file)
    if args.tui_nodes:
        return _run_live(args, Target(tuple(_split_nodes(args.tui_nodes)),
                                      tuple(args.tui_ssh_config), args.tui_jump),
                         label=f"nodes {args.tui_nodes}", read_only=args.tui_read_only)
    config = _load_config()
    if getattr(args, "tui_all", False) or (not args.tui_cluster and len(config.clusters) > 1):
        return _run_fleet(args, config)
    if args.tui_cluster or config.clusters:
        try:
            cluster = config.cluster(args.tui_cluster)
        except ConfigError as error:
            raise CommandError(str(error), EXIT_BAD_INPUT) from None
        target = Target(cluster.nodes, tuple(args.tui_ssh_config) or cluster.ssh_config,
                        args.tui_jump or cluster.jump, cluster.user, cluster.service,
                        cluster.service_process)
        return _run_live(args, target, label=f"cluster {cluster.name}",
                         read_only=args.tui_read_only or cluster.read_only,
                         notify=config.notify, name=cluster.name)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        from console.commands import demo

        return demo.run(args)  # no terminal for a console: the sample status, as before
    # Textual is imported only when a console really opens: `hacon status` must stay fast.
    from console.ui.app import ConsoleApp

    app = ConsoleApp(None, theme=args.tui_theme,
                     setup_help=SETUP_HELP.format(config_path=config_path()))
    app.run()
    return EXIT_OK


def _run_fleet(args: argparse.Namespace, config: ConsoleConfig) -> int:
    if not config.clusters:
        raise CommandError(f"--all needs clusters in {config.source} ([clusters.NAME] tables)",
                           EXIT_BAD_INPUT)
    from console.commands.fleet_console import run_fleet

    return run_fleet(config, read_only=args.tui_read_only, theme=args.tui_theme)


def _load_config() -> ConsoleConfig:
    try:
        return load_config()
    except ConfigError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None


def _split_nodes(text: str) -> list[str]:
    nodes = [name.strip() for name in text.split(",") if name.strip()]
    if not nodes:
        raise CommandError("--nodes needs at least one node name (a,b)")
    return nodes


def _run_file(args: argparse.Namespace, path: Path) -> int:
    from console.transport.file_source import FileSource

    read_cib_file(path)  # a missing or unreadable file is one line on stderr, before any screen
    source = FileSource(path)
    source.load()  # a CIB that cannot be parsed fails here too (CibParseError -> exit 2)
    return run_console(source, label=source.label, read_only=True, theme=args.tui_theme)


def _run_live(args: argparse.Namespace, target: Target, *, label: str, read_only: bool,
              notify: NotifyConfig | None = None, name: str = "") -> int:
    """The console on live nodes: one SSH connection per node, the poller, every node's view
    (and the `[notify]` hook told about its changes, when clusters.toml has one)."""
    from console.transport.client_poll import ClientProbeSettings
    from console.transport.history_source import SshHistorySource, cache_key
    from console.transport.poller import ClusterPoller, PollSettings

    cluster, probe = build_ssh_cluster(target)
    clients = ClientProbeSettings() if getattr(args, "tui_probe_clients", False) else None
    poller = ClusterPoller(cluster, target.nodes, PollSettings(service=probe, clients=clients))
    source: ClusterSource = poller
    notifier = None
    if notify is not None:
        from console.notify import Notifier, ObservedSource

        notifier = Notifier(notify)
        source = ObservedSource(poller, name, notifier)

    async def close() -> None:
        await poller.close()
        await cluster.close()

    named = label.removeprefix("cluster ") if label.startswith("cluster ") else None
    history = SshHistorySource(cluster, target.nodes, cache_key(named, target.nodes))
    return run_console(source, label=label, read_only=read_only, theme=args.tui_theme,
                       closers=[close], runner=cluster, notifier=notifier, history=history)


def run_console(source: ClusterSource, *, label: str, read_only: bool, theme: str | None,
                closers: Sequence[Closer] = (), notifier: Notifier | None = None,
                **app_options: Any) -> int:
    """Run the console on `source` until the operator quits, then close what was opened.

    `app_options` go to `ConsoleApp` unchanged (the demo and the guarded actions add theirs).
    """
    from console.ui.app import ConsoleApp

    def make_app() -> tuple[RunnableApp, Sequence[Closer]]:
        return ConsoleApp(source, source_label=label, read_only=read_only, theme=theme,
                          **app_options), ()

    return run_app_then_close(make_app, notifier=notifier, closers=closers)


def run_app_then_close(make_app: Callable[[], tuple[RunnableApp, Sequence[Closer]]], *,
                       notifier: Notifier | None, closers: Sequence[Closer]) -> int:
    """Run the app `make_app` builds (inside the event loop, with what it opened), then close
    the notifier and every closer, however the app ended: connections never outlive the
    console. A `notifier`'s failures are shown in the app as toasts."""
    import asyncio

    async def main() -> None:
        app, opened = make_app()
        if notifier is not None:
            notifier.on_problem = lambda line: app.notify(line, title="notify",
                                                          severity="error", timeout=10)
        try:
            await app.run_async()
        finally:
            if notifier is not None:
                await notifier.close()
            for close in (*opened, *closers):
                await close()

    asyncio.run(main())
    return EXIT_OK
