"""The pieces generated clusters are made of: nodes, a SIP stack behind a VIP, filler resources.

Every choice comes from the case's seeded `random.Random`, so a case is the same cluster on every
run. Each helper records what it built in `tags`, which the case set's coverage test reads.
"""

from __future__ import annotations

import random

from tests.cases.builder import CibBuilder
from tests.support.cib_xml import clone, element, group, primitive

NODE_NAME_STYLES = ("node-{}", "sip{}.example.net", "pcmk-{}", "PBX{}")
FENCE_ID = "fence-ipmi"
VIP = "vip"
SERVICE = "opensips"
SIP_GROUP = "g-sip"


def name_nodes(rng: random.Random, count: int) -> list[str]:
    """`count` node names in one seeded naming style (dots and capitals included)."""
    style = rng.choice(NODE_NAME_STYLES)
    return [style.format(i) for i in range(1, count + 1)]


def vip_params(rng: random.Random, ipv6: bool) -> dict[str, str]:
    """IPaddr2 parameters for a documentation-range IPv4 or IPv6 address."""
    if ipv6:
        return {
            "ip": f"2001:db8:{rng.randrange(1, 0xFFFF):x}::{rng.randrange(2, 250):x}",
            "cidr_netmask": "64",
            "nic": "eth0",
        }
    return {"ip": f"192.0.2.{rng.randrange(2, 250)}", "cidr_netmask": "24", "nic": "eth0"}


def new_cluster(
    b: CibBuilder, rng: random.Random, count: int, tags: set[str], stonith: bool = False
) -> None:
    """Nodes plus the cluster properties every case sets (and a fence device with stonith).

    With stonith-enabled=true and no fence device Pacemaker refuses to start anything, so the
    device comes with the property.
    """
    b.add_nodes(name_nodes(rng, count))
    b.set_property("stonith-enabled", "true" if stonith else "false")
    b.set_property("no-quorum-policy", rng.choice(["ignore", "stop"]))
    if rng.random() < 0.5:
        b.set_property("cluster-name", f"hacluster-{rng.randrange(100)}")
    if stonith:
        tags.add("stonith")
        b.create("resources", primitive(FENCE_ID, "stonith:fence_ipmilan", monitor_s=60))
    tags.add(f"nodes-{count}")


def sip_stack(
    b: CibBuilder,
    rng: random.Random,
    tags: set[str],
    *,
    grouped: bool | None = None,
    ipv6: bool | None = None,
    service_meta: dict[str, str] | None = None,
) -> str:
    """The VIP and an opensips-like service, as a group or tied by colocation + order.

    In the colocated form the VIP follows the service (`vip with opensips`), so the VIP cannot
    run where the service cannot.

    Returns:
        the top-level id to move or ban (the group, or the VIP).
    """
    grouped = rng.random() < 0.5 if grouped is None else grouped
    ipv6 = rng.random() < 0.3 if ipv6 is None else ipv6
    tags.add("ipv6-vip" if ipv6 else "ipv4-vip")
    vip = primitive(VIP, "ocf:heartbeat:IPaddr2", vip_params(rng, ipv6), monitor_s=10)
    service = primitive(SERVICE, "systemd:opensips", meta=service_meta, monitor_s=30)
    if grouped:
        tags.add("group")
        b.create("resources", group(SIP_GROUP, [vip, service]))
        return SIP_GROUP
    tags.add("colocated-vip")
    b.create("resources", service)
    b.create("resources", vip)
    b.create(
        "constraints",
        element(
            "rsc_colocation",
            {"id": "vip-with-opensips", "rsc": VIP, "with-rsc": SERVICE, "score": "INFINITY"},
        ),
    )
    b.create(
        "constraints",
        element(
            "rsc_order",
            {"id": "opensips-then-vip", "first": SERVICE, "then": VIP, "kind": "Mandatory"},
        ),
    )
    return VIP


def fillers(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[str]:
    """`count` Dummy resources with seeded location preferences; sometimes one is a clone."""
    ids = [f"db-{i}" for i in range(1, count + 1)]
    for rid in ids:
        b.create("resources", primitive(rid, "ocf:pacemaker:Dummy", monitor_s=10))
        node = rng.choice(b.nodes)
        score = rng.choice(["50", "100", "INFINITY", "-100"])
        b.create(
            "constraints",
            element("rsc_location", {"id": f"loc-{rid}", "rsc": rid, "node": node, "score": score}),
        )
    if rng.random() < 0.4:
        tags.add("clone")
        member = primitive("ping", "ocf:pacemaker:Dummy", monitor_s=15)
        b.create("resources", clone("ping-clone", member, {"clone-max": str(len(b.nodes))}))
        ids.append("ping-clone")
    return ids


def promotable(b: CibBuilder, rng: random.Random, tags: set[str]) -> str:
    """A promotable ocf:pacemaker:Stateful clone, created by `pcs -f` as an operator would.

    Returns:
        the primitive id ("stateful"); the clone is "stateful-clone".
    """
    tags.add("promotable")
    b.pcs(
        "resource",
        "create",
        "stateful",
        "ocf:pacemaker:Stateful",
        "promotable",
        "op",
        "monitor",
        "interval=10s",
        "role=Promoted",
        "op",
        "monitor",
        "interval=11s",
        "role=Unpromoted",
    )
    return "stateful"


def promotion_scores(b: CibBuilder, rng: random.Random, rid: str) -> str:
    """Transient promotion scores as the Stateful agent sets them (crm_master -l reboot).

    Returns:
        the node with the highest score, where Pacemaker will promote.
    """
    scores = rng.sample(range(5, 100), len(b.nodes))
    for node, score in zip(b.nodes, scores):
        b.set_node_attribute(node, f"master-{rid}", str(score), lifetime="reboot")
    return b.nodes[scores.index(max(scores))]
