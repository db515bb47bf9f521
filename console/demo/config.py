"""The demo cluster's configuration: what `cibadmin -Q` shows under <configuration>.

It is the lab's CIB (tests/lab/README.md) built with the real tools, with a documentation
address (TEST-NET-1, never contacted) for the VIP. The configuration is immutable: a change
makes a new `DemoConfig`, so each side of a partition can keep its own copy, as each side of a
real partition keeps its own CIB until the heal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

VIP_ID = "ClusterIP"
SERVICE_ID = "OSIPS"
RESOURCE_IDS = (VIP_ID, SERVICE_ID)
VIP_ADDRESS = "192.0.2.10"
VIP_NETMASK = "24"
VIP_NIC = "eth0"
SERVICE_BINARY = "/usr/sbin/opensips"
SERVICE_PROCESS = "opensips"
MONITOR_INTERVAL_MS = 10000
MIGRATION_THRESHOLD = 3
PREFERRED_NODE_SCORE = 1
"""Below the combined stickiness of ClusterIP and OSIPS (1 + 1): a node back online does not
take the VIP back (checked with crm_simulate; a score of 50 would fail back)."""
NODE_NAMES = ("node-a", "node-b", "node-c")
FEATURE_SET = "3.16.1"
DC_VERSION = "2.1.5-a3f44794f94"

OP_DIGESTS = {
    VIP_ID: "1f128da8f65790eb6aeb18b549874394",
    SERVICE_ID: "aa1044060151a5dc5c7bda2f1ad01a76",
}
"""op-digest of each resource's non-recurring operations, as Pacemaker computes it from the
parameters (tests/demo checks them against crm_simulate; a wrong digest makes Pacemaker restart)."""
MONITOR_DIGESTS = {
    VIP_ID: "b71e1d7f0dd2a2f021916a6f60ea20cc",
    SERVICE_ID: "ca2fbcf39a604ba1c5a7c289e774f607",
}


def node_address(node_name: str) -> str:
    """The node's own (documentation-range) address on eth0."""
    return f"192.0.2.{11 + NODE_NAMES.index(node_name)}"


def node_id(node_name: str) -> str:
    """The corosync node id of a demo node ("1" for node-a)."""
    return str(1 + NODE_NAMES.index(node_name))


@dataclass(frozen=True, slots=True)
class Ban:
    """A location constraint left by `crm_resource --ban/--move` (cli-ban-RSC-on-NODE)."""

    resource: str
    node: str

    @property
    def constraint_id(self) -> str:
        """The id crm_resource gives it."""
        return f"cli-ban-{self.resource}-on-{self.node}"


@dataclass(frozen=True, slots=True)
class Prefer:
    """A location constraint left by `crm_resource --move --node` (cli-prefer-RSC, INFINITY)."""

    resource: str
    node: str

    @property
    def constraint_id(self) -> str:
        """The id crm_resource gives it (one per resource: a new move replaces it)."""
        return f"cli-prefer-{self.resource}"


@dataclass(frozen=True, slots=True)
class DemoConfig:
    """The <configuration> section of one CIB copy."""

    node_names: tuple[str, ...]
    cluster_name: str = "demo"
    preferred_node: str = "node-a"
    standby_forever: tuple[tuple[str, str], ...] = ()
    """(node, value) of each permanent standby nvpair, as crm_attribute left it ("on"/"off")."""
    bans: tuple[Ban, ...] = ()
    prefers: tuple[Prefer, ...] = ()
    fencing: bool = False
    """stonith-enabled, with one fence device (console.demo.fencing)."""
    marks: tuple[tuple[str, str, str], ...] = ()
    """(node, name, value) of hacon's own permanent node attributes: a fence's mark."""

    def node_attributes(self, node_name: str) -> dict[str, str]:
        """The node's permanent attributes: standby, then hacon's own."""
        standby = self.standby_value(node_name)
        found = {"standby": standby} if standby is not None else {}
        found.update((name, value) for node, name, value in self.marks if node == node_name)
        return found

    def with_standby(self, node_name: str, value: str | None) -> DemoConfig:
        """A copy whose permanent standby nvpair for the node is `value` (None: removed)."""
        kept = tuple(pair for pair in self.standby_forever if pair[0] != node_name)
        added = ((node_name, value),) if value is not None else ()
        return replace(self, standby_forever=tuple(sorted(kept + added)))

    def standby_value(self, node_name: str) -> str | None:
        """The permanent standby value of a node, None when no nvpair exists."""
        return dict(self.standby_forever).get(node_name)

    def with_ban(self, ban: Ban) -> DemoConfig:
        """A copy with one more ban (a ban already present is kept once)."""
        return replace(self, bans=tuple(dict.fromkeys(self.bans + (ban,))))

    def with_prefer(self, prefer: Prefer) -> DemoConfig:
        """A copy where the resource prefers one node (replacing its previous cli-prefer)."""
        kept = tuple(old for old in self.prefers if old.resource != prefer.resource)
        return replace(self, prefers=kept + (prefer,))

    def cleared(self, resource: str) -> DemoConfig:
        """A copy without the resource's cli-ban and cli-prefer (`crm_resource --clear`)."""
        return replace(self, bans=tuple(ban for ban in self.bans if ban.resource != resource),
                       prefers=tuple(p for p in self.prefers if p.resource != resource))
