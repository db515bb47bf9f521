"""Mutable working state used while deriving status from a CIB (never leaves the model).

These classes play the part of Pacemaker's pe_resource_t / pe_node_t during derivation: the
history walk updates roles, flags and placements on them, and snapshot.py then freezes the
result into the dataclasses of cluster.py. Keeping them mutable and private keeps the walk
close to Pacemaker's own order of events, which is what makes the answers agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from lxml import etree


class Role(IntEnum):
    """Pacemaker's rsc_role_e; the order matters (roles are compared)."""

    UNKNOWN = 0
    STOPPED = 1
    STARTED = 2
    UNPROMOTED = 3
    PROMOTED = 4

    @property
    def text(self) -> str:
        return _ROLE_TEXT[self]


_ROLE_TEXT = {
    Role.UNKNOWN: "Unknown",
    Role.STOPPED: "Stopped",
    Role.STARTED: "Started",
    Role.UNPROMOTED: "Unpromoted",
    Role.PROMOTED: "Promoted",
}

_ROLE_WORDS = {
    "unknown": Role.UNKNOWN,
    "stopped": Role.STOPPED,
    "started": Role.STARTED,
    "unpromoted": Role.UNPROMOTED,
    "slave": Role.UNPROMOTED,
    "promoted": Role.PROMOTED,
    "master": Role.PROMOTED,
}


def role_from_text(text: str | None) -> Role:
    """text2role: legacy Master/Slave accepted; anything else is UNKNOWN."""
    if text is None:
        return Role.UNKNOWN
    return _ROLE_WORDS.get(text.strip().lower(), Role.UNKNOWN)


class OnFail(IntEnum):
    """action_fail_response, valued by severity (the order cmp_on_fail implements)."""

    IGNORE = 10
    DEMOTE = 20
    RECOVER = 30
    RESET_REMOTE = 40
    RESTART_CONTAINER = 50
    MIGRATE = 60
    BLOCK = 70
    STOP = 80
    STANDBY = 90
    FENCE = 100


class Recovery(IntEnum):
    """multiple-active policy."""

    STOP_START = 0
    STOP_ONLY = 1
    BLOCK = 2
    STOP_UNEXPECTED = 3


@dataclass(eq=False)
class Rsc:
    """One resource as the scheduler sees it: configured, implicit (bundle) or orphan."""

    id: str
    variant: str
    """primitive | group | clone | bundle."""
    xml: etree._Element | None
    config_id: str
    """The configured id this runtime resource stands for (clone instance suffix stripped)."""
    parent: Rsc | None = None
    children: list[Rsc] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    own_meta: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    agent_class: str | None = None
    agent_provider: str | None = None
    agent_type: str | None = None
    ops_xml: etree._Element | None = None
    managed: bool = True
    unique: bool = False
    promotable: bool = False
    orphan: bool = False
    failed: bool = False
    blocked: bool = False
    failure_ignored: bool = False
    needs_fencing: bool = False
    fence_device: bool = False
    is_remote_node: bool = False
    implicit: bool = False
    """Created by Pacemaker (bundle replica parts, guest connections), not configured."""
    role: Role = Role.STOPPED
    next_role: Role = Role.UNKNOWN
    running_on: list[str] = field(default_factory=list)
    pending_task: str | None = None
    pending_node: str | None = None
    clone_name: str | None = None
    container: Rsc | None = None
    recovery: Recovery = Recovery.STOP_START
    failure_timeout: int = 0
    migration_threshold: int = 1_000_000
    remote_reconnect_ms: int = 0
    partial_migration_source: str | None = None
    partial_migration_target: str | None = None
    clone_max: int = 0

    @property
    def agent(self) -> str | None:
        if self.variant != "primitive":
            return None
        provider = f":{self.agent_provider}" if self.agent_provider else ""
        return f"{self.agent_class}{provider}:{self.agent_type}"

    def top(self) -> Rsc:
        """uber_parent: climb to the top, but never above a bundle's own children."""
        rsc = self
        while rsc.parent is not None and rsc.parent.variant != "bundle":
            rsc = rsc.parent
        return rsc

    def outermost(self) -> Rsc:
        rsc = self
        while rsc.parent is not None:
            rsc = rsc.parent
        return rsc

    def primitives(self) -> list[Rsc]:
        if self.variant == "primitive":
            return [self]
        return [leaf for child in self.children for leaf in child.primitives()]

    def in_bundle(self) -> bool:
        rsc: Rsc | None = self.parent
        while rsc is not None:
            if rsc.variant == "bundle":
                return True
            rsc = rsc.parent
        return False

    def is_anonymous_clone(self) -> bool:
        return self.variant == "clone" and not self.unique


@dataclass(eq=False)
class NodeRt:
    """One node as the scheduler sees it while unpacking the status section."""

    id: str
    uname: str
    type: str
    """member | remote | ping."""
    attrs: dict[str, str] = field(default_factory=dict)
    online: bool = False
    standby: bool = False
    standby_onfail: bool = False
    maintenance: bool = False
    pending: bool = False
    unclean: bool = False
    unseen: bool = False
    shutdown: bool = False
    expected_up: bool = False
    is_dc: bool = False
    remote_rsc: Rsc | None = None
    remote_requires_reset: bool = False
    remote_was_fenced: bool = False
    unpacked: bool = False
    running_rsc: list[Rsc] = field(default_factory=list)

    @property
    def is_remote_kind(self) -> bool:
        """Remote or guest node (pe__is_guest_or_remote_node)."""
        return self.type == "remote"

    @property
    def is_guest(self) -> bool:
        return self.remote_rsc is not None and self.remote_rsc.container is not None
