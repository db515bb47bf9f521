"""Constraints, bans and VIPs for the snapshot, from the constraints room (parse, bans)
and the VIPs of the unpacking (cib.vips).

Kept as one small seam so parse_cib reads as a list of steps and the bans get the node liveness
(online / shutting down) that hacon itself derived, which is what crm_mon's rule evaluation uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from lxml import etree

from console.model.cib.vips import derive_vips as _derive_vips
from console.model.cluster import Ban, Constraints, Node, Resource, Vip
from console.model.constraints.bans import bans_from_cib
from console.model.constraints.parse import parse_constraints as _parse_constraints


def parse_constraints(root: etree._Element) -> Constraints:
    """Every constraint of the configuration, normalised."""
    return _parse_constraints(root)


def derive_vips(resources: Mapping[str, Resource]) -> dict[str, Vip]:
    """One Vip per IPaddr2 primitive."""
    return dict(_derive_vips(resources))


def derive_bans(root: etree._Element, constraints: Constraints, nodes: Mapping[str, Node],
                now: float) -> tuple[Ban, ...]:
    """crm_mon's <bans>, rules evaluated against hacon's own node states."""
    return bans_from_cib(root, constraints, nodes, datetime.fromtimestamp(now, UTC))
