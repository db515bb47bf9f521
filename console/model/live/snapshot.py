"""What hacon sees across every node at once: each node's own view, and the verdict.

A single node can never show a split brain (tests/lab/README.md: each side of a partition looks
healthy). hacon connects to every node, keeps every reachable node's own view, and compares them.
The kernel's truth about each VIP (which interfaces hold the address) is kept beside Pacemaker's
opinion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from console.model.cluster import ClusterSnapshot
from console.model.types import CibVersion


class Verdict(str, Enum):
    """How the reachable nodes' views relate to each other."""

    CONSISTENT = "consistent"
    """Every reachable node reports the same membership, DC and CIB version."""
    LAGGING = "lagging"
    """Same partition, but some node reports an older CIB version."""
    PARTITIONED = "partitioned"
    """Views disagree on membership or DC."""
    SPLIT_BRAIN = "split_brain"
    """Two or more partitions each run the VIP, or the VIP is bound on two or more nodes."""
    UNKNOWN = "unknown"
    """No node could be reached, or there is nothing to compare."""


class KernelTruth(str, Enum):
    """Where the kernel says a VIP address is bound, against where the CIB says it runs."""

    ON_HOLDER = "bound on holder"
    NOWHERE = "bound nowhere"
    ELSEWHERE = "bound elsewhere"
    SEVERAL = "bound on several"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class NodeView:
    """One node's own answer: its CIB version, its DC, whom it sees, and its local probes."""

    node: str
    reachable: bool
    reason: str | None = None
    """Why the node is unreachable (one line), None when it answered."""
    cib_version: CibVersion | None = None
    dc: str | None = None
    quorate: bool | None = None
    two_node: bool | None = None
    """corosync's votequorum two_node as this node reports it (None: not known)."""
    online: tuple[str, ...] = ()
    """Nodes this node sees online (its partition), sorted."""
    vip_interfaces: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """VIP resource id -> this node's interfaces holding the VIP address (empty: not bound)."""
    service_running: bool | None = None
    """Whether the service colocated with the VIP runs on this node (None: not probed)."""
    fetched_at: float | None = None
    """Wall-clock time (time.time()) the data was read; None if never."""
    addresses: Mapping[str, tuple[str, ...]] | None = None
    """Every address bound on the node (normalised text) -> interfaces; None: not probed."""
    stack_error: str | None = None
    """The node answered over SSH but (part of) its cluster stack did not: one line, else None."""


@dataclass(frozen=True, slots=True)
class VipTruth:
    """One VIP: Pacemaker's holder(s) against the interfaces that hold the address."""

    vip_id: str
    address: str | None
    cib_holders: tuple[str, ...]
    bound_on: tuple[str, ...]
    truth: KernelTruth


@dataclass(frozen=True, slots=True)
class LiveSnapshot:
    """The cluster as hacon sees it across every node at one moment (immutable)."""

    cluster: ClusterSnapshot | None
    """The cluster as the freshest quorate view says (None if no CIB could be read)."""
    source_node: str | None
    """The node whose CIB `cluster` was parsed from."""
    views: Mapping[str, NodeView]
    verdict: Verdict
    split_brain: bool
    vip_truth: Mapping[str, VipTruth]
    fetched_at: float | None
    """When the newest data in this snapshot was read (time.time())."""
    partitions: tuple[tuple[str, ...], ...] = ()
    """Groups of nodes that see each other, sorted."""
    built_at: float | None = None
    """When hacon built this snapshot (time.time()); ages are measured against fetched_at."""

    @property
    def unreachable(self) -> dict[str, str]:
        """Node name -> one-line reason, for every node that did not answer."""
        return {name: view.reason or "unreachable" for name, view in self.views.items()
                if not view.reachable}

    @property
    def two_node(self) -> bool | None:
        """corosync's two_node across the reachable nodes: True if any sets it, False if every
        one that reports it does not, None when none could tell (a file, no membership)."""
        reported = [view.two_node for view in self.views.values()
                    if view.reachable and view.two_node is not None]
        return any(reported) if reported else None

    @property
    def reached(self) -> tuple[str, ...]:
        """Names of the nodes that answered, sorted."""
        return tuple(sorted(name for name, view in self.views.items() if view.reachable))
