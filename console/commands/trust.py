"""`hacon trust HOST`: check a node's SSH host key fingerprint, then trust it explicitly.

hacon never accepts an unknown host key by itself (neither does asyncssh). This shows the SHA256
fingerprint the host offers and, once the operator confirms (or passes `--yes`), appends the key
to the known_hosts file that OpenSSH and hacon read for that host. A host whose recorded key
differs is refused: remove the old key first, as with OpenSSH.
"""

from __future__ import annotations

import argparse
import sys

from console.commands.errors import EXIT_BAD_INPUT, CommandError
from console.model.text_safety import printable


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `hacon trust` to the command line."""
    parser = subparsers.add_parser(
        "trust",
        help="show a node's SSH host key fingerprint and add it to known_hosts on confirmation",
    )
    parser.add_argument("host", metavar="HOST", help="node name or ssh config Host alias")
    parser.add_argument(
        "--ssh-config", action="append", default=[], metavar="FILE",
        help="OpenSSH client config to use instead of ~/.ssh/config (repeatable)",
    )
    parser.add_argument(
        "-J", "--jump", metavar="HOST", help="reach HOST through this jump host, as `ssh -J`"
    )
    parser.add_argument(
        "-y", "--yes", action="store_true", help="trust without asking (after checking the key)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Fetch, show, confirm, record; exit 0 trusted, 1 declined, 2 unreachable or conflict."""
    # Imported here so that commands which never touch SSH do not pay for loading asyncssh.
    import asyncio

    from console.transport.ssh_config import SshSettings, parse_jump
    from console.transport.trust import trust_host

    if args.jump:
        try:
            parse_jump(args.jump)
        except ValueError as error:
            raise CommandError(str(error), EXIT_BAD_INPUT) from error
    settings = SshSettings(
        config_files=tuple(args.ssh_config), jump=args.jump or None
    )
    confirm = _yes if args.yes else _ask
    return asyncio.run(trust_host(args.host, settings, confirm=confirm, say=print,
                                  complain=_complain))


def _complain(reason: str) -> None:
    sys.stderr.write(f"hacon: {printable(reason)}\n")


def _yes(question: str) -> bool:
    return True


def _ask(question: str) -> bool:
    """Ask on stdout, read the answer from stdin (a pipe works too); EOF means no."""
    sys.stdout.write(question)
    sys.stdout.flush()
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        sys.stdout.write("\n")
    return answer.strip().lower() in ("y", "yes")
