"""Test-wide fixtures: a clean, deterministic environment for every test.

hypothesis is imported here, at collection, on purpose: its pytest plugin otherwise imports it
lazily in the terminal summary, and on CPython 3.11 that late assertion-rewriting compile
sometimes died with "SystemError: AST constructor recursion depth mismatch" after the asyncio
tests (reproduced with tests/transport/test_poller.py alone, 2 runs in 4).
"""

from __future__ import annotations

from pathlib import Path

import hypothesis  # noqa: F401
import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user config, theme, known_hosts or colour switches leak into a test."""
    for name in ("NO_COLOR", "TEXTUAL_THEME", "SSH_AUTH_SOCK", "CIB_file"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
