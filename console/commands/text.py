"""Text that is safe to print: nothing from the CIB may drive the operator's terminal."""

from __future__ import annotations

import unicodedata

# Control characters (C0, C1, DEL), format characters (bidi overrides, zero-width joiners) and
# line/paragraph separators could move the cursor, recolour the terminal or reorder a line.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def printable(text: str) -> str:
    """Text with every unsafe character shown as an escape (``\\x1b``, ``\\u202e``)."""
    if text.isprintable():
        return text
    return "".join(_escape(char) for char in text)


def _escape(char: str) -> str:
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
