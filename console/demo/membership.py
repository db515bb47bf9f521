"""What a demo node's corosync says about its membership (`corosync-quorumtool -s`).

The layout is corosync 3.1.7's in the C locale, as captured on the lab (tests/model's
QUORUMTOOL); exit status 2 when the partition is not quorate, as the tool's man page says.
"""

from __future__ import annotations

import time

from console.demo.config import node_id
from console.demo.partition import Partition, quorate

NOT_QUORATE = 2


def quorumtool_status(node: str, partition: Partition, node_count: int,
                      wall: float) -> tuple[int, bytes]:
    """(exit status, stdout) of `corosync-quorumtool -s` on `node`."""
    members = partition.members
    is_quorate = quorate(len(members), node_count)
    two_node = node_count == 2
    flags = " ".join(flag for flag, on in (("2Node", two_node), ("Quorate", is_quorate),
                                           ("WaitForAll", two_node)) if on)
    ring_owner = min(int(node_id(name)) for name in members)
    lines = [
        "Quorum information", "------------------",
        f"Date:             {time.strftime('%a %b %d %H:%M:%S %Y', time.gmtime(wall))}",
        "Quorum provider:  corosync_votequorum",
        f"Nodes:            {len(members)}",
        f"Node ID:          {node_id(node)}",
        f"Ring ID:          {ring_owner}.{partition.ring}",
        f"Quorate:          {'Yes' if is_quorate else 'No'}",
        "", "Votequorum information", "----------------------",
        f"Expected votes:   {node_count}",
        f"Highest expected: {node_count}",
        f"Total votes:      {len(members)}",
        f"Quorum:           {1 if two_node else node_count // 2 + 1}",
        f"Flags:            {flags}",
        "", "Membership information", "----------------------",
        "    Nodeid      Votes Name",
    ]
    lines += [f"{node_id(name):>10} {1:>10} {name}{' (local)' if name == node else ''}"
              for name in members]
    return (0 if is_quorate else NOT_QUORATE), "".join(line + "\n" for line in lines).encode()
