"""`hacon demo`: for now the status of the sample cluster shipped with hacon.

The interactive demo cluster replaces this module's `run` when the console (TUI) arrives; the
README's set-up command already calls `hacon demo`, so it keeps working across that change.
"""

from __future__ import annotations

import argparse

from console.commands.errors import EXIT_OK
from console.commands.sources import sample_cib, snapshot_of
from console.commands.status import print_status


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `hacon demo` to the command line."""
    parser = subparsers.add_parser(
        "demo", help="show hacon on a sample two-node OpenSIPS cluster (no cluster needed)"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON contract instead")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the status of the sample CIB."""
    print_status(snapshot_of(sample_cib()), as_json=bool(getattr(args, "json", False)))
    return EXIT_OK
