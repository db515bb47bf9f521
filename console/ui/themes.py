"""Themes: `themes/*.toml` files -> `textual.theme.Theme`, plus hacon's semantic variables.

A theme file holds Textual's Theme fields and a `[variables]` table of semantic colours
(status-failed, node-standby, vip-holder, ...). Files are read from the installed package
(`console/themes`, the wheel), then the repository's `themes/` (editable installs), then the
user's `$XDG_CONFIG_HOME/hacon/themes/`; a later file of the same name wins. A broken file is
reported, never fatal. Every semantic variable also has a default derived from the base colours,
so Textual's built-in themes work too.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import platformdirs
from rich.style import Style
from textual.color import Color, ColorParseError
from textual.theme import Theme

import console
from console.ui.theme_fields import check_theme_fields

DEFAULT_THEME = "console-dark"
SEMANTIC_VARIABLES = (
    "status-started", "status-stopped", "status-failed", "status-unmanaged", "status-promoted",
    "node-online", "node-standby", "node-offline", "node-unclean", "vip-holder", "data-stale",
    "severity-critical", "severity-warning", "severity-info", "constraint-leftover",
    "banner-alert", "banner-alert-text", "key-greyed",
)
"""Every `$variable` hacon's TCSS and cell tones use; each has a default below."""


@dataclass(frozen=True, slots=True)
class ThemeLoadResult:
    """What the loader found: themes to register, and one line per file it refused."""

    loaded: tuple[Theme, ...]
    failed: tuple[str, ...]


def theme_dirs() -> list[Path]:
    """Where theme files are looked for, lowest priority first."""
    package_dir = Path(console.__file__).resolve().parent
    return [package_dir / "themes", package_dir.parent / "themes",
            platformdirs.user_config_path("hacon") / "themes"]


def load_themes(directories: list[Path] | None = None) -> ThemeLoadResult:
    """Read every `*.toml` theme; a later directory's theme replaces an earlier one's."""
    themes: dict[str, Theme] = {}
    failed: list[str] = []
    for directory in directories if directories is not None else theme_dirs():
        for path in sorted(directory.glob("*.toml")) if directory.is_dir() else ():
            try:
                theme = theme_from_file(path)
            except (OSError, ValueError, TypeError, ColorParseError, RecursionError) as error:
                # RecursionError: tomllib on absurdly nested arrays or tables.
                failed.append(f"{path}: {error}")
                continue
            themes[theme.name] = theme
    return ThemeLoadResult(tuple(themes.values()), tuple(failed))


def theme_from_file(path: Path) -> Theme:
    """Parse and validate one theme file.

    Raises:
        ValueError: bad TOML, unknown keys, or a field Textual could not use (the message
            names it).
    """
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    known = {f.name for f in fields(Theme)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown keys {', '.join(unknown)}")
    check_theme_fields(data)
    return Theme(**data)


def variable_defaults(theme: Theme) -> dict[str, str]:
    """Semantic colours derived from a theme's base colours (for themes that do not set them)."""
    base = theme.to_color_system().generate()
    background = Color.parse(base["background"])
    muted = Color.parse(base["foreground"]).blend(background, 0.45).hex
    return {
        "status-started": base["success"], "status-stopped": muted,
        "status-failed": base["error"], "status-unmanaged": base["warning"],
        "status-promoted": base["secondary"], "node-online": base["success"],
        "node-standby": base["warning"], "node-offline": base["error"],
        "node-unclean": base["error"], "vip-holder": base["accent"], "data-stale": muted,
        "severity-critical": base["error"], "severity-warning": base["warning"],
        "severity-info": base["secondary"], "constraint-leftover": base["accent"],
        "banner-alert": base["error-darken-2"] if theme.dark else base["error"],
        "banner-alert-text": Color.parse(base["error-darken-2"]).get_contrast_text(1.0).hex,
        "key-greyed": Color.parse(base["foreground"]).blend(
            Color.parse(base["panel"]), 0.6).hex,
    }


def tone_styles(theme_variables: dict[str, str]) -> dict[str, Style]:
    """Rich styles for cell tones, resolved from the current theme's variables."""
    styles: dict[str, Style] = {}
    for name in SEMANTIC_VARIABLES:
        try:
            styles[name] = Style(color=Color.parse(theme_variables[name]).rich_color)
        except (KeyError, ColorParseError):
            styles[name] = Style()
    return styles


def saved_theme_path() -> Path:
    """The file that remembers the operator's last theme choice."""
    return platformdirs.user_state_path("hacon") / "theme"


def read_saved_theme() -> str | None:
    """The remembered theme name, or None."""
    try:
        name = saved_theme_path().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name or None


def save_theme(name: str) -> None:
    """Remember the theme; a read-only home only loses the memory, never the session."""
    path = saved_theme_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name + "\n", encoding="utf-8")
    except OSError:
        pass
