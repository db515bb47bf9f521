"""Each node's own view, read from real probe output (cibadmin, corosync-quorumtool, ip)."""

from __future__ import annotations

import pytest

from console.model.errors import CibParseError
from console.model.live.node_view import (
    Section,
    build_node_view,
    normalise_address,
    parse_cib_root,
    parse_ip_addresses,
    parse_quorumtool,
    parse_service_state,
    split_version_output,
    vip_interfaces,
)
from console.model.types import CibVersion
from tests.support.live_views import cluster_snapshot

# As printed by `cibadmin --query --no-children` on a live 2.1.5 node (lab, node-a).
LIVE_ROOT = ('<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="9" '
             'num_updates="14" admin_epoch="0" cib-last-written="Sun Nov 29 01:50:02 2026" '
             'update-origin="node-a" update-client="crm_attribute" update-user="root" '
             'have-quorum="1" dc-uuid="2"/>')
# `corosync-quorumtool -s` on node-a of the 2-node lab (C locale).
QUORUMTOOL = """Quorum information
------------------
Date:             Sun Nov 29 01:18:08 2026
Quorum provider:  corosync_votequorum
Nodes:            2
Node ID:          1
Ring ID:          1.9
Quorate:          Yes

Votequorum information
----------------------
Expected votes:   2
Highest expected: 2
Total votes:      2
Quorum:           1
Flags:            2Node Quorate WaitForAll

Membership information
----------------------
    Nodeid      Votes Name
         1          1 node-a (local)
         2          1 node-b
"""


def quorumtool(quorate: str, *rows: str) -> str:
    head = QUORUMTOOL.split("Membership information")[0].replace("Quorate:          Yes",
                                                                  f"Quorate:          {quorate}")
    return head + "Membership information\n----------------------\n" + "\n".join(rows) + "\n"

IP_ADDR = (
    "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
    "2: eth0    inet 10.213.47.11/24 brd 10.213.47.255 scope global eth0\\       valid_lft forever\n"
    "2: eth0    inet 10.213.47.100/24 brd 10.213.47.255 scope global secondary eth0\\       valid\n"
    "2: eth0    inet6 2001:db8:0:0::10/64 scope global \\       valid_lft forever\n"
    "3: eth1    inet6 2001:db8::bad/64 scope global dadfailed tentative \\       valid_lft\n"
)


def healthy_sections(**overrides: tuple[str, int]) -> dict[str, Section]:
    parts = {"version": (LIVE_ROOT, 0), "membership": (QUORUMTOOL, 0),
             "addr": (IP_ADDR, 0), "service_process": ("4242\n", 0)}
    parts.update(overrides)
    return {name: Section(name, body, "", rc) for name, (body, rc) in parts.items()}


def test_version_output_is_the_root_line_then_maybe_the_whole_cib() -> None:
    root, cib = split_version_output(LIVE_ROOT.encode() + b"\n")
    assert root == LIVE_ROOT.encode() and cib is None
    whole = b'<cib epoch="9" num_updates="14" admin_epoch="0">\n  <configuration/>\n</cib>\n'
    root, cib = split_version_output(LIVE_ROOT.encode() + b"\n" + whole)
    assert root == LIVE_ROOT.encode() and cib == whole


def test_a_failed_command_explains_itself_in_one_line() -> None:
    failed = Section("nodes", "", "error: Could not connect to controller:\n Connection refused\n",
                     102)
    assert failed.error_line() == (
        "nodes: exit 102: error: Could not connect to controller: Connection refused")
    assert "did not complete" in Section("addr", "", "", None).error_line()


def test_cib_root_gives_version_dc_uuid_and_quorum() -> None:
    root = parse_cib_root(LIVE_ROOT)
    assert root.version == CibVersion(0, 9, 14)
    assert root.dc_uuid == "2" and root.have_quorum is True


def test_cib_root_from_a_file_has_no_dc_and_no_quorum() -> None:
    # `CIB_file=f cibadmin -Q -n` on a fresh file prints only the version attributes.
    root = parse_cib_root('<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" '
                          'epoch="1" num_updates="0" admin_epoch="0"/>')
    assert root.version == CibVersion(0, 1, 0)
    assert root.dc_uuid is None and root.have_quorum is None


@pytest.mark.parametrize("xml", ["<cib epoch='x' num_updates='1' admin_epoch='0'/>",
                                 "<status/>", "not xml", "",
                                 '<!DOCTYPE x [<!ENTITY a "b">]><cib/>'])
def test_an_unreadable_root_is_a_parse_error(xml: str) -> None:
    with pytest.raises(CibParseError):
        parse_cib_root(xml)


def test_quorumtool_gives_quorum_and_the_partitions_members() -> None:
    membership = parse_quorumtool(QUORUMTOOL)
    assert membership.quorate is True
    assert membership.two_node is True  # "Flags: 2Node Quorate WaitForAll"
    assert [(m.node_id, m.name) for m in membership.members] == [("1", "node-a"), ("2", "node-b")]


def test_quorumtool_with_a_qdevice_column_and_no_quorum() -> None:
    text = quorumtool("No", "    Nodeid      Votes    Qdevice Name",
                      "         3          1         NR node-c (local)")
    membership = parse_quorumtool(text)
    assert membership.quorate is False
    assert parse_quorumtool(text.replace("2Node ", "")).two_node is False
    assert parse_quorumtool("Quorate: Yes\n").two_node is None  # no Flags line: unknown
    assert [(m.node_id, m.name) for m in membership.members] == [("3", "node-c")]


