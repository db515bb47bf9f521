"""Small value types shared by the whole model: the CIB version triple and score helpers."""

from __future__ import annotations

from typing import NamedTuple

INFINITY = 1_000_000
"""Pacemaker's INFINITY; scores are clamped to +/- this value (STATUS-JSON.md)."""


class CibVersion(NamedTuple):
    """The CIB version triple; tuples compare in Pacemaker's order (admin_epoch, epoch, num_updates)."""

    admin_epoch: int
    epoch: int
    num_updates: int

    def __str__(self) -> str:
        return f"{self.admin_epoch}.{self.epoch}.{self.num_updates}"

    @classmethod
    def parse(cls, text: str) -> CibVersion:
        """Parse "admin_epoch.epoch.num_updates" as printed by `str()`."""
        admin_epoch, epoch, num_updates = (int(part) for part in text.split("."))
        return cls(admin_epoch, epoch, num_updates)


def score_to_int(score: str | None) -> int | None:
    """Convert a Pacemaker score string to an int clamped to +/-INFINITY.

    Accepts "INFINITY", "+INFINITY", "-INFINITY", "inf", "-inf" and integers; returns None for
    None or an unparseable value (Pacemaker treats those as 0 with a warning; callers decide).
    """
    if score is None:
        return None
    text = score.strip().lower()
    if text in ("infinity", "+infinity", "inf", "+inf"):
        return INFINITY
    if text in ("-infinity", "-inf"):
        return -INFINITY
    try:
        value = int(text)
    except ValueError:
        return None
    return max(-INFINITY, min(INFINITY, value))
