"""Frozen snapshot objects: one CIB (configuration + status) as hacon understands it.

Everything here is immutable once built, so a guard or a plan computed from one snapshot can never
see half of the next one. Field names follow the JSON contract of `hacon status --json`
(its schema: console/data/status.schema.json); the truth tests hold those fields against
`crm_mon --output-as=xml`.
Sequences are tuples and node lists are sorted; mappings are plain dicts that nobody mutates after
the snapshot is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from console.model.types import CibVersion


class NodeType(str, Enum):
    """How a node takes part in the cluster."""

    MEMBER = "member"
    REMOTE = "remote"
    PING = "ping"


class ResourceKind(str, Enum):
    """The configuration element a resource comes from."""

    PRIMITIVE = "primitive"
    GROUP = "group"
    CLONE = "clone"
    PROMOTABLE_CLONE = "promotable_clone"
    BUNDLE = "bundle"


class NodeState(str, Enum):
    """One word for a node, with crm_mon's text-output precedence (unclean first, online last)."""

    UNCLEAN = "unclean"
    PENDING = "pending"
    OFFLINE = "offline"
    STANDBY = "standby"
    MAINTENANCE = "maintenance"
    ONLINE = "online"


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """Cluster-wide facts: properties, version triple, DC and quorum."""

    name: str | None
    version: CibVersion
    dc: str | None
    have_quorum: bool | None
    stonith_enabled: bool
    symmetric_cluster: bool
    no_quorum_policy: str
    maintenance_mode: bool
    stop_all_resources: bool
    nodes_configured: int
    resources_configured: int
    resources_disabled: int
    resources_blocked: int
    properties: Mapping[str, str] = field(default_factory=dict)
    """Every cluster property as written in crm_config (first cluster_property_set wins)."""


@dataclass(frozen=True, slots=True)
class Node:
    """A cluster node with its state as Pacemaker derives it from the status section."""

    name: str
    id: str
    type: NodeType
    online: bool
    standby: bool
    standby_onfail: bool
    maintenance: bool
    pending: bool
    unclean: bool
    shutdown: bool
    expected_up: bool
    is_dc: bool
    resources_running: int
    attributes: Mapping[str, str] = field(default_factory=dict)
    """Node attributes as crm_mon lists them: online nodes only, Pacemaker's internal ones
    filtered out, the transient value winning over the permanent one."""

    @property
    def state(self) -> NodeState:
        """The one-word state, same precedence as crm_mon's text output."""
        if self.unclean:
            return NodeState.UNCLEAN
        if self.pending:
            return NodeState.PENDING
        if not self.online:
            return NodeState.OFFLINE
        if self.standby or self.standby_onfail:
            return NodeState.STANDBY
        if self.maintenance:
            return NodeState.MAINTENANCE
        return NodeState.ONLINE


@dataclass(frozen=True, slots=True)
class FailedOperation:
    """One entry of crm_mon's <failures>: an operation whose result Pacemaker counts as failed."""

    resource: str
    """Configured resource id (clone instance suffix ":N" stripped)."""
    instance: str
    """The id as crm_mon prints it (may carry ":N")."""
    node: str
    task: str
    interval_ms: int
    rc: int
    rc_text: str
    status: str
    exit_reason: str | None
    call: int
    op_key: str
    last_rc_change: str | None = None


@dataclass(frozen=True, slots=True)
class Resource:
    """A configured resource (any kind) with where and how it runs now."""

    id: str
    kind: ResourceKind
    agent: str | None
    """class:provider:type or class:type; None for containers."""
    parent: str | None
    children: tuple[str, ...]
    role: str
    active_on: tuple[str, ...]
    node_roles: Mapping[str, str]
    failed: bool
    managed: bool
    blocked: bool
    orphaned: bool
    failure_ignored: bool
    target_role: str | None
    instances: int
    failcount: Mapping[str, int]
    params: Mapping[str, str] = field(default_factory=dict)
    """instance_attributes (first set); for IPaddr2 this holds ip, cidr_netmask, nic."""
    meta: Mapping[str, str] = field(default_factory=dict)
    """meta_attributes (own, not inherited): target-role, is-managed, resource-stickiness, ..."""
    promoted_on: tuple[str, ...] = ()
    unpromoted_on: tuple[str, ...] = ()
    globally_unique: bool = False
    migration_threshold: int | None = None
    """Effective migration-threshold (meta, else rsc_defaults); None when unset (= INFINITY)."""


