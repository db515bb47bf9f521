"""Text of the lab's configuration files: corosync.conf, sshd_config, hosts, ssh config.

Pure functions: they take names and addresses and return text, so they are easy to read and test.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def corosync_conf(addresses: Mapping[str, str], token_ms: int) -> str:
    """corosync.conf for knet without crypto; `two_node` when there are exactly two nodes.

    Args:
        addresses: node name -> ring0 address, in node-id order.
        token_ms: totem token timeout; consensus follows at corosync's 1.2 x token.
    """
    nodes = "".join(
        f"    node {{\n        ring0_addr: {address}\n        name: {name}\n"
        f"        nodeid: {number}\n    }}\n"
        for number, (name, address) in enumerate(addresses.items(), start=1)
    )
    two_node = "    two_node: 1\n" if len(addresses) == 2 else ""
    return (
        "totem {\n    version: 2\n    cluster_name: lab\n    transport: knet\n"
        f"    crypto_cipher: none\n    crypto_hash: none\n    token: {token_ms}\n}}\n"
        f"nodelist {{\n{nodes}}}\n"
        f"quorum {{\n    provider: corosync_votequorum\n{two_node}}}\n"
        "logging {\n    to_logfile: yes\n    logfile: /var/log/cluster/corosync.log\n"
        "    to_stderr: no\n    to_syslog: no\n    timestamp: on\n}\n"
    )


def sshd_config(host_key: Path, authorized_keys: Path) -> str:
    """sshd_config of one node: key-only root login, jump-host capable.

    ListenAddress 0.0.0.0 inside the node's netns so the VIP answers too; StrictModes no because
    the authorized_keys file lives under world-writable /tmp; UsePAM no (no PAM stack needed).
    """
    return (
        "ListenAddress 0.0.0.0\nPort 22\n"
        f"HostKey {host_key}\nAuthorizedKeysFile {authorized_keys}\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nUseDNS no\n"
        "AllowTcpForwarding yes\nPidFile /run/sshd.pid\nLogLevel INFO\n"
        "PrintMotd no\nPrintLastLog no\nSubsystem sftp internal-sftp\n"
    )


def hosts_file(addresses: Mapping[str, str], vip: str) -> str:
    """/etc/hosts seen inside every node: localhost, the nodes and the VIP."""
    lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
    lines += [f"{address}\t{name}" for name, address in addresses.items()]
    lines.append(f"{vip}\tvip")
    return "\n".join(lines) + "\n"


def known_hosts(addresses: Mapping[str, str], host_keys: Mapping[str, str], vip: str) -> str:
    """known_hosts: each node under its name and IP; the VIP with every node's key.

    Listing the VIP with all keys lets a client verify whichever node holds it right now.
    """
    lines = [f"{name},{address} {host_keys[name]}" for name, address in addresses.items()]
    lines += [f"{vip},vip {host_keys[name]}" for name in addresses]
    return "\n".join(lines) + "\n"


def ssh_config(
    addresses: Mapping[str, str], vip: str, identity: Path, known_hosts_path: Path
) -> str:
    """An OpenSSH client config with a Host block per node and one for `vip`.

    asyncssh reads the same file (`config=[path]`), so the console and OpenSSH see one truth.
    """
    blocks = [
        _host_block(name, address, identity, known_hosts_path)
        for name, address in [*addresses.items(), ("vip", vip)]
    ]
    return "\n".join(blocks)


def _host_block(alias: str, address: str, identity: Path, known_hosts_path: Path) -> str:
    return (
        f"Host {alias}\n    HostName {address}\n    User root\n    Port 22\n"
        f"    IdentityFile {identity}\n    IdentitiesOnly yes\n"
        f"    UserKnownHostsFile {known_hosts_path}\n    GlobalKnownHostsFile /dev/null\n"
        "    StrictHostKeyChecking yes\n"
        "    ConnectTimeout 5\n    BatchMode yes\n"
    )
