"""`hacon status --json` against the real lab, run as a user runs it: JSON on stdout, and not a
byte on stderr (no dependency's warning above the output a script reads)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.paths import REPO_ROOT

from .harness import Lab

pytestmark = pytest.mark.lab


def test_status_json_on_the_lab_writes_json_and_nothing_on_stderr(healthy_lab: Lab) -> None:
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONWARNINGS"}
    result = subprocess.run(
        [sys.executable, "-m", "console", "status", "--json", "--nodes",
         ",".join(healthy_lab.nodes), "--ssh-config", os.fspath(healthy_lab.files.ssh_config)],
        env=environment, capture_output=True, text=True, timeout=120, check=False, cwd=REPO_ROOT)
    assert (result.returncode, result.stderr) == (0, "")
    document = json.loads(result.stdout)
    assert document["vips"]["ClusterIP"]["holder_nodes"] == healthy_lab.vip()