def test_ip_addresses_map_normalised_address_to_interfaces() -> None:
    addresses = parse_ip_addresses(IP_ADDR)
    assert addresses["10.213.47.100"] == ("eth0",)
    assert addresses["2001:db8::10"] == ("eth0",)
    assert "2001:db8::bad" not in addresses, "an address whose DAD failed is not usable"
    assert addresses["127.0.0.1"] == ("lo",)


def test_same_address_on_two_interfaces_lists_both() -> None:
    text = ("2: eth0    inet 10.0.0.5/24 scope global eth0\n"
            "3: eth1@if7    inet 10.0.0.5/32 scope global eth1\n")
    assert parse_ip_addresses(text)["10.0.0.5"] == ("eth0", "eth1")


def test_vip_interfaces_match_ipv4_and_ipv6_in_any_spelling() -> None:
    addresses = parse_ip_addresses(IP_ADDR)
    bound = vip_interfaces(addresses, {"vip4": "10.213.47.100", "vip6": "2001:DB8::0:10",
                                       "elsewhere": "10.213.47.200", "noip": None})
    assert bound == {"vip4": ("eth0",), "vip6": ("eth0",), "elsewhere": (), "noip": ()}
    assert normalise_address("fe80::1%eth0") == "fe80::1"
    assert normalise_address("10.0.0.300") is None


@pytest.mark.parametrize(("name", "stdout", "rc", "expected"), [
    ("service_systemd", "active\n", 0, True),
    ("service_systemd", "inactive\n", 3, False),
    ("service_systemd", "failed\n", 3, False),
    ("service_systemd", "System has not been booted with systemd\n", 1, None),
    ("service_process", "1234\n", 0, True),
    ("service_process", "", 1, False),
    ("service_process", "", 2, None),
])
def test_service_probe(name: str, stdout: str, rc: int, expected: bool | None) -> None:
    assert parse_service_state(Section(name, stdout, "", rc)) is expected


def test_service_probe_cut_short_is_unknown() -> None:
    assert parse_service_state(Section("service_systemd", "act", "", None)) is None
    assert parse_service_state(None) is None


def test_healthy_node_view() -> None:
    view = build_node_view("node-a", healthy_sections(), fetched_at=100.0)
    assert view.reachable and view.stack_error is None
    assert view.cib_version == CibVersion(0, 9, 14)
    assert view.dc == "node-b", "dc-uuid 2 is corosync node id 2, node-b"
    assert view.quorate is True
    assert view.online == ("node-a", "node-b")
    assert view.service_running is True
    assert view.addresses is not None and view.addresses["10.213.47.100"] == ("eth0",)
    assert view.fetched_at == 100.0


def test_isolated_node_sees_only_itself_without_quorum() -> None:
    alone = quorumtool("No", "    Nodeid      Votes Name", "         3          1 node-c (local)")
    view = build_node_view("node-c", healthy_sections(membership=(alone, 2)), fetched_at=1.0)
    assert view.online == ("node-c",)
    assert view.quorate is False, "corosync's quorum wins over the CIB's (lagging) have-quorum"
    assert view.stack_error is None, "exit 2 is 'not quorate', a valid answer"


def test_corosync_down_is_a_stack_error_not_an_empty_partition() -> None:
    down = Section("membership", "", "Cannot initialize QUORUM service\n", 1)
    view = build_node_view("node-a", healthy_sections() | {"membership": down}, 1.0)
    assert view.online == () and view.quorate is True, "quorum falls back to the CIB root"
    assert view.stack_error == "membership: exit 1: Cannot initialize QUORUM service"


def test_pacemaker_down_on_a_reachable_node() -> None:
    refused = "Could not connect to the CIB manager: Transport endpoint is not connected\n"
    sections = {"version": Section("version", "", refused, 102),
                "membership": Section("membership", "", "Cannot initialize CMAP service\n", 1),
                "addr": Section("addr", IP_ADDR, "", 0)}
    view = build_node_view("node-a", sections, fetched_at=5.0)
    assert view.reachable, "SSH worked; the stack did not"
    assert view.cib_version is None and view.dc is None and view.online == ()
    assert view.quorate is None
    assert view.stack_error is not None and "Transport endpoint" in view.stack_error
    assert view.addresses is not None and "10.213.47.100" in view.addresses, \
        "a VIP left behind by a dead stack must still be seen"


@pytest.mark.parametrize("garbage", ["\x00\x01 random", "<html>login banner</html>",
                                     "<cib epoch='1'/>", "<cib/>" * 3])
def test_garbage_output_is_a_reason_not_a_crash(garbage: str) -> None:
    sections = {name: Section(name, garbage, "", 0) for name in ("version", "membership", "addr")}
    view = build_node_view("node-a", sections, 1.0)
    assert view.cib_version is None and view.online == ()
    assert view.addresses == {}
    assert view.stack_error is not None and "CIB version unreadable" in view.stack_error
    assert "membership unreadable" in view.stack_error


def test_missing_sections_are_reported() -> None:
    view = build_node_view("node-a", {}, 1.0)
    assert view.stack_error is not None and "no CIB version" in view.stack_error
    assert view.addresses is None and view.service_running is None


def test_dc_named_from_the_nodes_cib_when_membership_failed() -> None:
    cib = cluster_snapshot(online=("node-a", "node-b"))
    view = build_node_view("node-a", healthy_sections(membership=("", 1)), 1.0, cib=cib)
    assert view.dc == "node-b" and view.online == ()
