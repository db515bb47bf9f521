"""A byte budget for what one remote command may send: reading stops past it.

A node (or anything answering as one) could send gigabytes; hacon reads output in chunks and
counts them, so memory stays bounded whatever arrives.
"""

from __future__ import annotations

READ_CHUNK = 1 << 16
"""Bytes asked for per read: SSH windows are of this order, and a big CIB is a few MB."""


class OutputBudget:
    """How many more bytes one command may send (stdout and stderr together)."""

    class Exceeded(Exception):
        """More output than the budget allowed arrived."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def spend(self, count: int) -> None:
        """Count `count` bytes received.

        Raises:
            OutputBudget.Exceeded: the total is over the limit.
        """
        self.left -= count
        if self.left < 0:
            raise OutputBudget.Exceeded()
