"""Text that is safe to show: nothing from a node, a CIB or a file may drive a terminal.

A node name, a resource id, an SSH server's disconnect reason or a tool's stderr line can carry
escape sequences (recolour the terminal, set its title, move the cursor) and bidi overrides
(reorder a line so it reads as something else). Every such string passes through `printable`
before it becomes text on screen or in a report: the character stays visible, as an escape.
`json_inert` does the same for a JSON document while keeping the data exact.

Pure: the model, the presentation, the command line and the console all use it.
"""

from __future__ import annotations

import re
import shlex
import unicodedata

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
"""Control characters (C0, C1, DEL), format characters (bidi marks, embeddings, overrides and
isolates, zero-width joiners), line/paragraph separators and lone surrogates."""

_NOT_PLAIN_ASCII = re.compile(r"[^\x20-\x7e]")
"""Everything a fast scan must look at; printable ASCII is always safe."""


def is_unsafe(char: str) -> bool:
    """Whether `char` could drive a terminal or reorder the line it sits in."""
    return unicodedata.category(char) in UNSAFE_CATEGORIES


def printable(text: str) -> str:
    """Text with every unsafe character shown as an escape (``\\x1b``, ``\\u202e``)."""
    if text.isprintable():
        return text
    return "".join(_escaped(char) for char in text)


def printable_lines(text: str) -> str:
    """Like `printable`, but line breaks stay line breaks (multi-line error text)."""
    return "\n".join(printable(line) for line in text.split("\n"))


def shell_word(text: str) -> str:
    """An id as an operator would type it in a shell (quoted when it needs to be: `'a b'`,
    `'x;y'`), shown escaped: a command hacon suggests is safe to copy and paste."""
    return printable(shlex.quote(text))


def _escaped(char: str) -> str:
    if not is_unsafe(char):
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_inert(document_text: str) -> str:
    """A JSON text with every unsafe character written as a ``\\u`` escape.

    JSON itself escapes only C0; DEL, C1 and the bidi/format characters would otherwise reach
    the terminal raw. Outside strings JSON is plain ASCII, so every unsafe character found is
    inside a string, where its escape decodes to the same character: the data stays exact.
    """
    if document_text.isascii() and "\x7f" not in document_text:
        return document_text  # the usual CIB: both checks run at memory speed, a regex does not
    return _NOT_PLAIN_ASCII.sub(_json_escape, document_text)


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\n" or not is_unsafe(char):  # newlines here are the indentation's own
        return char
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # beyond the BMP JSON spells the UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
