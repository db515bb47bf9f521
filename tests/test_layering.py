"""The pure layers stay pure at run time, not only in import-linter's static view."""

from __future__ import annotations

import subprocess
import sys

import pytest

PURE_MODULES = [
    "console.model", "console.model.live.verdict", "console.model.live.export",
    "console.presentation.rows", "console.presentation.banner",
    "console.actions.guards", "console.actions.plans", "console.actions.requests",
    "console.actions.catalog", "console.actions.runbook", "console.actions.takeover",
]
FORBIDDEN_AT_RUNTIME = ["textual", "asyncssh", "rich"]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_loads_no_ui_and_no_ssh(module: str) -> None:
    probe = (
        f"import importlib, sys; importlib.import_module({module!r}); "
        f"print(','.join(m for m in {FORBIDDEN_AT_RUNTIME!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} pulled in {result.stdout.strip()}"
