"""Text that is safe to print: nothing from the CIB may drive the operator's terminal."""

from __future__ import annotations

import json
import sys
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


def write_json(document: object) -> None:
    """Print a JSON document: indented for a person at a terminal, compact for scripts.

    Python's C encoder is used only without indent; on a big cluster's document it is several
    times faster, which `hacon status --json` in a monitoring loop notices.
    """
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(document, indent=indent, ensure_ascii=False))
    sys.stdout.write("\n")
