"""One side of the cluster: the nodes that see each other, their DC and their copy of the CIB."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from console.demo.config import DemoConfig
from console.demo.state import ResourceHistory

Version = tuple[int, int, int]
"""(admin_epoch, epoch, num_updates), compared lexicographically as Pacemaker does."""


def controller_uuid(node_name: str) -> str:
    """A stable controller uuid per node (the 4th field of every transition-key it writes)."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{node_name}.hacon-demo.invalid"))


@dataclass(slots=True)
class Partition:
    """The members of one corosync membership and the CIB copy they share."""

    members: tuple[str, ...]
    dc: str
    version: Version
    config: DemoConfig
    quorate: bool
    written: int
    """cib-last-written (wall seconds): the last configuration write."""
    update_origin: str
    update_client: str = "crmd"
    update_user: str = "hacluster"
    departed: dict[str, dict[str, ResourceHistory]] = field(default_factory=dict)
    """Each non-member's operation history as this side last saw it (the CIB keeps it)."""
    graph: int = 0
    """The DC's transition counter (2nd field of transition-key)."""
    generation: int = 0
    """Bumped on every change; a transition step of an older generation was aborted."""
    action_numbers: dict[int, int] = field(default_factory=dict)
    ring: int = 1
    """corosync's ring sequence: a new membership, a higher number."""
    fenced: frozenset[str] = frozenset()
    """Non-members this side fenced: known down, their history erased (not unclean)."""

    @property
    def dc_uuid(self) -> str:
        """The DC's controller uuid."""
        return controller_uuid(self.dc)

    def bump_status(self, count: int = 1) -> None:
        """A status-section change: num_updates + count."""
        admin, epoch, updates = self.version
        self.version = (admin, epoch, updates + count)

    def bump_config(self, wall: int, origin: str, client: str) -> None:
        """A configuration change: epoch + 1, num_updates 0, written now."""
        admin, epoch, _ = self.version
        self.version = (admin, epoch + 1, 0)
        self.written, self.update_origin, self.update_client = wall, origin, client
        self.update_user = "root" if client != "crmd" else "hacluster"

    def next_action(self) -> int:
        """The next action number in the current transition graph."""
        number = self.action_numbers.get(self.graph, 0) + 1
        self.action_numbers = {self.graph: number}
        return number


def quorate(member_count: int, node_count: int) -> bool:
    """votequorum: a majority, or either side of a two-node cluster (two_node: 1)."""
    return node_count == 2 and member_count >= 1 or member_count * 2 > node_count
