"""What a running lab remembers on disk (state.json), so any process can operate or end it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATE_FILE = "state.json"


@dataclass
class NodeState:
    """One node: where it lives and the PID we may signal.

    Attributes:
        name: node-a, node-b, ...
        address: its eth0 address.
        netns: name of its network namespace.
        port: its bridge port (veth end in the switch netns).
        netns_inode: inode of the netns, checked before every signal.
        init_pid: host PID of its PID-namespace init, or None while powered off.
    """

    name: str
    address: str
    netns: str
    port: str
    netns_inode: int = 0
    init_pid: int | None = None


@dataclass
class LabState:
    """The whole lab on disk."""

    tag: str
    subnet: str
    token_ms: int
    switch_ns: str
    host_link: str
    made_netns_mount: bool
    nodes: dict[str, NodeState] = field(default_factory=dict)

    def save(self, state_dir: Path) -> None:
        """Write atomically, so a crash never leaves half a state file."""
        temporary = state_dir / (STATE_FILE + ".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2))
        temporary.replace(state_dir / STATE_FILE)

    @classmethod
    def load(cls, state_dir: Path) -> LabState:
        """Read a lab's state; FileNotFoundError when there is no lab there."""
        raw = json.loads((state_dir / STATE_FILE).read_text())
        nodes = {name: NodeState(**node) for name, node in raw.pop("nodes").items()}
        return cls(**raw, nodes=nodes)