@dataclass(frozen=True, slots=True)
class Vip:
    """An ocf:heartbeat:IPaddr2 resource seen as a floating address."""

    id: str
    ip: str | None
    cidr_netmask: str | None
    nic: str | None
    holder_nodes: tuple[str, ...]
    role: str
    group: str | None
    top_level: str


@dataclass(frozen=True, slots=True)
class Ban:
    """A location constraint entry with a negative score for a node (crm_mon <bans>)."""

    id: str
    resource: str
    node: str
    score: int
    promoted_only: bool


@dataclass(frozen=True, slots=True)
class ResourceSet:
    """A resource_set inside a constraint."""

    id: str
    resources: tuple[str, ...]
    sequential: bool | None
    require_all: bool | None
    role: str | None
    action: str | None
    score: str | None


@dataclass(frozen=True, slots=True)
class RuleExpression:
    """One expression of a rule: attribute, date, or a nested rule (type = "rule")."""

    type: str
    id: str | None
    attributes: Mapping[str, str]
    """The XML attributes of the expression element (attribute, operation, value, start, end...)."""
    rule: Rule | None = None
    date_spec: Mapping[str, str] | None = None
    """A date expression's <date_spec> attributes (hours, weekdays, ...), if it has one."""
    duration: Mapping[str, str] | None = None
    """A date expression's <duration> attributes (years, months, days, ...), if it has one."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule of a location constraint."""

    id: str | None
    score: str | None
    score_attribute: str | None
    role: str | None
    boolean_op: str
    expressions: tuple[RuleExpression, ...]


@dataclass(frozen=True, slots=True)
class LocationConstraint:
    id: str
    resource: str | None
    resource_pattern: str | None
    node: str | None
    score: str | None
    score_int: int | None
    role: str | None
    resource_discovery: str | None
    origin: str
    """"user", "cli-prefer" or "cli-ban" (by id prefix)."""
    rules: tuple[Rule, ...] | None
    sets: tuple[ResourceSet, ...] | None


@dataclass(frozen=True, slots=True)
class ColocationConstraint:
    id: str
    resource: str | None
    with_resource: str | None
    score: str | None
    score_int: int | None
    resource_role: str | None
    with_resource_role: str | None
    sets: tuple[ResourceSet, ...] | None


@dataclass(frozen=True, slots=True)
class OrderConstraint:
    id: str
    first: str | None
    then: str | None
    first_action: str | None
    then_action: str | None
    kind: str | None
    symmetrical: bool | None
    sets: tuple[ResourceSet, ...] | None
    score: str | None = None


@dataclass(frozen=True, slots=True)
class TicketConstraint:
    id: str
    resource: str | None
    ticket: str | None
    loss_policy: str | None
    sets: tuple[ResourceSet, ...] | None


@dataclass(frozen=True, slots=True)
class Constraints:
    """Every constraint of the configuration, by type, in document order."""

    location: tuple[LocationConstraint, ...] = ()
    colocation: tuple[ColocationConstraint, ...] = ()
    order: tuple[OrderConstraint, ...] = ()
    ticket: tuple[TicketConstraint, ...] = ()


@dataclass(frozen=True, slots=True)
class ClusterSnapshot:
    """One CIB as hacon understands it: configuration and derived status, immutable."""

    info: ClusterInfo
    """Cluster-wide facts: name, CIB version, DC, quorum and the cluster properties."""
    nodes: Mapping[str, Node]
    resources: Mapping[str, Resource]
    """Every configured resource keyed by config id, in configuration order."""
    vips: Mapping[str, Vip]
    failures: tuple[FailedOperation, ...]
    failcounts: Mapping[str, Mapping[str, int]]
    bans: tuple[Ban, ...]
    constraints: Constraints
    rsc_defaults: Mapping[str, str] = field(default_factory=dict)
    op_defaults: Mapping[str, str] = field(default_factory=dict)

    @property
    def version(self) -> CibVersion:
        """The CIB version triple this snapshot was built from."""
        return self.info.version
