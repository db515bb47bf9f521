"""What a node's executor does with one action: run it and record it as the controller would."""

from __future__ import annotations

from dataclasses import replace

from console.demo.config import MONITOR_INTERVAL_MS, SERVICE_ID, VIP_ID
from console.demo.partition import Partition
from console.demo.scheduler import Step
from console.demo.state import NodeRuntime, OpRecord, fail_count_name, last_failure_name

EXEC_MS = {("start", VIP_ID): 190, ("stop", VIP_ID): 112, ("probe", VIP_ID): 158,
           ("monitor", VIP_ID): 216, ("start", SERVICE_ID): 646, ("stop", SERVICE_ID): 1043,
           ("probe", SERVICE_ID): 41, ("monitor", SERVICE_ID): 27}
"""exec-time of each action as the lab recorded it (tests/fixtures/lab/healthy-2node)."""


def run_step(runtime: NodeRuntime, step: Step, partition: Partition, wall: int) -> None:
    """Apply one action's outcome to the node's history (always succeeds: faults come apart)."""
    entry = runtime.history[step.resource]
    expected_rc = 7 if step.operation == "probe" else 0
    interval = MONITOR_INTERVAL_MS if step.operation == "monitor" else 0
    operation = "monitor" if step.operation in ("probe", "monitor") else step.operation
    key = f"{partition.next_action()}:{partition.graph}:{expected_rc}:{partition.dc_uuid}"
    exec_ms = EXEC_MS[(step.operation, step.resource)]
    record = OpRecord(step.resource, operation, interval, expected_rc, runtime.next_call_id(), key,
                      wall, exec_ms)
    if step.operation == "monitor":
        entry.monitor = record
        return
    entry.last = record
    if step.operation == "start":
        entry.running = True
    elif step.operation == "stop":
        # The controller deletes a cancelled recurring monitor's entry.
        entry.running, entry.needs_recovery, entry.monitor = False, False, None


def record_monitor_failure(runtime: NodeRuntime, resource: str, wall: int) -> bool:
    """The recurring monitor found the resource dead: fail-count + 1.

    Returns:
        False when there was nothing running to fail.
    """
    entry = runtime.history[resource]
    if not entry.running or entry.monitor is None:
        return False
    # A recurring monitor reports under the call-id it was started with.
    # The lab's anything agent reports a killed service as a generic error (rc 1).
    failed = replace(entry.monitor, rc=1, when=wall, exec_ms=0, exit_reason="")
    entry.monitor = entry.last_failure = failed
    entry.running, entry.needs_recovery = False, True
    count = runtime.fail_count(resource) + 1
    runtime.transient[last_failure_name(resource)] = str(wall)
    runtime.transient[fail_count_name(resource)] = str(count)
    return True


def clean_up(runtime: NodeRuntime, resource: str) -> bool:
    """`crm_resource --cleanup`: forget failures (fail-count, last failure). True if any."""
    entry = runtime.history[resource]
    had = entry.last_failure is not None or fail_count_name(resource) in runtime.transient
    entry.last_failure = None
    runtime.transient.pop(fail_count_name(resource), None)
    runtime.transient.pop(last_failure_name(resource), None)
    return had
