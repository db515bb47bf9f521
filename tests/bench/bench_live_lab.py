"""Shared set-up of the live benchmarks that run on the lab (not a benchmark itself).

`lab_for_bench()` attaches to a running lab (`--lab DIR` or $HACON_LAB) or brings up a fresh
2-node one and always takes it down again. `mask_root_home()` is the one knob that changes what
is measured, so it is explicit: on this VM root's ~/.bashrc runs `pyenv init` (~0.45 s, and a
lock that can stall a session for 60 s), and sshd runs every command through bash, which reads
~/.bashrc for SSH sessions on Debian. A cluster node has no such rc file; masking /root with a
tmpfs in each lab node's own mount namespace measures what a real node costs. Both ways are
reported.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.lab.harness import Lab
from tests.lab.settings import LabSettings


@contextlib.contextmanager
def lab_for_bench(state_dir: str | None, nodes: int = 2) -> Iterator[Lab]:
    """A running lab: the one at `state_dir`/$HACON_LAB, or a fresh one taken down afterwards."""
    existing = state_dir or os.environ.get("HACON_LAB")
    if existing:
        yield Lab.attach(Path(existing))
        return
    lab = Lab(LabSettings(nodes=nodes, state_dir=Path(f"/tmp/hacon-bench-{os.getpid()}")))
    lab.up()
    try:
        yield lab
    finally:
        lab.down()


def mask_root_home(lab: Lab) -> None:
    """Mount an empty tmpfs over /root inside every node (its own mount namespace only)."""
    for node in lab.powered():
        pid = lab.state.nodes[node].init_pid
        already = subprocess.run(["nsenter", "-t", str(pid), "-m", "sh", "-c",
                                  "grep -q ' /root tmpfs ' /proc/mounts"], check=False)
        if already.returncode != 0:
            subprocess.run(["nsenter", "-t", str(pid), "-m", "mount", "-t", "tmpfs", "-o",
                            "mode=0700", "tmpfs", "/root"], check=True)


def ssh_config(lab: Lab) -> str:
    return os.fspath(lab.files.ssh_config)
