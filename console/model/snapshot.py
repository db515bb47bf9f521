"""parse_cib: one CIB (bytes) in, one frozen ClusterSnapshot out, derived from the CIB alone.

The status is derived by hacon itself from the status section, following Pacemaker 2.1.5's
scheduler (lib/pengine/unpack.c and friends) so that it agrees with `crm_mon` on the same CIB;
no Pacemaker tool is needed at run time.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from lxml import etree

from console.model import constraints_bridge
from console.model.cib.derive import build_world, walk_status
from console.model.cib.failures import failcounts, failed_operations
from console.model.cib.freeze import ResourceFreezer, freeze_nodes
from console.model.cib.properties import (
    cluster_properties,
    property_flag,
    unpack_sets,
)
from console.model.cib.setrules import RuleScope, SetRules
from console.model.cib.tickets import apply_ticket_constraints
from console.model.cib.world import World
from console.model.cluster import ClusterInfo, ClusterSnapshot, Constraints, Resource
from console.model.errors import NotACibError
from console.model.types import cib_version, is_true
from console.model.xmlsafe import parse_xml


def _root_of(data: bytes) -> etree._Element:
    root = parse_xml(data)
    if not isinstance(root.tag, str) or root.tag != "cib":
        raise NotACibError(f"not a CIB: the document root is <{root.tag}>, expected <cib>")
    if root.find("configuration") is None:
        raise NotACibError("not a CIB: <cib> has no <configuration> section")
    cib_version(root)  # refused without its version triple, as Pacemaker's schema refuses it
    return root


def parse_cib(data: bytes, *, now: float | None = None,
              constraints: bool = True) -> ClusterSnapshot:
    """Parse a whole CIB and derive the cluster's status from it.

    Args:
        data: the CIB's bytes.
        now: the time rules and failure expiry are evaluated at (default: the present; a saved
            scheduler input is read as of its execution date).
        constraints: False leaves `constraints` and `bans` empty (the transition history reads
            the constraints itself and saves a quarter of the time per input).

    Raises:
        CibParseError: malformed or hostile XML, or XML that is not a CIB (one-line reason).
    """
    root = _root_of(data)
    configuration = root.find("configuration")
    assert configuration is not None
    now = time.time() if now is None else now
    set_rules = SetRules(root, now)
    properties = cluster_properties(configuration.find("crm_config"),
                                    set_rules.checker(RuleScope()))
    world = build_world(root, properties, set_rules, now)
    walk_status(world, root.find("status"))
    apply_ticket_constraints(world, configuration.find("constraints"), root.find("status"))
    counts = failcounts(world)
    resources = ResourceFreezer(world, counts).run()
    nodes = freeze_nodes(world)
    parsed = constraints_bridge.parse_constraints(root) if constraints else Constraints()
    return ClusterSnapshot(
        info=_cluster_info(root, properties, world, resources),
        nodes=nodes,
        resources=resources,
        vips=constraints_bridge.derive_vips(resources),
        failures=failed_operations(world),
        failcounts=counts,
        bans=constraints_bridge.derive_bans(root, parsed, nodes, world.now) if constraints else (),
        constraints=parsed,
        rsc_defaults=unpack_sets(configuration.find("rsc_defaults"), "meta_attributes", {}),
        op_defaults=unpack_sets(configuration.find("op_defaults"), "meta_attributes", {}),
    )


def _cluster_info(root: etree._Element, properties: Mapping[str, str], world: World,
                  resources: Mapping[str, Resource]) -> ClusterInfo:
    dc_node = next((node for node in world.nodes.by_name.values() if node.is_dc), None)
    dc = dc_node.uname if dc_node is not None else None
    configured, disabled, blocked = world.counts
    return ClusterInfo(
        name=properties.get("cluster-name"),
        version=cib_version(root),
        dc=dc,
        have_quorum=is_true(root.get("have-quorum")) if dc is not None else None,
        stonith_enabled=property_flag(properties, "stonith-enabled"),
        symmetric_cluster=property_flag(properties, "symmetric-cluster"),
        no_quorum_policy=world.node_ctx.quorum_policy,
        maintenance_mode=property_flag(properties, "maintenance-mode"),
        stop_all_resources=property_flag(properties, "stop-all-resources"),
        nodes_configured=len(world.nodes.by_name),
        resources_configured=configured,
        resources_disabled=disabled,
        resources_blocked=blocked,
        properties=dict(properties),
    )

