"""Test-wide fixtures: a clean, deterministic environment for every test.

hypothesis is imported here, at collection, on purpose: its pytest plugin otherwise imports it
lazily in the terminal summary, and on CPython 3.11 that late assertion-rewriting compile
sometimes died with "SystemError: AST constructor recursion depth mismatch" after the asyncio
tests (reproduced with tests/transport/test_poller.py alone, 2 runs in 4).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import hypothesis  # noqa: F401
import pytest

from console.pacemaker_tools import find_tool, search_path

WARNINGS_AS_ERRORS = ("error,ignore::DeprecationWarning,ignore::PendingDeprecationWarning,"
                      "ignore::ImportWarning,ignore::ResourceWarning")
"""PYTHONWARNINGS for every process a test starts (hacon above all): each warning a user would
see on stderr (Python's default filters hide the other four kinds) becomes an error, so a
dependency release that makes hacon print one fails the suite instead of reaching a user."""


def pytest_configure(config: pytest.Config) -> None:
    """Pacemaker's tools are found where hacon finds them: PATH, then /usr/sbin and /sbin.

    An ordinary Debian user's PATH lacks /usr/sbin, where the packages put the CLI; every test
    that runs a tool by name (the crm_mon oracle, the case generator's cibadmin and pcs, the fake
    nodes' real tools) then finds it without root, as hacon's own local calls do.
    """
    os.environ["PATH"] = search_path()
    if find_tool("crm_simulate") is None:
        # The action screens' snapshot tests need crm_simulate and skip without it; syrupy would
        # then fail the run for their "unused" snapshots, which are not stale.
        config.option.warn_unused_snapshots = True


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """One summary line per test file and reason for skipped tests, not one per test function.

    Without Pacemaker's tools (or tmux) whole groups skip; pytest folds skips that share file,
    line and reason, so the line is left out: "SKIPPED [11] tests/x.py: crm_simulate is not ...".
    """
    outcome = yield
    report = outcome.get_result()
    if report.skipped and isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        path, _, reason = report.longrepr
        report.longrepr = (path, None, reason)


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
    monkeypatch.setenv("PYTHONWARNINGS", WARNINGS_AS_ERRORS)
