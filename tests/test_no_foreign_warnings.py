"""No hacon command prints a warning that is not its own.

A user's install may get newer dependencies than the ones in tests/constraints.txt, and one of
them deprecating something another still uses (cryptography's DSA warnings on importing asyncssh)
would put a screen of warnings above what the operator reads, and break every one-line error.
These run hacon as the user does, with Python's default warning filters.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT

IMPORT_EVERY_MODULE = """
import importlib, pkgutil
import console
for module in pkgutil.walk_packages(console.__path__, "console."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
"""


def _as_a_user_runs(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONWARNINGS"}
    return subprocess.run(argv, env=environment, capture_output=True, text=True, timeout=60,
                          check=False, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, **kwargs)


def test_every_module_imports_without_any_warning() -> None:
    result = _as_a_user_runs([sys.executable, "-W", "error", "-c", IMPORT_EVERY_MODULE])
    assert (result.returncode, result.stderr) == (0, "")


@pytest.fixture
def refusing_node(tmp_path: Path) -> Path:
    """An ssh config whose node-a is a closed port on loopback: SSH is loaded, then refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "ssh_config"
    config.write_text(f"Host node-a\n  HostName 127.0.0.1\n  Port {port}\n")
    return config


@pytest.mark.parametrize(
    ("argv", "stderr_starts"),
    [
        (["status", "--nodes", "node-a", "--json"], ""),
        (["status", "--nodes", "node-a"], ""),
        (["trust", "node-a"], "hacon: cannot get the host key: node-a: connection refused"),
        (["standby", "node-a", "--nodes", "node-a", "--yes"],
         "hacon: refused: no node gave its CIB"),
    ],
)
def test_commands_that_load_ssh_write_only_their_own_lines_to_stderr(
        refusing_node: Path, argv: list[str], stderr_starts: str) -> None:
    result = _as_a_user_runs([sys.executable, "-m", "console", *argv,
                              "--ssh-config", str(refusing_node)])
    assert len(result.stderr.splitlines()) == (1 if stderr_starts else 0), result.stderr
    assert result.stderr.startswith(stderr_starts)
    assert "connection refused" in result.stdout or stderr_starts
