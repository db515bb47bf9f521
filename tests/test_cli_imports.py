"""`hacon status` stays a quick command: it never loads the console's UI or SSH libraries."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources


def test_status_on_a_file_loads_neither_textual_nor_asyncssh() -> None:
    sample = str(resources.files("console").joinpath("data/sample-cib.xml"))
    probe = (
        "import sys, contextlib, io\n"
        "from console.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['status', '--cib-file', {sample!r}, '--json'])\n"
        "print(code, sorted(m for m in ('textual', 'asyncssh', 'rich') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "[]"], result.stdout
