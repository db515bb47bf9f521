"""What each demo node's executor remembers: operation history, transient attributes, call ids.

This is the per-node half of the status section. A node's history survives partitions (the node
keeps running its resources) and is wiped on power loss (the executor starts again from call-id 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from console.demo.config import FEATURE_SET, MONITOR_INTERVAL_MS, RESOURCE_IDS

FIRST_CALL_ID = 8
"""A fresh executor's first resource call-id on the lab (the lower ones go to agent metadata)."""


@dataclass(frozen=True, slots=True)
class OpRecord:
    """One lrm_rsc_op entry as the controller records it."""

    resource: str
    operation: str
    interval_ms: int
    rc: int
    call_id: int
    action_key: str
    """The transition-key: action:graph:expected-rc:DC-uuid."""
    when: int
    """last-rc-change, seconds since the epoch."""
    exec_ms: int
    exit_reason: str = ""

    @property
    def operation_key(self) -> str:
        """RSC_OP_INTERVAL, e.g. OSIPS_monitor_10000."""
        return f"{self.resource}_{self.operation}_{self.interval_ms}"


@dataclass(slots=True)
class ResourceHistory:
    """The lrm_resource entries of one resource on one node."""

    last: OpRecord | None = None
    monitor: OpRecord | None = None
    last_failure: OpRecord | None = None
    running: bool = False
    needs_recovery: bool = False
    """A monitor found it dead: Pacemaker stops it (cleanly) before starting it again."""


@dataclass(slots=True)
class NodeRuntime:
    """One node's life: power, executor history and transient attributes."""

    name: str
    powered: bool = True
    call_counter: int = FIRST_CALL_ID - 1
    history: dict[str, ResourceHistory] = field(
        default_factory=lambda: {rsc: ResourceHistory() for rsc in RESOURCE_IDS})
    transient: dict[str, str] = field(default_factory=lambda: {"#feature-set": FEATURE_SET})
    broken_service: bool = False
    """The service's configuration on this node is broken: it dies shortly after each start."""

    def next_call_id(self) -> int:
        """The executor's next call-id on this node."""
        self.call_counter += 1
        return self.call_counter

    def running(self, resource: str) -> bool:
        """Whether the resource is active here (a failed monitor still needs a stop)."""
        entry = self.history[resource]
        return entry.running or entry.needs_recovery

    def fail_count(self, resource: str) -> int:
        """The fail-count attribute of the resource's recurring monitor on this node."""
        return int(self.transient.get(fail_count_name(resource), "0"))

    def power_off(self) -> None:
        """Lose everything a reboot loses: processes, history, transient attributes."""
        self.powered = False
        self.call_counter = FIRST_CALL_ID - 1
        self.history = {rsc: ResourceHistory() for rsc in RESOURCE_IDS}
        self.transient = {"#feature-set": FEATURE_SET}


def fail_count_name(resource: str) -> str:
    """Name of the fail-count transient attribute of a resource's monitor (Pacemaker 2.1)."""
    return f"fail-count-{resource}#monitor_{MONITOR_INTERVAL_MS}"


def last_failure_name(resource: str) -> str:
    """Name of the last-failure transient attribute paired with `fail_count_name`."""
    return f"last-failure-{resource}#monitor_{MONITOR_INTERVAL_MS}"
