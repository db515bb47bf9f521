"""`crm_simulate` on a demo node: the what-if preview of guarded actions.

The demo needs no Pacemaker, so it cannot schedule by itself: when this machine has the real
`crm_simulate`, a demo node runs it on the CIB it is given (`--xml-pipe`) or on its own
(`--live-check`); otherwise it answers as a node without the tool would (exit 127). Only the
read-only options a preview uses are accepted: nothing here writes a file or touches a cluster.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence

from console.pacemaker_tools import find_tool

Answer = tuple[int, bytes, bytes]
TOOL_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
SIMULATE_TIMEOUT_S = 60.0
PREVIEW_OPTIONS = frozenset({"-R", "--run", "-S", "--simulate", "-Q", "--quiet",
                             "--output-as=xml", "--output-as=text", "-s", "--show-scores"})
SOURCES = {"-p": "pipe", "--xml-pipe": "pipe", "-L": "live", "--live-check": "live"}


def crm_simulate(words: Sequence[str], stdin: bytes, live_cib: bytes) -> Answer:
    """Run the local crm_simulate for a preview, the CIB coming from stdin or the node."""
    sources = {SOURCES[word] for word in words if word in SOURCES}
    rest = [word for word in words if word not in SOURCES]
    if len(sources) != 1 or any(word not in PREVIEW_OPTIONS for word in rest):
        return 64, b"", (b"crm_simulate: the demo nodes run previews only: --xml-pipe or "
                         b"--live-check, with -R/-S, -s, -Q, --output-as=xml|text\n")
    binary = find_tool("crm_simulate")
    if binary is None:
        return 127, b"", b"sh: 1: crm_simulate: not found (Pacemaker is not installed here)\n"
    cib = stdin if sources == {"pipe"} else live_cib
    return _run(binary, rest, cib)


def _run(binary: str, options: list[str], cib: bytes) -> Answer:
    with tempfile.TemporaryDirectory(prefix="hacon-demo-sim-") as scratch:
        path = os.path.join(scratch, "cib.xml")
        with open(path, "wb") as handle:
            handle.write(cib)
        # crm_simulate writes (and deletes) a shadow CIB: keep it in the scratch directory,
        # not in /var/lib/pacemaker/cib, which a non-root demo user cannot write.
        env = {"PATH": TOOL_PATH, "LC_ALL": "C", "CIB_shadow_dir": scratch}
        try:
            result = subprocess.run([binary, "-x", path, *options], env=env, capture_output=True,
                                    timeout=SIMULATE_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            return 124, b"", b"crm_simulate: timed out\n"
        return result.returncode, result.stdout, result.stderr
