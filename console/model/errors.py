"""Typed errors for input hacon cannot read, each with a one-line reason for people."""

from __future__ import annotations


class CibParseError(Exception):
    """The input is not a CIB hacon can read; `str(error)` is a one-line reason."""


class MalformedXmlError(CibParseError):
    """The bytes are not well-formed XML."""


class HostileXmlError(CibParseError):
    """The XML uses DTDs or entities (XXE, billion laughs): a CIB never does."""


class NotACibError(CibParseError):
    """Well-formed XML, but its root is not <cib> or a required section is missing."""


def describe(error: BaseException) -> str:
    """One line for an operator, never a traceback."""
    text = " ".join(str(error).split())
    return text or type(error).__name__
