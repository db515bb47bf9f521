"""Console options written before a subcommand (`hacon --cluster ro standby node-a`).

The top-level parser owns the console's options, so argparse stores `--cluster ro` there and
the subcommand would look at its own, empty, `--cluster` and fall back to the default cluster:
the wrong cluster, with identical node names, and without `ro`'s read_only. Here each such
option is handed to the subcommand when it takes the same option, and refused (exit 2) when it
does not or when both places name different values. A command never acts on a cluster that the
command line did not name.
"""

from __future__ import annotations

import argparse

from console.commands.errors import EXIT_BAD_INPUT, CommandError

CARRIED = (
    ("tui_cib_file", "cib_file", "--cib-file"),
    ("tui_nodes", "nodes", "--nodes"),
    ("tui_cluster", "cluster", "--cluster"),
    ("tui_jump", "jump", "-J/--jump"),
    ("tui_ssh_config", "ssh_config", "--ssh-config"),
)
"""(console option's dest, the subcommand's dest, how the operator wrote it)."""

THEMED_COMMANDS = frozenset({"demo"})
"""Subcommands that open a console and so use --theme."""


def carry_console_options(args: argparse.Namespace) -> None:
    """Move console options given before the subcommand into the subcommand's own.

    Raises:
        CommandError: (exit 2) an option the subcommand cannot honour, or given twice.
    """
    command = getattr(args, "command", None)
    if command is None:
        return
    for console_dest, command_dest, flag in CARRIED:
        value = getattr(args, console_dest, None)
        if value:
            _carry(args, command, value, command_dest, flag)
    if getattr(args, "tui_theme", None) and command not in THEMED_COMMANDS:
        raise CommandError(f"--theme applies to the console only, not to `hacon {command}`",
                           EXIT_BAD_INPUT)


def _carry(args: argparse.Namespace, command: str, value: object, dest: str,
           flag: str) -> None:
    if not hasattr(args, dest):
        raise CommandError(f"`hacon {command}` does not take {flag}; nothing was done",
                           EXIT_BAD_INPUT)
    own = getattr(args, dest)
    if isinstance(value, list):
        setattr(args, dest, [*value, *own])
        return
    if own and own != value:
        raise CommandError(f"{flag} given twice ({value} before `{command}`, {own} after it); "
                           "nothing was done", EXIT_BAD_INPUT)
    setattr(args, dest, value)
