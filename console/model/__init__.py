"""The pure model: CIB XML in, frozen snapshot objects out (stdlib + lxml only).

`parse_cib(data)` is the entry point: it parses a whole CIB and derives the cluster's status
from it the way Pacemaker 2.1.5 does; `status_document(snapshot)` turns a snapshot into the
JSON contract of `hacon status --json`.
"""

from __future__ import annotations

from console.model.cluster import (
    Ban,
    ClusterInfo,
    ClusterSnapshot,
    ColocationConstraint,
    Constraints,
    FailedOperation,
    LocationConstraint,
    Node,
    NodeState,
    NodeType,
    OrderConstraint,
    Resource,
    ResourceKind,
    ResourceSet,
    Rule,
    RuleExpression,
    TicketConstraint,
    Vip,
)
from console.model.errors import (
    CibParseError,
    HostileXmlError,
    MalformedXmlError,
    NotACibError,
    describe,
)
from console.model.export import status_document
from console.model.snapshot import parse_cib
from console.model.types import INFINITY, CibVersion, score_to_int

__all__ = [
    "INFINITY",
    "Ban",
    "CibParseError",
    "CibVersion",
    "ClusterInfo",
    "ClusterSnapshot",
    "ColocationConstraint",
    "Constraints",
    "FailedOperation",
    "HostileXmlError",
    "LocationConstraint",
    "MalformedXmlError",
    "Node",
    "NodeState",
    "NodeType",
    "NotACibError",
    "OrderConstraint",
    "Resource",
    "ResourceKind",
    "ResourceSet",
    "Rule",
    "RuleExpression",
    "TicketConstraint",
    "Vip",
    "describe",
    "parse_cib",
    "score_to_int",
    "status_document",
]
