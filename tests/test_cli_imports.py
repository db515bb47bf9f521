"""`hacon status` stays a quick command: it loads neither the console's UI, SSH, asyncio, nor
the machinery of the guarded actions (their import alone cost a third of a big CIB's run)."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources


def test_status_on_a_file_loads_only_what_it_uses() -> None:
    sample = str(resources.files("console").joinpath("data/sample-cib.xml"))
    probe = (
        "import sys, contextlib, io\n"
        "from console.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['status', '--cib-file', {sample!r}, '--json'])\n"
        "unused = ('textual', 'asyncssh', 'rich', 'asyncio', 'console.actions', 'console.actions.audit',"
        " 'console.demo.cluster', 'console.ui')\n"
        "print(code, sorted(m for m in unused if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "[]"], result.stdout
