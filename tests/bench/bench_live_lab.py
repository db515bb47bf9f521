"""Shared set-up of the live benchmarks that run on the lab (not a benchmark itself).

`lab_for_bench()` attaches to a running lab (`--lab DIR` or $HACON_LAB) or brings up a fresh
2-node one and always takes it down again. Each lab node already has an empty private /root
(tests/lab/nodeinit.py), so the host's ~/.bashrc does not run in the nodes' SSH sessions and the
figures are what a real node costs.
"""

from __future__ import annotations

import contextlib
import os
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


def ssh_config(lab: Lab) -> str:
    return os.fspath(lab.files.ssh_config)
