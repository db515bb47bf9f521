"""The VIP as clients see it: MACs answering ARP, mapped to nodes; the SIP answer per origin."""

from __future__ import annotations

from dataclasses import replace

from console.commands.status_live import render_live
from console.model.live.client_view import (
    ClientProbes,
    NodeClientProbe,
    ProbeOutput,
    SipAnswer,
    client_views,
    parse_arping,
    parse_links,
    parse_sip_probe,
    probe_from_sections,
)
from console.model.live.snapshot import Verdict
from console.model.live.export import live_status_document
from tests.support.status_schema import assert_conforms
from console.model.live.verdict import build_live_snapshot
from tests.model.test_partitions import SEEN, cut_holder, side_cib

CIBS = {"node-b": side_cib("node-b", "node-b")}

MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
# iputils 20221126, as the lab's nodes print it
ARPING_B_ANSWERS = ("ARPING 192.168.122.100 from 0.0.0.0 eth0\n"
                    "Unicast reply from 192.168.122.100 [02:00:00:00:00:0B]  0.612ms\n"
                    "Sent 1 probes (1 broadcast(s))\nReceived 1 response(s)\n")
ARPING_NOBODY = ("ARPING 192.168.122.100 from 0.0.0.0 eth0\nSent 1 probes (1 broadcast(s))\n"
                 "Received 0 response(s)\n")
LINKS_A = ("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN\\    "
           "link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
           f"2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\\    link/ether {MAC_A} "
           "brd ff:ff:ff:ff:ff:ff link-netns clab-sw\n")
SIP_OK = ('{"answered": true, "status": "SIP/2.0 200 OK", '
          '"server": "fake-opensips (node-b)", "rtt_ms": 1.9}\n')


def test_arping_replies_links_and_the_sip_line_are_read() -> None:
    assert parse_arping(ARPING_B_ANSWERS) == (MAC_B,)
    assert parse_arping(ARPING_NOBODY) == ()
    assert parse_links(LINKS_A) == {"eth0": MAC_A}
    assert parse_sip_probe(SIP_OK) == SipAnswer(True, "SIP/2.0 200 OK",
                                               "fake-opensips (node-b)", 1.9)
    assert not parse_sip_probe("Traceback ...").answered


def test_a_missing_tool_is_said_never_silent() -> None:
    sections = {"links": ProbeOutput(LINKS_A, "", 0),
                "arp:ClusterIP": ProbeOutput("", "arping missing", 127),
                "sip:ClusterIP": ProbeOutput("", "python3: not found", 127)}
    probe = probe_from_sections(sections, 1.0)
    assert probe.arp == {} and probe.sip == {}
    views = client_views({"node-a": probe}, {"node-a": {}})
    assert views == {}  # nothing probed for any VIP...
    probe_b = NodeClientProbe({"ClusterIP": (MAC_A,)}, links={"eth0": MAC_B})
    view = client_views({"node-a": probe, "node-b": probe_b}, {})["ClusterIP"]
    assert view.not_probed == ("not probed: arping missing on node-a",
                               "not probed: python3 missing on node-a")  # ...but said


def two_holders_on_the_lan(*, b_reachable: bool) -> object:
    """node-a's probe hears node-b's MAC: node-b holds the VIP too (cut off or not)."""
    probe_a = NodeClientProbe({"ClusterIP": (MAC_B,)}, {"ClusterIP": SipAnswer(
        True, "SIP/2.0 200 OK", "fake-opensips (node-b)", 1.9)}, {"eth0": MAC_A})
    nodes = {"node-a": probe_a}
    if b_reachable:
        nodes["node-b"] = NodeClientProbe({"ClusterIP": (MAC_A,)}, {}, {"eth0": MAC_B})
    return ClientProbes(nodes, {"ClusterIP": SipAnswer(False, error="TimeoutError: timed out")})


def test_two_macs_answering_is_a_split_brain_even_with_the_other_node_unreachable() -> None:
    base = cut_holder()
    views = {name: replace(view, fetched_at=SEEN + 20, reachable=name == "node-b",
                           reason=None if name == "node-b" else "keepalive timed out")
             for name, view in base.views.items()}
    # node-b (reachable, holder) hears a second MAC: node-a's, though node-a is unreachable
    probe_b = NodeClientProbe({"ClusterIP": (MAC_A,)}, {}, {"eth0": MAC_B})
    live = build_live_snapshot(views, CIBS, SEEN + 21, None, ClientProbes({"node-b": probe_b}))
    view = live.client_view["ClusterIP"]
    assert view.macs == (MAC_A, MAC_B) and view.arp_nodes == ("?", "node-b")
    assert live.split_brain and live.verdict is Verdict.SPLIT_BRAIN


def test_client_view_in_json_and_text() -> None:
    live = cut_holder()
    live = build_live_snapshot(dict(live.views), CIBS, SEEN + 21, None,
                               two_holders_on_the_lan(b_reachable=True))  # type: ignore[arg-type]
    document = assert_conforms(live_status_document(live))["live"]["client_view"]["ClusterIP"]
    assert document["arp"] == {"node-b": [MAC_A, MAC_B]}
    assert document["service"]["host"]["answered"] is False
    text = render_live(live, color=False, now=SEEN + 21)
    assert "ClusterIP ARP: 2 MACs answer (node-a, node-b): SPLIT BRAIN on the LAN" in text
    assert "ClusterIP SIP from host: NO ANSWER (TimeoutError: timed out)" in text


def test_an_old_arp_answer_from_a_reachable_node_does_not_outlive_its_kernel_truth() -> None:
    base = cut_holder()
    views = {name: replace(view, fetched_at=SEEN + 20, reachable=True, reason=None)
             for name, view in base.views.items()}
    # node-a's interfaces (read this round) no longer hold the VIP; node-b's probe, taken a
    # moment before the move, still heard node-a's MAC
    views["node-a"] = replace(views["node-a"], addresses={})
    probe_a = NodeClientProbe({"ClusterIP": ()}, {}, {"eth0": MAC_A})
    probe_b = NodeClientProbe({"ClusterIP": (MAC_A,)}, {}, {"eth0": MAC_B})
    live = build_live_snapshot(views, CIBS, SEEN + 21, None,
                               ClientProbes({"node-a": probe_a, "node-b": probe_b}))
    assert live.client_view["ClusterIP"].macs == (MAC_A, MAC_B)  # shown as heard...
    assert not live.split_brain  # ...but node-a's own interfaces, read later, say it let go


def test_a_mac_is_nobodys_only_once_every_reachable_nodes_macs_are_known() -> None:
    views = {name: replace(view, reachable=True, reason=None, fetched_at=SEEN + 20)
             for name, view in cut_holder().views.items()}
    views["node-a"] = replace(views["node-a"], addresses={})
    # node-a probed first and heard node-b's MAC; node-b's own probe (its links) not in yet
    first = ClientProbes({"node-a": NodeClientProbe({"ClusterIP": (MAC_B,)}, {}, {"eth0": MAC_A})})
    live = build_live_snapshot(views, CIBS, SEEN + 21, None, first)
    assert live.client_view["ClusterIP"].mac_owners == {MAC_B: "?"}
    assert not live.split_brain, "it may well be node-b's own MAC"
