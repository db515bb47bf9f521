"""The demo menu: key d lists the scripted faults; enter runs one, escape runs nothing."""

from __future__ import annotations

from console.ui.demo_panel import DemoConsoleApp, DemoMenuScreen
from tests.ui.fakes import ScriptedSource


class RecordingControl:
    """A demo control that records which scenarios ran."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def scenarios(self) -> list[tuple[str, str]]:
        return [("power-loss", "Power loss of the VIP holder"),
                ("split-brain", "Split brain: cut the network between the nodes")]

    def run(self, name: str) -> str:
        self.ran.append(name)
        return f"ran {name}"


def demo_app(control: RecordingControl) -> DemoConsoleApp:
    return DemoConsoleApp(ScriptedSource(), control, source_label="demo cluster",
                          theme="console-dark", remember_theme=False)


async def test_d_opens_the_menu_and_enter_runs_the_highlighted_fault() -> None:
    control = RecordingControl()
    app = demo_app(control)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, DemoMenuScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert control.ran == ["split-brain"]
        assert not isinstance(app.screen, DemoMenuScreen)


async def test_escape_closes_the_menu_without_running_anything() -> None:
    control = RecordingControl()
    app = demo_app(control)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("d")
        await pilot.press("escape")
        await pilot.pause()
        assert control.ran == []
        assert not isinstance(app.screen, DemoMenuScreen)


async def test_only_one_main_screen_is_pushed() -> None:
    """Textual calls every on_mount along the MRO: the demo app must not push a second one."""
    app = demo_app(RecordingControl())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert [type(screen).__name__ for screen in app.screen_stack[1:]] == ["MainScreen"]
