"""What a node's executor does with one action: run it and record it as the controller would."""

from __future__ import annotations

from dataclasses import replace

from console.demo.config import MONITOR_INTERVAL_MS, VIP_ID
from console.demo.partition import Partition
from console.demo.scheduler import Step
from console.demo.state import NodeRuntime, OpRecord, fail_count_name, last_failure_name

EXEC_MS = {("start", VIP_ID): 61, ("stop", VIP_ID): 48, ("probe", VIP_ID): 27}
"""Typical exec-time of IPaddr2 actions; the anything agent takes about a second to start."""


def run_step(runtime: NodeRuntime, step: Step, partition: Partition, wall: int) -> None:
    """Apply one action's outcome to the node's history (always succeeds: faults come apart)."""
    entry = runtime.history[step.resource]
    expected_rc = 7 if step.operation == "probe" else 0
    interval = MONITOR_INTERVAL_MS if step.operation == "monitor" else 0
    operation = "monitor" if step.operation in ("probe", "monitor") else step.operation
    key = f"{partition.next_action()}:{partition.graph}:{expected_rc}:{partition.dc_uuid}"
    exec_ms = EXEC_MS.get((step.operation, step.resource), 1012 if step.operation == "start" else 23)
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


def record_monitor_failure(runtime: NodeRuntime, resource: str, wall: int,
                           reason: str) -> bool:
    """The recurring monitor found the resource dead (rc 7): fail-count + 1.

    Returns:
        False when there was nothing running to fail.
    """
    entry = runtime.history[resource]
    if not entry.running or entry.monitor is None:
        return False
    # A recurring monitor reports under the call-id it was started with.
    failed = replace(entry.monitor, rc=7, when=wall, exec_ms=0, exit_reason=reason)
    entry.monitor = entry.last_failure = failed
    entry.running, entry.needs_recovery = False, True
    runtime.transient[fail_count_name(resource)] = str(runtime.fail_count(resource) + 1)
    runtime.transient[last_failure_name(resource)] = str(wall)
    return True


def clean_up(runtime: NodeRuntime, resource: str) -> bool:
    """`crm_resource --cleanup`: forget failures (fail-count, last failure). True if any."""
    entry = runtime.history[resource]
    had = entry.last_failure is not None or fail_count_name(resource) in runtime.transient
    entry.last_failure = None
    runtime.transient.pop(fail_count_name(resource), None)
    runtime.transient.pop(last_failure_name(resource), None)
    return had
