"""Every field of a theme file checked before Textual sees it, each with a one-line reason.

Textual takes a `Theme` as given and fails later, deep in its colour system or its CSS parser,
and takes the console down with it. A theme file is the operator's (or a colleague's) text:
here each field must have the type and the form Textual can use, else the file is refused with
a reason naming the field, and the console starts with its other themes.
"""

from __future__ import annotations

import math
import re
from typing import Any

from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS

COLOUR_FIELDS = ("primary", "secondary", "warning", "error", "success", "accent",
                 "foreground", "background", "surface", "panel", "boost")
FLAG_FIELDS = ("dark", "ansi")
FRACTION_FIELDS = ("luminosity_spread", "text_alpha")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
"""A theme name: it is shown in the palette and the notices, and typed after --theme."""
VARIABLE_NAME = re.compile(r"[a-z][a-z0-9-]{0,63}")
"""What a TCSS `$variable` may be called."""
PERCENT = re.compile(r"\d{1,3}%")


class ThemeFieldError(ValueError):
    """A theme field Textual cannot use; the message names the field."""


def check_theme_fields(data: dict[str, Any]) -> None:
    """Refuse the first field of a parsed theme file that Textual could not use.

    Raises:
        ThemeFieldError: the field and what is wrong with it.
    """
    name = data.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ThemeFieldError("name: must be a word of letters, digits, '-', '_' or '.'")
    if not isinstance(data.get("primary"), str):
        raise ThemeFieldError("primary: a theme needs a primary colour (a string)")
    for key in COLOUR_FIELDS:
        if data.get(key) is not None:
            _check_colour(key, data[key])
    for key in FLAG_FIELDS:
        if key in data and not isinstance(data[key], bool):
            raise ThemeFieldError(f"{key}: must be true or false")
    for key in FRACTION_FIELDS:
        if key in data:
            _check_fraction(key, data[key])
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFieldError("variables: must be a table of name = \"value\"")
    for key, value in variables.items():
        _check_variable(key, value)


def _check_colour(key: str, value: object) -> None:
    if not isinstance(value, str):
        raise ThemeFieldError(f"{key}: a colour must be a string")
    try:
        Color.parse(value)
    except ColorParseError as error:
        raise ThemeFieldError(f"{key}: {error}") from None


def _check_fraction(key: str, value: object) -> None:
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or not 0 <= value <= 1):
        raise ThemeFieldError(f"{key}: must be a number from 0 to 1")


def _check_variable(key: object, value: object) -> None:
    if not isinstance(key, str) or not VARIABLE_NAME.fullmatch(key):
        raise ThemeFieldError(f"variables: {key!r} is not a usable variable name")
    where = f"variables.{key}"
    if not isinstance(value, str):
        raise ThemeFieldError(f"{where}: must be a string")
    if "style" in key:  # Textual's text-style variables: "bold", "not underline", "b reverse"
        if not value.split() or not set(value.split()) <= VALID_STYLE_FLAGS:
            raise ThemeFieldError(f"{where}: {value!r} is not a text style "
                                  f"({', '.join(sorted(VALID_STYLE_FLAGS))})")
        return
    colour, _, alpha = value.partition(" ")  # "#00ff00 50%" as Textual's own themes write it
    if alpha and not PERCENT.fullmatch(alpha):
        raise ThemeFieldError(f"{where}: {value!r} is not a colour")
    _check_colour(where, colour)
