"""The transport's contract modules load without asyncssh: the executor and UI import them."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "console.transport",
        "console.transport.base",
        "console.transport.argv",
        "console.transport.batch",
    ],
)
def test_contract_module_does_not_load_asyncssh(module: str) -> None:
    probe = f"import importlib, sys; importlib.import_module({module!r}); print('asyncssh' in sys.modules)"
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "False"
