"""What the demo nodes answer to hacon's client probes: `ip -o link`, `arping -D` and the SIP
OPTIONS one-liner, printed as iputils and the probe script print them on a real node.

Each node has a fixed MAC. Duplicate-address detection from a node hears the other nodes that
bind the VIP on the same link (powered on, neither cable pulled); iputils quits on the first
reply in DAD mode, so one MAC at most, the first in name order. A node never answers its own
probe: hacon adds a holder's own MAC from its interfaces. The SIP probe reaches the node the VIP
resolves to (the probing node itself when it binds the VIP, otherwise the first that answers
ARP); its service answers `200 OK`, a holder without the service refuses, nobody times out.
"""

from __future__ import annotations

import json

from console.demo.cluster import DemoCluster
from console.demo.config import SERVICE_ID, VIP_ADDRESS, VIP_ID, VIP_NIC, node_id

Answer = tuple[int, bytes, bytes]
ARP_SCRIPT_NAME = "hacon-arp"
"""$0 of hacon's ARP probe script (console.transport.client_probes.arp_argv)."""
SIP_PORT = "5060"
SERVER_HEADER = "fake-opensips ({node})"


def node_mac(node: str) -> str:
    """The node's fixed, locally administered MAC (lower case, as `ip -o link` prints it)."""
    return f"02:00:00:00:00:{int(node_id(node)):02x}"


def ip_link(node: str) -> bytes:
    """`ip -o link`: loopback and the node's one Ethernet interface."""
    lines = [
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT "
        "group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
        f"2: {VIP_NIC}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP "
        f"mode DEFAULT group default qlen 1000\\    link/ether {node_mac(node)} "
        "brd ff:ff:ff:ff:ff:ff",
    ]
    return "".join(line + "\n" for line in lines).encode()


def arping_dad(cluster: DemoCluster, node: str, address: str) -> Answer:
    """hacon's ARP script (`arping -D -I eth0 -c 1 -w 1 ADDR`; it maps exit 1 to 0)."""
    lines = [f"ARPING {address} from 0.0.0.0 {VIP_NIC}"]
    responders = _vip_neighbours(cluster, node) if address == VIP_ADDRESS else []
    for responder in responders[:1]:  # DAD mode quits on the first reply
        lines.append(f"Unicast reply from {address} [{node_mac(responder).upper()}]  "
                     f"0.{500 + 37 * int(node_id(responder))}ms")
    lines += ["Sent 1 probes (1 broadcast(s))", f"Received {len(responders[:1])} response(s)"]
    return 0, "".join(line + "\n" for line in lines).encode(), b""


def sip_options(cluster: DemoCluster, node: str, address: str, port: str) -> Answer:
    """The SIP probe one-liner: one JSON line, as the script prints it."""
    target = _resolves_to(cluster, node) if (address, port) == (VIP_ADDRESS, SIP_PORT) else None
    if target is None:
        out: dict[str, object] = {"answered": False, "error": "TimeoutError: timed out"}
    elif cluster.runtime(target).history[SERVICE_ID].running:
        out = {"answered": True, "status": "SIP/2.0 200 OK",
               "server": SERVER_HEADER.format(node=target),
               "rtt_ms": 0.3 if target == node else 0.8}
    else:
        out = {"answered": False, "error": "ConnectionRefusedError: [Errno 111] Connection refused"}
    return 0, (json.dumps(out) + "\n").encode(), b""


def _binds_vip(cluster: DemoCluster, node: str) -> bool:
    runtime = cluster.runtime(node)
    return runtime.powered and runtime.history[VIP_ID].running


def _vip_neighbours(cluster: DemoCluster, node: str) -> list[str]:
    """The other nodes binding the VIP that share a link with `node`, in name order."""
    if node in cluster.unplugged:
        return []
    return [other for other in cluster.node_names if other != node
            and other not in cluster.unplugged and _binds_vip(cluster, other)]


def _resolves_to(cluster: DemoCluster, node: str) -> str | None:
    """Where a packet from `node` to the VIP lands: itself if it binds it, else the first ARP
    answer, else nowhere."""
    if _binds_vip(cluster, node):
        return node
    neighbours = _vip_neighbours(cluster, node)
    return neighbours[0] if neighbours else None
