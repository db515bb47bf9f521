"""Inert text for Textual: what a node, a CIB, a theme file or the command line says is shown as
it is. Never markup (a resource called `OSIPS[/]` must not be read as a closing tag), never a raw
escape sequence or bidi override (`console.model.text_safety.printable` shows them escaped).

Every string that does not come from hacon's own source reaches a widget through here.
"""

from __future__ import annotations

from textual.content import Content
from textual.fuzzy import Matcher

from console.model.text_safety import printable, printable_lines


def inert(text: str) -> Content:
    """One line of foreign text as literal content."""
    return Content(printable(text))


def inert_lines(text: str) -> Content:
    """Foreign text that may span lines (an error output) as literal content."""
    return Content(printable_lines(text))


def highlighted(matcher: Matcher, text: str) -> Content:
    """A palette entry with the query's letters highlighted, never parsed as markup.

    (`Matcher.highlight` reads its candidate as markup.)
    """
    content = inert(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, content.plain)
    for offset in offsets:
        if not content.plain[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
