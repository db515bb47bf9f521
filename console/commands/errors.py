"""Errors a command reports to the operator as one line on stderr, with an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
"""The command ran but something went wrong that is not the operator's input."""
EXIT_BAD_INPUT = 2
"""The input (a file, an option) cannot be used: unreadable, not a CIB, hostile XML."""


class CommandError(Exception):
    """A problem the operator can act on; `str(error)` is the one-line reason."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code
