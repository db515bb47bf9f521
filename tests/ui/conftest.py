"""UI test fixtures: UTC for clock text, and an app factory over scripted snapshots."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from console.model.live.snapshot import LiveSnapshot
from console.ui.app import ConsoleApp
from tests.support.console_app import AppFactory
from tests.ui.fakes import FixedClock, ScriptedSource


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Event times print in UTC whatever the machine's zone, so snapshots are stable."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def make_app() -> AppFactory:
    """ConsoleApp over scripted snapshots with a fixed clock and an explicit theme."""

    def factory(*snapshots: LiveSnapshot, theme: str = "console-dark",
                label: str | None = "cluster sipcluster", **kwargs: object) -> ConsoleApp:
        source = kwargs.pop("source", None) or ScriptedSource(snapshots)
        clock = kwargs.pop("clock", None) or FixedClock()
        return ConsoleApp(source, source_label=label, theme=theme, clock=clock,  # type: ignore[arg-type]
                          remember_theme=bool(kwargs.pop("remember_theme", False)), **kwargs)

    return factory
