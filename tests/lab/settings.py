"""Settings of one lab: how many nodes, which /24, the corosync token, where its state lives."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SUBNET = "10.213.47.0/24"
"""The lab's first range (README.md): private, and unlikely to clash with a real network."""

SUBNET_CANDIDATES = tuple(f"10.213.{third}.0/24" for third in range(47, 63))
"""Where `subnet="auto"` looks for a free /24, so two labs (or two test runs) can coexist."""

NODE_LETTERS = "abcdef"
HOST_OCTET = 1
VIP_OCTET = 100
FIRST_NODE_OCTET = 11


@dataclass(frozen=True)
class LabSettings:
    """What a lab is made of. Every value has a default that suits fast tests.

    Attributes:
        nodes: number of cluster nodes, 1..6.
        subnet: the /24 of the lab, or "auto" for the first free one of SUBNET_CANDIDATES.
        token_ms: corosync totem token; 1000 ms makes power-loss failover take ~2.5 s.
        dc_deadtime: seeded `dc-deadtime`; Pacemaker's 20 s default would dominate `up`.
        state_dir: folder for keys, configs and logs; created by `up`, removed by `down`.
            Default /tmp/hacon-lab-<pid>-<tag>, so several labs of one process never collide.
        up_timeout: seconds `up` waits for convergence before giving up (and tearing down).
        tag: short unique tag in every interface and namespace name of this lab.
    """

    nodes: int = 2
    subnet: str = "auto"
    token_ms: int = 1000
    dc_deadtime: str = "5s"
    state_dir: Path | None = None
    up_timeout: float = 60.0
    tag: str = field(default_factory=lambda: secrets.token_hex(2))

    def __post_init__(self) -> None:
        if not 1 <= self.nodes <= len(NODE_LETTERS):
            raise ValueError(f"a lab has 1..{len(NODE_LETTERS)} nodes, not {self.nodes}")
        if len(self.tag) > 4 or not self.tag.isalnum():
            raise ValueError("tag must be 1-4 alphanumeric characters (interface names are short)")
        if self.state_dir is None:
            object.__setattr__(self, "state_dir", Path(f"/tmp/hacon-lab-{os.getpid()}-{self.tag}"))

    @property
    def root(self) -> Path:
        """The state dir (always set after construction)."""
        assert self.state_dir is not None
        return self.state_dir

    @property
    def prefix(self) -> str:
        """Prefix of every namespace and link name, e.g. "clab3f2a" (IFNAMSIZ allows 15 chars)."""
        return f"clab{self.tag}"


def node_names(count: int) -> list[str]:
    """Node names in order: node-a, node-b, ..."""
    return [f"node-{letter}" for letter in NODE_LETTERS[:count]]


def subnet_address(subnet: str, octet: int) -> str:
    """The address with the given last octet inside a /24."""
    network = ipaddress.ip_network(subnet)
    if network.prefixlen != 24:
        raise ValueError(f"the lab needs a /24, not {subnet}")
    return str(network.network_address + octet)


def node_address(subnet: str, index: int) -> str:
    """IP of the index-th node (0-based): .11, .12, ..."""
    return subnet_address(subnet, FIRST_NODE_OCTET + index)
