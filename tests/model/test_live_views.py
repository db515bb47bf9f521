"""Each node's own view, read from real-shaped probe output (framing, cibadmin, crm_node, ip)."""

from __future__ import annotations

import pytest
from live_builders import cluster_snapshot

from console.model.errors import CibParseError
from console.model.types import CibVersion
from console.model.views import (
    Section,
    build_node_view,
    normalise_address,
    parse_cib_root,
    parse_crm_node_list,
    parse_crm_node_quorum,
    parse_ip_addresses,
    parse_service_state,
    split_sections,
    vip_interfaces,
)

# As printed by `cibadmin --query --no-children` on a live 2.1.5 node (lab, node-a).
LIVE_ROOT = ('<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="9" '
             'num_updates="14" admin_epoch="0" cib-last-written="Sun Nov 29 01:50:02 2026" '
             'update-origin="node-a" update-client="crm_attribute" update-user="root" '
             'have-quorum="1" dc-uuid="2"/>')
CRM_NODE_L = "1 node-a member\n2 node-b member\n"
IP_ADDR = (
    "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
    "2: eth0    inet 10.213.47.11/24 brd 10.213.47.255 scope global eth0\\       valid_lft forever\n"
    "2: eth0    inet 10.213.47.100/24 brd 10.213.47.255 scope global secondary eth0\\       valid\n"
    "2: eth0    inet6 2001:db8:0:0::10/64 scope global \\       valid_lft forever\n"
    "3: eth1    inet6 2001:db8::bad/64 scope global dadfailed tentative \\       valid_lft\n"
)


def framed(*sections: tuple[str, str, int]) -> str:
    """Stdout of a probe session, framed as console/transport/probes.py frames it."""
    return "".join(f"\x1eBEGIN {name}\n{body}\n\x1eEND {name} {rc}\n"
                   for name, body, rc in sections)


def healthy_sections(**overrides: tuple[str, int]) -> dict[str, Section]:
    parts = {"version": (LIVE_ROOT, 0), "nodes": (CRM_NODE_L, 0), "quorum": ("1\n", 0),
             "addr": (IP_ADDR, 0), "service_process": ("4242\n", 0)}
    parts.update(overrides)
    return split_sections(framed(*((name, body, rc) for name, (body, rc) in parts.items())))


def test_sections_keep_each_commands_output_and_exit_status() -> None:
    stdout = framed(("version", LIVE_ROOT, 0), ("nodes", "", 102))
    stderr = ("\x1eBEGIN version\n\x1eBEGIN nodes\n"
              "error: Could not connect to controller: Connection refused\n")
    sections = split_sections(stdout, stderr)
    assert sections["version"].stdout == LIVE_ROOT and sections["version"].ok
    assert sections["nodes"].exit_status == 102 and sections["nodes"].stdout == ""
    assert "Connection refused" in sections["nodes"].error_line()


def test_a_section_cut_short_has_no_exit_status() -> None:
    stdout = framed(("version", LIVE_ROOT, 0)) + "\x1eBEGIN cib\n<cib epoch="
    sections = split_sections(stdout)
    assert sections["cib"].exit_status is None
    assert sections["cib"].stdout == "<cib epoch="
    assert "cut short" in sections["cib"].error_line()


def test_output_without_trailing_newline_is_kept_whole() -> None:
    sections = split_sections(framed(("version", "<cib/>", 0), ("empty", "", 0)))
    assert sections["version"].stdout == "<cib/>"
    assert sections["empty"].stdout == ""


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


def test_crm_node_list_and_quorum() -> None:
    members = parse_crm_node_list("1 node-a member\n2 node-b lost\ngarbage line here too\n\n")
    assert [(m.node_id, m.name, m.state) for m in members] == [
        ("1", "node-a", "member"), ("2", "node-b", "lost")]
    assert parse_crm_node_quorum("1\n") is True
    assert parse_crm_node_quorum("0\n") is False
    assert parse_crm_node_quorum("error") is None


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
    assert view.dc == "node-b", "dc-uuid 2 is node-b in crm_node -l"
    assert view.quorate is True
    assert view.online == ("node-a", "node-b")
    assert view.service_running is True
    assert view.addresses is not None and view.addresses["10.213.47.100"] == ("eth0",)
    assert view.fetched_at == 100.0


def test_lost_peer_is_not_online_and_quorum_is_the_controllers() -> None:
    view = build_node_view("node-a", healthy_sections(
        nodes=("1 node-a member\n2 node-b lost\n", 0), quorum=("0\n", 0)), fetched_at=1.0)
    assert view.online == ("node-a",)
    assert view.quorate is False, "crm_node -q wins over the CIB's (lagging) have-quorum"


def test_pacemaker_down_on_a_reachable_node() -> None:
    refused = "Could not connect to the CIB manager: Transport endpoint is not connected"
    sections = split_sections(
        framed(("version", "", 102), ("nodes", "", 102), ("quorum", "", 102),
               ("addr", IP_ADDR, 0)),
        f"\x1eBEGIN version\n{refused}\n\x1eBEGIN nodes\nerror: Could not connect\n")
    view = build_node_view("node-a", sections, fetched_at=5.0)
    assert view.reachable, "SSH worked; the stack did not"
    assert view.cib_version is None and view.dc is None and view.online == ()
    assert view.quorate is None
    assert view.stack_error is not None and "Transport endpoint" in view.stack_error
    assert view.addresses is not None and "10.213.47.100" in view.addresses, \
        "a VIP left behind by a dead stack must still be seen"


def test_garbage_output_is_a_reason_not_a_crash() -> None:
    view = build_node_view("node-a", split_sections("\x00\x01 random \x1e garbage"), 1.0)
    assert view.cib_version is None and view.online == () and view.addresses is None
    assert view.stack_error is not None and "no CIB version" in view.stack_error


def test_dc_named_from_the_nodes_cib_when_crm_node_failed() -> None:
    cib = cluster_snapshot(online=("node-a", "node-b"))
    view = build_node_view("node-a", healthy_sections(nodes=("", 102)), 1.0, cib=cib)
    assert view.dc == "node-b" and view.online == ()
