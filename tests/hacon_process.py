"""`hacon` as an operator runs it: `python -m console ARGS` in a subprocess, from the checkout."""

from __future__ import annotations

import subprocess
import sys

from tests.support.paths import REPO_ROOT


def hacon(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run hacon with `args`; its exit status, stdout and stderr (text). Never raises on failure."""
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
    )
