"""`hacon`: the command line. Subcommands live in console/commands/, one module each.

Exit status: 0 success; 1 an unexpected failure inside hacon; 2 input hacon cannot use (missing
file, malformed or hostile XML, a document that is not a CIB, bad options); 130 interrupted.
Every failure is one line on stderr starting with "hacon: ", never a traceback (set
HACON_DEBUG=1 to get the traceback of an unexpected failure).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from console import __version__
from console.commands import COMMANDS, tui
from console.commands.actions import glue_negative_values
from console.commands.errors import EXIT_BAD_INPUT, EXIT_FAILURE, CommandError
from console.commands.placement import carry_console_options
from console.model.errors import CibParseError, describe
from console.model.text_safety import printable

EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="hacon",
        description="hacon: a keyboard-driven console for Pacemaker/Corosync clusters. "
        "Without a subcommand it opens the console (see the console options below).",
    )
    parser.add_argument("--version", action="version", version=f"hacon {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    tui.add_arguments(parser)
    parser.set_defaults(run=tui.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run hacon with the given arguments (default: sys.argv[1:]) and return the exit status."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(
        glue_negative_values(sys.argv[1:] if argv is None else argv))
    if unknown:
        # A subcommand may answer bad options its own way (`hacon check`: UNKNOWN, exit 3).
        report = getattr(args, "usage_error", parser.error)
        report(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        carry_console_options(args)
        exit_code: int = args.run(args)
    except CommandError as error:
        return _fail(str(error), error.exit_code)
    except CibParseError as error:
        return _fail(describe(error), EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader (head, less) went away: nothing left to say, and nowhere to say it.
        _silence_stdout()
        return EXIT_FAILURE
    except Exception as error:
        if os.environ.get("HACON_DEBUG"):
            raise
        return _fail(f"internal error: {describe(error)} (HACON_DEBUG=1 shows details)", 1)
    return exit_code


def _fail(message: str, exit_code: int) -> int:
    sys.stderr.write(f"hacon: {printable(' '.join(message.split()))}\n")
    return exit_code


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
