"""The demo cluster: a pure state machine that behaves like the lab's Pacemaker cluster.

It knows no SSH and no terminal. It holds each node's power and network, the corosync
partitions with their own CIB copy, and each node's executor history; it reacts to changes on a
timeline with the lab's timings (tests/lab/README.md): a standby moves the VIP in about 1.5 s, a
dead node is noticed after the token and consensus timeouts, a healed partition is one again
after about 10 s. Each node's own view is rendered by `console.demo.cib`.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import replace

from console.demo import timings
from console.demo.config import (
    NODE_NAMES,
    RESOURCE_IDS,
    SERVICE_ID,
    Ban,
    DemoConfig,
    Prefer,
)
from console.demo.executor import clean_up, record_monitor_failure, run_step
from console.demo.partition import Partition, Version, quorate
from console.demo.scheduler import Step, plan_transition
from console.demo.state import NodeRuntime
from console.demo.timeline import FakeClock, SystemClock, Timeline

INITIAL_VERSION: Version = (0, 14, 0)
"""A converged lab cluster's epoch (tests/fixtures/lab/healthy-2node: 0.14.22)."""


class UnknownNode(LookupError):
    """A command named a node the cluster does not have."""


class DemoCluster:
    """Two or three nodes, a VIP and a SIP service, and everything that can happen to them."""

    def __init__(self, node_count: int = 2, clock: FakeClock | SystemClock | None = None) -> None:
        if not 2 <= node_count <= len(NODE_NAMES):
            raise ValueError(f"the demo runs 2 or 3 nodes, not {node_count}")
        self.timeline = Timeline(clock or SystemClock())
        self.node_names = NODE_NAMES[:node_count]
        self.runtimes = {name: NodeRuntime(name) for name in self.node_names}
        self.isolated: set[str] = set()
        self.journal: list[tuple[int, str]] = []
        """(wall seconds, what happened) for the demo panel."""
        config = DemoConfig(node_names=self.node_names)
        first = Partition(self.node_names, self.node_names[0], INITIAL_VERSION, config, True,
                          self.timeline.wall(), self.node_names[0])
        self.partitions = [first]
        self._on_disk = first
        self._settle_now(first)

    # -- reading -----------------------------------------------------------------------------

    def catch_up(self) -> None:
        """Let everything due by now happen (call before answering any question)."""
        self.timeline.run_due()

    def reachable(self, node_name: str) -> bool:
        """Whether the node answers SSH (powered on and booted)."""
        return self.runtime(node_name).powered

    def runtime(self, node_name: str) -> NodeRuntime:
        """The node's runtime state; UnknownNode for a name the cluster lacks."""
        try:
            return self.runtimes[node_name]
        except KeyError:
            raise UnknownNode(node_name) from None

    def partition_of(self, node_name: str) -> Partition:
        """The partition a node belongs to (a node is in exactly one while powered).

        Raises:
            UnknownNode: no such node, or it is not part of any membership (powered off).
        """
        for partition in self.partitions:
            if node_name in partition.members:
                return partition
        raise UnknownNode(node_name)

    def holders(self, resource: str) -> tuple[str, ...]:
        """Nodes where the resource runs now (the truth, not any node's opinion)."""
        return tuple(name for name, rt in self.runtimes.items()
                     if rt.powered and rt.history[resource].running)

    def member_runtimes(self, partition: Partition) -> list[NodeRuntime]:
        """Runtimes of a partition's members, in node order."""
        return [self.runtimes[name] for name in partition.members]

    # -- changes behind the console's back ---------------------------------------------------

    def set_standby(self, via: str, target: str, value: str | None, lifetime: str) -> None:
        """crm_attribute --node TARGET --name standby --update VALUE, run on node VIA."""
        self.runtime(target)
        partition = self.partition_of(via)
        if lifetime == "reboot":
            self._set_transient(partition, target, "standby", value)
        else:
            self._change_config(partition, via, "crm_attribute",
                                partition.config.with_standby(target, value))
        self._note(f"{target}: standby {value or 'deleted'} ({lifetime}) via {via}")

    def ban(self, via: str, resource: str, node_name: str) -> None:
        """crm_resource --ban: a cli-ban location constraint, left until cleared."""
        self.runtime(node_name)
        partition = self.partition_of(via)
        self._change_config(partition, via, "crm_resource",
                            partition.config.with_ban(Ban(resource, node_name)))
        self._note(f"{resource} banned from {node_name}")

    def prefer(self, via: str, resource: str, node_name: str) -> None:
        """crm_resource --move --node: a cli-prefer constraint (INFINITY), left until cleared."""
        self.runtime(node_name)
        partition = self.partition_of(via)
        self._change_config(partition, via, "crm_resource",
                            partition.config.with_prefer(Prefer(resource, node_name)))
        self._note(f"{resource} moved to {node_name} (cli-prefer)")

    def clear(self, via: str, resource: str) -> None:
        """crm_resource --clear: drop the resource's cli constraints."""
        partition = self.partition_of(via)
        self._change_config(partition, via, "crm_resource",
                            partition.config.cleared(resource))
        self._note(f"{resource}: cli constraints cleared")

    def cleanup(self, via: str, resource: str, node_name: str | None = None) -> None:
        """crm_resource --cleanup: forget failures of a resource (on one node or all)."""
        partition = self.partition_of(via)
        targets = [node_name] if node_name else list(partition.members)
        changed = [name for name in targets if clean_up(self.runtime(name), resource)]
        if changed:
            partition.bump_status(len(changed))
            self._trigger(partition)
        self._note(f"{resource}: cleanup on {', '.join(targets)}")

    def commit_config(self, via: str, config: DemoConfig, version: Version) -> None:
        """A checked versioned patch (console.demo.patch): its configuration, at its target."""
        partition = self.partition_of(via)
        self._change_config(partition, via, "cibadmin", config)
        partition.version = version
        self._note(f"configuration patched via {via}")

    # -- faults --------------------------------------------------------------------------------

    def power_off(self, node_name: str) -> None:
        """Pull the plug: the node is gone now; its peers notice after the token timeout."""
        runtime = self.runtime(node_name)
        if not runtime.powered:
            return
        runtime.powered = False
        self._note(f"{node_name}: power lost")
        self.timeline.after(timings.DETECT_LOSS, self._reform)

    def power_on(self, node_name: str) -> None:
        """Power the node on: it boots and joins with a fresh executor."""
        runtime = self.runtime(node_name)
        if runtime.powered:
            return
        self._note(f"{node_name}: powered on")
        self.timeline.after(timings.BOOT_JOIN, lambda: self._boot(node_name))

    def cut_network(self, node_name: str) -> None:
        """Isolate one node from its peers (the host still reaches it)."""
        self.runtime(node_name)
        self.isolated.add(node_name)
        self._note(f"{node_name}: network to its peers cut")
        self.timeline.after(timings.DETECT_LOSS, self._reform)

    def heal_network(self) -> None:
        """Reconnect every isolated node; the partitions merge after the join."""
        if not self.isolated:
            return
        self.isolated.clear()
        self._note("network healed")
        self.timeline.after(timings.HEAL_MERGE, self._reform)

    def fail_service(self, node_name: str | None = None) -> bool:
        """The service dies on a node (default: where it runs); its monitor notices."""
        targets = [node_name] if node_name else list(self.holders(SERVICE_ID))
        failed = [name for name in targets if self._monitor_fails(name, SERVICE_ID)]
        return bool(failed)

    def break_service(self, node_name: str, broken: bool = True) -> None:
        """Break (or repair) the service's configuration on a node: it dies after each start."""
        self.runtime(node_name).broken_service = broken
        self._note(f"{node_name}: service configuration {'broken' if broken else 'repaired'}")
        if broken and self.runtime(node_name).history[SERVICE_ID].running:
            self._fail_later(node_name)

    # -- the machinery ------------------------------------------------------------------------

    def _note(self, text: str) -> None:
        self.journal.append((self.timeline.wall(), text))

    def _change_config(self, partition: Partition, via: str, client: str,
                       config: DemoConfig) -> None:
        partition.config = config
        partition.bump_config(self.timeline.wall(), via, client)
        self._trigger(partition)

    def _set_transient(self, partition: Partition, target: str, name: str,
                       value: str | None) -> None:
        transient = self.runtime(target).transient
        if value is None:
            transient.pop(name, None)
        else:
            transient[name] = value
        partition.bump_status()
        self._trigger(partition)

    def _monitor_fails(self, node_name: str, resource: str) -> bool:
        runtime = self.runtime(node_name)
        if not runtime.powered or not record_monitor_failure(runtime, resource,
                                                             self.timeline.wall()):
            return False
        partition = self.partition_of(node_name)
        partition.bump_status(2)  # the operation result, then the fail-count attributes
        self._note(f"{resource} failed on {node_name} (fail-count "
                   f"{runtime.fail_count(resource)})")
        self._trigger(partition, timings.FAILURE_REACTION)
        return True

    def _fail_later(self, node_name: str) -> None:
        """A broken configuration: the service dies a little after it started."""
        def event() -> None:
            self._monitor_fails(node_name, SERVICE_ID)
        self.timeline.after(timings.FLAP_AFTER_START, event)

    def _trigger(self, partition: Partition, delay: float = timings.SCHEDULER_DELAY) -> None:
        """Abort the running transition and compute a new one shortly (as the DC does)."""
        partition.generation += 1
        generation = partition.generation
        self.timeline.after(delay, lambda: self._start_transition(partition, generation))

    def _current(self, partition: Partition, generation: int) -> bool:
        return partition in self.partitions and partition.generation == generation

    def _steps_for(self, partition: Partition) -> list[Step]:
        runtimes = [rt for rt in self.member_runtimes(partition) if rt.powered]
        probes = [Step("probe", rsc, rt.name) for rt in runtimes for rsc in RESOURCE_IDS
                  if rt.history[rsc].last is None]
        return probes + plan_transition(partition.config, runtimes, partition.quorate)

    def _start_transition(self, partition: Partition, generation: int) -> None:
        if not self._current(partition, generation):
            return
        steps = self._steps_for(partition)
        if not steps:
            return
        partition.graph += 1
        delay = 0.0
        for index, step in enumerate(steps):
            delay += timings.step_duration(step)
            last = index == len(steps) - 1
            self.timeline.after(delay, self._step_event(partition, generation, step, last))

    def _step_event(self, partition: Partition, generation: int, step: Step,
                    last: bool) -> Callable[[], None]:
        def event() -> None:
            if not self._current(partition, generation):
                return
            self._apply(partition, step)
            if last:
                self._trigger(partition, 0.0)
        return event

    def _apply(self, partition: Partition, step: Step) -> None:
        runtime = self.runtimes[step.node]
        if not runtime.powered:
            return
        run_step(runtime, step, partition, self.timeline.wall())
        partition.bump_status()
        if step.operation in ("start", "stop"):
            self._note(f"{step.resource} {step.operation}ed on {step.node}"
                       .replace("stoped", "stopped"))
        if step.operation == "start" and step.resource == SERVICE_ID and runtime.broken_service:
            self._fail_later(step.node)

    def _settle_now(self, partition: Partition) -> None:
        """Run transitions at once until nothing is left to do (the converged start state)."""
        while steps := self._steps_for(partition):
            partition.graph += 1
            for step in steps:
                self._apply(partition, step)

    def _boot(self, node_name: str) -> None:
        runtime = self.runtime(node_name)
        runtime.power_off()  # a fresh executor: no history, call-ids from 1
        runtime.powered = True
        self._reform()

    def _groups(self) -> list[tuple[str, ...]]:
        powered = [name for name in self.node_names if self.runtimes[name].powered]
        connected = tuple(name for name in powered if name not in self.isolated)
        alone = [(name,) for name in powered if name in self.isolated]
        return ([connected] if connected else []) + alone

    def _reform(self) -> None:
        """Membership changed: form the new partitions, each with a DC and a CIB copy."""
        reformed = [self._partition_for(group) for group in self._groups()]
        for partition in reformed:
            if partition not in self.partitions:
                self._trigger(partition, timings.ELECTION)
        if self.partitions:
            # Every node may go dark; the first to boot again reads the newest CIB on disk.
            self._on_disk = max(self.partitions, key=lambda p: p.version)
        self.partitions = reformed

    def _partition_for(self, group: tuple[str, ...]) -> Partition:
        olds = [p for p in self.partitions if set(p.members) & set(group)]
        if len(olds) == 1 and olds[0].members == group:
            return olds[0]
        # The join syncs the CIB of the highest version to every member.
        base = max(olds, key=lambda p: p.version) if olds else self._on_disk
        dc = base.dc if base.dc in group else group[0]
        admin, epoch, updates = base.version
        members = ", ".join(group)
        self._note(f"membership: {members} (DC {dc})")
        ring = max(p.ring for p in olds) + 4 if olds else 1
        departed = {name: history for p in olds for name, history in p.departed.items()
                    if name not in group}
        departed.update({name: deepcopy(self.runtimes[name].history) for p in olds
                         for name in p.members if name not in group})
        return replace(base, members=group, dc=dc, version=(admin, epoch, updates + 1),
                       quorate=quorate(len(group), len(self.node_names)), generation=0,
                       action_numbers={}, ring=ring, departed=departed)
