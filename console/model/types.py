"""Small value types shared by the whole model: the CIB version triple, scores and booleans."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from console.model.errors import NotACibError

if TYPE_CHECKING:
    from lxml import etree

INFINITY = 1_000_000
"""Pacemaker's INFINITY; scores are clamped to +/- this value (as `hacon status --json` does)."""

TRUE_WORDS = frozenset({"true", "on", "yes", "y", "1"})
"""Pacemaker's crm_is_true words (any case)."""
FALSE_WORDS = frozenset({"false", "off", "no", "n", "0"})
"""Their opposites: a word in neither set is not a boolean."""

VERSION_ATTRIBUTES = ("admin_epoch", "epoch", "num_updates")
"""The <cib> attributes of the version triple, in Pacemaker's comparison order."""



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


def cib_version(element: etree._Element) -> CibVersion:
    """The version triple on a <cib> element (or any element carrying those three attributes).

    Pacemaker's schema requires all three on every CIB, and a node's `cibadmin -Q -n` prints them
    all, so a missing or garbled one means the text is not a CIB hacon can read.

    Raises:
        NotACibError: an attribute is missing or holds something other than an integer.
    """
    try:
        return CibVersion(*(int(element.get(name, "")) for name in VERSION_ATTRIBUTES))
    except ValueError:
        raise NotACibError(f"not a CIB: <{element.tag}> has no valid "
                           "admin_epoch/epoch/num_updates") from None


def is_true(text: str | None) -> bool:
    """Pacemaker's crm_is_true: true, on, yes, y, 1 (any case, surrounding blanks ignored)."""
    return text is not None and text.strip().lower() in TRUE_WORDS


def parse_bool(text: str | None) -> bool | None:
    """A boolean word as True or False; None when the text is absent or not a boolean word."""
    if text is None:
        return None
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    return False if word in FALSE_WORDS else None


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
