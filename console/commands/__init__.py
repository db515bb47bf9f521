"""The `hacon` subcommands, one module each.

To add a subcommand, write a module here with a ``register(subparsers)`` function that adds its
parser and sets ``run`` (a function taking the parsed ``argparse.Namespace`` and returning the
exit code) with ``parser.set_defaults(run=...)``, then list the module in `COMMANDS`. Raise
`console.commands.errors.CommandError` for a problem the operator should read as one line.
"""

from __future__ import annotations

from types import ModuleType

from console.commands import actions, check, demo, history, status, switchover, trust

COMMANDS: tuple[ModuleType, ...] = (status, history, check, actions, switchover, trust,
                                     demo)
"""Subcommand modules, in the order `hacon --help` lists them."""
