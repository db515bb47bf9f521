"""The type of the `make_app` fixture (tests/ui/conftest.py): a ConsoleApp over given snapshots."""

from __future__ import annotations

from collections.abc import Callable

from console.ui.app import ConsoleApp

AppFactory = Callable[..., ConsoleApp]
