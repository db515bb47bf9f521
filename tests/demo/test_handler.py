"""The demo nodes answer the poller's commands as the node's own tools would."""

from __future__ import annotations

import subprocess
import sys

import pytest
from demo_helpers import new_cluster

from console.demo.handler import DemoHandler, DemoNodeDown


def handler(nodes: int = 2) -> DemoHandler:
    cluster, _ = new_cluster(nodes)
    return DemoHandler(cluster)


def test_version_check_sends_the_whole_cib_only_when_the_version_moved() -> None:
    node = handler()
    version = node.cluster.partition_of("node-a").version
    known = [str(part) for part in version]
    status, same, _ = node.answer("node-a", ["sh", "-c", "...", "hacon-version", *known])
    assert status == 0 and same.count(b"<cib ") == 1 and b"<status" not in same
    status, moved, _ = node.answer("node-a", ["sh", "-c", "...", "hacon-version", "0", "0", "0"])
    assert status == 0 and moved.count(b"<cib ") == 2 and b"<status>" in moved


def test_cibadmin_query_root_only() -> None:
    status, out, _ = handler().answer("node-b", ["cibadmin", "-Q", "-n"])
    assert status == 0 and out.startswith(b"<cib ") and out.rstrip().endswith(b"/>")


def test_membership_and_quorum_from_the_nodes_own_side() -> None:
    node = handler()
    node.cluster.cut_network("node-b")
    node.cluster.timeline.settle()
    assert node.answer("node-a", ["crm_node", "-l"])[1] == b"1 node-a member\n2 node-b lost\n"
    assert node.answer("node-b", ["crm_node", "-l"])[1] == b"1 node-a lost\n2 node-b member\n"
    assert node.answer("node-b", ["crm_node", "--quorum"])[1] == b"1\n"


def test_ip_addr_shows_the_vip_only_on_the_holder() -> None:
    node = handler()
    assert b"192.0.2.10/24" in node.answer("node-a", ["ip", "-o", "addr", "show"])[1]
    assert b"192.0.2.10/24" not in node.answer("node-b", ["ip", "-o", "addr", "show"])[1]


def test_service_probes() -> None:
    node = handler()
    assert node.answer("node-a", ["pgrep", "-x", "--", "opensips"])[0] == 0
    assert node.answer("node-b", ["pgrep", "-x", "--", "opensips"])[0] == 1
    assert node.answer("node-a", ["systemctl", "is-active", "--", "opensips"])[:2] == (
        0, b"active\n")
    assert node.answer("node-b", ["systemctl", "is-active", "--", "opensips"])[0] == 3


def test_standby_behind_the_back_with_crm_attribute() -> None:
    node = handler()
    query = ["crm_attribute", "--node", "node-a", "--name", "standby", "--query"]
    assert node.answer("node-b", query)[0] == 105  # unset: LAB gotcha 6
    update = ["crm_attribute", "--node", "node-a", "--name", "standby", "--update", "on"]
    assert node.answer("node-b", update)[0] == 0
    assert node.answer("node-b", query)[1] == b"scope=nodes  name=standby value=on\n"
    node.cluster.timeline.settle()
    assert node.cluster.holders("ClusterIP") == ("node-b",)


def test_crm_attribute_unknown_node_is_refused() -> None:
    status, _, err = handler().answer(
        "node-a", ["crm_attribute", "-N", "node-z", "-n", "standby", "-v", "on"])
    assert status == 105 and b"node-z" in err


def test_unknown_command_exits_127() -> None:
    status, _, err = handler().answer("node-a", ["rm", "-rf", "/"])
    assert status == 127 and b"not found" in err


def test_a_powered_off_node_drops_the_connection() -> None:
    node = handler()
    node.cluster.power_off("node-a")
    with pytest.raises(DemoNodeDown):
        node.answer("node-a", ["cibadmin", "-Q"])


def test_the_state_machine_imports_no_ui_and_no_ssh() -> None:
    code = ("import sys, console.demo.handler, console.demo.scenarios; "
            "print(sorted(m for m in ('textual', 'asyncssh', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_crm_resource_move_ban_clear_cleanup() -> None:
    node = handler()
    run = node.answer
    assert run("node-a", ["crm_resource", "--ban", "--resource", "ClusterIP"])[0] == 0
    node.cluster.timeline.settle()
    assert node.cluster.holders("ClusterIP") == ("node-b",)  # banned from where it ran
    assert run("node-a", ["crm_resource", "--clear", "--resource", "ClusterIP"])[0] == 0
    assert run("node-a", ["crm_resource", "--move", "--resource", "ClusterIP",
                          "--node", "node-a"])[0] == 0
    node.cluster.timeline.settle()
    assert node.cluster.holders("ClusterIP") == ("node-a",)
    assert b"cli-prefer-ClusterIP" in run("node-b", ["cibadmin", "-Q"])[1]
    node.cluster.fail_service()
    node.cluster.timeline.settle()
    assert run("node-a", ["crm_resource", "--cleanup", "--resource", "OSIPS"])[0] == 0
    assert node.cluster.runtime("node-a").fail_count("OSIPS") == 0
    assert run("node-a", ["crm_resource", "--resource", "Nope", "--clear"])[0] == 105
