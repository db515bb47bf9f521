"""The lab network: a bridge in its own netns, one host veth, one netns per node.

Nothing here adds a default route, NAT or forwarding: lab traffic cannot leave the namespaces.
Partitions are nftables rules inside a node's own netns (README.md gotcha 9), or the node's
bridge port set down ("pull the cable").
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence

from .procs import run

PARTITION_TABLE = "hacon_lab_partition"
HOST_BLOCK_TABLE = "hacon_lab_host_block"
ROUTE_TYPES = ("local", "broadcast", "unreachable", "blackhole", "prohibit", "throw", "multicast")


def subnet_in_use(subnet: str) -> str | None:
    """Why `subnet` is unusable on the host (an address or route overlaps it), or None."""
    network = ipaddress.ip_network(subnet)
    for line in run(["ip", "-o", "-4", "addr", "show"]).stdout.splitlines():
        fields = line.split()
        address = ipaddress.ip_interface(fields[3])
        if address.network.overlaps(network):
            return f"{subnet} overlaps {fields[3]} on {fields[1]}"
    for line in run(["ip", "-4", "route", "show", "table", "all"]).stdout.splitlines():
        tokens = line.split()
        destination = tokens[1] if tokens[0] in ROUTE_TYPES else tokens[0]
        if destination == "default":  # a default route "overlaps" everything; it is no clash
            continue
        try:
            route = ipaddress.ip_network(destination, strict=False)
        except ValueError:
            continue
        if route.overlaps(network):
            return f"{subnet} overlaps the host route {line.strip()}"
    return None


def netns_mount_exists() -> bool:
    """Whether /run/netns is already a mount point (`ip netns add` makes it one; gotcha 11)."""
    # os.path.ismount cannot see a bind of a directory onto itself (same st_dev): read mountinfo.
    with open("/proc/self/mountinfo") as mountinfo:
        return any(line.split()[4] == "/run/netns" for line in mountinfo)


def create_switch(switch_ns: str, host_link: str, host_cidr: str) -> None:
    """The bridge netns with br0 and the host's single veth (host side carries the .1 address)."""
    run(["ip", "netns", "add", switch_ns])
    run(["ip", "-n", switch_ns, "link", "set", "lo", "up"])
    run(["ip", "-n", switch_ns, "link", "add", "br0", "type", "bridge"])
    run(["ip", "-n", switch_ns, "link", "set", "br0", "up"])
    run(
        ["ip", "link", "add", host_link, "type", "veth", "peer", "name", "host", "netns", switch_ns]
    )
    run(["ip", "-n", switch_ns, "link", "set", "host", "master", "br0", "up"])
    run(["ip", "addr", "add", host_cidr, "dev", host_link])
    run(["ip", "link", "set", host_link, "up"])


def create_node_network(node_ns: str, switch_ns: str, port: str, node_cidr: str) -> None:
    """A node netns whose eth0 is cabled to a bridge port."""
    run(["ip", "netns", "add", node_ns])
    run(
        [
            "ip",
            "link",
            "add",
            port,
            "netns",
            switch_ns,
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            node_ns,
        ]
    )
    run(["ip", "-n", switch_ns, "link", "set", port, "master", "br0", "up"])
    run(["ip", "-n", node_ns, "link", "set", "lo", "up"])
    plug_in(node_ns, node_cidr)


def plug_in(node_ns: str, node_cidr: str) -> None:
    """eth0 up with the node address (again, after a power loss flushed it)."""
    run(["ip", "-n", node_ns, "addr", "replace", node_cidr, "dev", "eth0"])
    run(["ip", "-n", node_ns, "link", "set", "eth0", "up"])


def unplug(node_ns: str) -> None:
    """Power loss takes the network too: no address (so no VIP answering ARP), eth0 down."""
    run(["ip", "-n", node_ns, "addr", "flush", "dev", "eth0"], check=False)
    run(["ip", "-n", node_ns, "link", "set", "eth0", "down"], check=False)


def eth0_addresses(node_ns: str) -> list[str]:
    """IPv4 addresses on the node's eth0 (the kernel's truth about the VIP)."""
    result = run(["ip", "-n", node_ns, "-o", "-4", "addr", "show", "dev", "eth0"], check=False)
    return [line.split()[3].split("/")[0] for line in result.stdout.splitlines()]


def set_port(switch_ns: str, port: str, up: bool) -> None:
    """Bridge port up or down: plugging or pulling the node's cable."""
    run(["ip", "-n", switch_ns, "link", "set", port, "up" if up else "down"])


def isolate(node_ns: str, peers: Sequence[str]) -> None:
    """Drop traffic between the node and its peers; the host (.1) still reaches the node."""
    _drop_table(node_ns, PARTITION_TABLE, peers)


def block_host(node_ns: str, host_address: str) -> None:
    """Drop traffic between the node and the host only: reachable just through a jump host."""
    _drop_table(node_ns, HOST_BLOCK_TABLE, [host_address])


def _drop_table(node_ns: str, table: str, addresses: Sequence[str]) -> None:
    listed = ", ".join(addresses)
    ruleset = (
        f"table inet {table} {{\n"
        "  chain input { type filter hook input priority 0; policy accept;\n"
        f"    ip saddr {{ {listed} }} drop\n  }}\n"
        "  chain output { type filter hook output priority 0; policy accept;\n"
        f"    ip daddr {{ {listed} }} drop\n  }}\n}}\n"
    )
    _delete_table(node_ns, table)
    run(["ip", "netns", "exec", node_ns, "nft", "-f", "-"], input_text=ruleset)


def reconnect(node_ns: str) -> None:
    """Remove the partition and host-block rules, if any."""
    for table in (PARTITION_TABLE, HOST_BLOCK_TABLE):
        _delete_table(node_ns, table)


def _delete_table(node_ns: str, table: str) -> None:
    run(["ip", "netns", "exec", node_ns, "nft", "delete", "table", "inet", table], check=False)


def delete_netns(name: str) -> None:
    """Remove a named netns (idempotent)."""
    run(["ip", "netns", "delete", name], check=False)


def delete_link(name: str) -> None:
    """Remove a host link (idempotent)."""
    run(["ip", "link", "delete", name], check=False)


def release_netns_mount() -> None:
    """Undo the /run/netns self-bind that `ip netns add` made, if no namespace is left in it."""
    if netns_mount_exists() and not os.listdir("/run/netns"):
        run(["umount", "/run/netns"], check=False)
