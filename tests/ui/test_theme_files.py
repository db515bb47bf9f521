"""A broken theme file is a notice naming the file, never a console that does not start.

Each field is checked before Textual sees it: 0.1 handed `luminosity_spread = "abc"`, a
variable Textual's CSS cannot use, or `variables.foo = 5` straight to Textual, which crashed.
"""

from __future__ import annotations

import platformdirs
import pytest

from console.ui.themes import load_themes
from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.ui.waiting import until_shown

GOOD = 'name = "bad"\nprimary = "#ff0000"\n'
BROKEN = {
    "spread-not-a-number": GOOD + 'luminosity_spread = "abc"\n',
    "alpha-out-of-range": GOOD + "text_alpha = 7\n",
    "dark-not-a-flag": GOOD + 'dark = "yes"\n',
    "variable-not-a-string": GOOD + "[variables]\nfoo = 5\n",
    "variable-bad-css-colour": GOOD + '[variables]\nfooter-key-foreground = "red; x"\n',
    "variable-bad-text-style": GOOD + '[variables]\nblock-cursor-text-style = "shouty"\n',
    "variable-bad-name": GOOD + '[variables]\n"x y" = "#ffffff"\n',
    "variables-not-a-table": GOOD + 'variables = "none"\n',
    "name-with-markup": 'name = "[/]x"\nprimary = "#ff0000"\n',
    "deeply-nested": GOOD + "x = " + "[" * 5000 + "]" * 5000 + "\n",
}


def write_theme(text: str) -> None:
    theme_dir = platformdirs.user_config_path("hacon") / "themes"
    theme_dir.mkdir(parents=True, exist_ok=True)
    (theme_dir / "bad.toml").write_text(text)


@pytest.mark.parametrize("case", sorted(BROKEN))
async def test_a_broken_theme_is_a_notice_and_the_console_runs(
        case: str, make_app: AppFactory) -> None:
    write_theme(BROKEN[case])
    app = make_app(b.live(), theme="bad")
    async with app.run_test(size=(100, 30)) as pilot:
        await until_shown(pilot)
        said = [n.message for n in app._notifications]
        assert any("bad.toml" in message for message in said), said
        assert app.theme == "console-dark" and app.is_running


def test_a_theme_with_textual_variables_and_styles_still_loads() -> None:
    write_theme(GOOD + '[variables]\nfooter-key-foreground = "#00ff00 50%"\n'
                'block-cursor-text-style = "not bold"\nstatus-failed = "red"\n')
    result = load_themes([platformdirs.user_config_path("hacon") / "themes"])
    assert result.failed == () and [theme.name for theme in result.loaded] == ["bad"]
