"""How long things take on the lab cluster (tests/lab/README.md, measured there), in seconds."""

from __future__ import annotations

from console.demo.config import VIP_ID
from console.demo.scheduler import Step

SCHEDULER_DELAY = 0.1
"""From a CIB change to the DC's new transition."""
FAILURE_REACTION = 0.2
"""From a failed monitor to the recovery transition."""
DETECT_LOSS = 5.0
"""Token (3000 ms) plus consensus, until the survivors notice a dead or cut-off peer."""
ELECTION = 1.0
"""Election and join after a membership change, before the first transition."""
HEAL_MERGE = 6.5
"""From a healed network to one membership again (LAB: one VIP again after 9-11 s)."""
BOOT_JOIN = 3.5
"""From power-on to the node rejoining (LAB: 3.3-4.2 s)."""
FLAP_AFTER_START = 4.0
"""A service with a broken configuration dies this long after each start."""

_DURATIONS = {"stop": 0.4, "probe": 0.05, "monitor": 0.05}


def step_duration(step: Step) -> float:
    """How long one action takes: standby → VIP on the peer ~1.5 s, service ~2 s."""
    if step.operation == "start":
        return 0.6 if step.resource == VIP_ID else 0.4
    return _DURATIONS[step.operation]
