"""The demo nodes answer hacon's client probes (ARP duplicate detection, SIP OPTIONS, `ip -o
link`) as the real tools print them, and the console's client view reads them through the real
SSH transport and poller: one MAC when healthy, two in a split brain, SIP from the new holder."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading

import pytest
from demo_helpers import new_cluster

from console.commands.status_live import render_live
from console.demo.clients import node_mac
from console.demo.handler import DemoHandler
from console.model.live.client_view import parse_arping, parse_links, parse_sip_probe
from console.model.live.snapshot import LiveSnapshot
from console.model.live.client_view import ClientView
from console.presentation.banner import vip_lines
from console.transport.client_probes import SipSettings, VipTarget, arp_argv, sip_argv
from console.demo.serve import running_demo
from tests.demo.test_demo_ssh import snapshot_where

VIP = VipTarget("ClusterIP", "192.0.2.10", "eth0")
MAC_A, MAC_B = node_mac("node-a"), node_mac("node-b")


def _handler() -> DemoHandler:
    cluster, _ = new_cluster()
    return DemoHandler(cluster)


def _arp(handler: DemoHandler, node: str) -> str:
    status, out, _ = handler.answer(node, list(arp_argv(VIP)))
    assert status == 0  # hacon's script maps arping's "somebody answered" (1) to 0
    return out.decode()


def _sip(handler: DemoHandler, node: str) -> dict[str, object]:
    status, out, _ = handler.answer(node, list(sip_argv(VIP, SipSettings())))
    assert status == 0
    return dict(json.loads(out))


def test_arping_from_the_peer_hears_the_holder_as_iputils_prints_it() -> None:
    handler = _handler()  # node-a holds the VIP
    assert _arp(handler, "node-b") == (
        "ARPING 192.0.2.10 from 0.0.0.0 eth0\n"
        f"Unicast reply from 192.0.2.10 [{MAC_A.upper()}]  0.537ms\n"
        "Sent 1 probes (1 broadcast(s))\nReceived 1 response(s)\n")
    assert parse_arping(_arp(handler, "node-a")) == ()  # no other holder: nobody answers


def test_a_pulled_cable_hides_the_holder_from_arp_and_sip() -> None:
    handler = _handler()
    handler.cluster.unplugged.add("node-a")
    assert parse_arping(_arp(handler, "node-b")) == ()
    assert _sip(handler, "node-b") == {"answered": False, "error": "TimeoutError: timed out"}


def test_ip_link_gives_each_node_its_own_mac() -> None:
    handler = _handler()
    links = {node: parse_links(handler.answer(node, ["ip", "-o", "link"])[1].decode())
             for node in ("node-a", "node-b")}
    assert links == {"node-a": {"eth0": MAC_A}, "node-b": {"eth0": MAC_B}}


def test_ip_link_prints_the_loopback_line_as_the_real_ip_does() -> None:
    if shutil.which("ip") is None:
        pytest.skip("LOUD SKIP: iproute2's ip is not installed")
    real = subprocess.run(["ip", "-o", "link", "show", "lo"], capture_output=True, text=True,
                          check=True).stdout
    demo = _handler().answer("node-a", ["ip", "-o", "link"])[1].decode()
    assert demo.splitlines()[0] == real.splitlines()[0]


def test_sip_is_answered_by_the_holder_from_every_node() -> None:
    handler = _handler()
    for node in ("node-a", "node-b"):
        answer = parse_sip_probe(json.dumps(_sip(handler, node)))
        assert answer.answered and answer.status == "SIP/2.0 200 OK"
        assert answer.server == "fake-opensips (node-a)"


def test_the_real_sip_probe_prints_what_the_demo_prints() -> None:
    """The probe script against a loopback responder that answers as the demo's holder does,
    and against a closed loopback port (a holder whose service is down)."""
    responder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    responder.bind(("127.0.0.1", 0))
    port = responder.getsockname()[1]

    def answer_once() -> None:
        _, sender = responder.recvfrom(65535)
        responder.sendto(b"SIP/2.0 200 OK\r\nServer: fake-opensips (node-a)\r\n"
                         b"Content-Length: 0\r\n\r\n", sender)

    thread = threading.Thread(target=answer_once)
    thread.start()
    real = _run_probe(VipTarget("ClusterIP", "127.0.0.1"), port)
    thread.join()
    responder.close()
    demo = _sip(_handler(), "node-b")
    assert {key: value for key, value in real.items() if key != "rtt_ms"} == \
        {key: value for key, value in demo.items() if key != "rtt_ms"}
    closed = _run_probe(VipTarget("ClusterIP", "127.0.0.1"), port)
    handler = _handler()
    handler.cluster.runtime("node-a").history["OSIPS"].running = False
    assert _sip(handler, "node-b") == closed


def _run_probe(target: VipTarget, port: int) -> dict[str, object]:
    argv = sip_argv(target, SipSettings(port=port), python=sys.executable)
    return dict(json.loads(subprocess.run(argv, capture_output=True, check=True).stdout))


# -- through the real SSH transport and poller --------------------------------------------------


def _lan(snapshot: LiveSnapshot) -> str:
    return "".join(cell.text for line in vip_lines(snapshot) for cell in line.text)


async def test_healthy_one_mac_and_sip_answered_by_the_holder() -> None:
    async with running_demo(probe_clients=True) as demo:
        snapshot = await snapshot_where(demo.poller, lambda s: len(_view(s).service) == 2)
        view = snapshot.client_view["ClusterIP"]
        assert view.macs == (MAC_A,) and view.arp_nodes == ("node-a",)
        assert {origin: (answer.status, answer.server) for origin, answer in
                view.service.items()} == {node: ("SIP/2.0 200 OK", "fake-opensips (node-a)")
                                          for node in ("node-a", "node-b")}
        assert not view.not_probed
        assert "LAN: ARP node-a · SIP 2/2" in _lan(snapshot)


async def test_split_brain_two_macs_and_the_client_view_says_split_brain() -> None:
    async with running_demo(scenario="split-brain", probe_clients=True) as demo:
        snapshot = await snapshot_where(demo.poller, lambda s: len(_view(s).macs) == 2)
        view = snapshot.client_view["ClusterIP"]
        assert view.mac_owners == {MAC_A: "node-a", MAC_B: "node-b"}
        assert view.arp == {"node-a": (MAC_A, MAC_B), "node-b": (MAC_A, MAC_B)}
        assert snapshot.split_brain
        text = render_live(snapshot, color=False)
        assert "ClusterIP ARP: 2 MACs answer (node-a, node-b): SPLIT BRAIN on the LAN" in text
        assert "LAN: ARP node-a, node-b" in _lan(snapshot)


async def test_after_a_standby_sip_is_answered_by_the_new_holder() -> None:
    async with running_demo(probe_clients=True) as demo:
        await snapshot_where(demo.poller, lambda s: _servers(s) == {"fake-opensips (node-a)"})
        demo.cluster.set_standby("node-b", "node-a", "on", "forever")
        demo.poller.refresh_now()
        moved = await snapshot_where(demo.poller,
                                     lambda s: _servers(s) == {"fake-opensips (node-b)"})
        assert moved.client_view["ClusterIP"].arp_nodes == ("node-b",)
        assert all(answer.answered for answer in moved.client_view["ClusterIP"].service.values())


def _servers(snapshot: LiveSnapshot) -> set[str | None]:
    return {answer.server for answer in _view(snapshot).service.values()}


def _view(snapshot: LiveSnapshot) -> ClientView:
    """The demo VIP's client view; an empty one until the probes have run."""
    return snapshot.client_view.get("ClusterIP", ClientView({}, (), {}))


@pytest.mark.parametrize("argv", [["demo", "--probe-clients"], ["--probe-clients", "demo"]])
def test_hacon_demo_turns_the_client_probes_on_either_way(
        argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from console import cli
    from console.demo import serve

    asked: list[bool] = []

    async def console(*_: object, probe_clients: bool = False, **__: object) -> None:
        asked.append(probe_clients)

    monkeypatch.setattr(serve, "run_demo_console", console)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert cli.main(argv) == 0 and asked == [True]
    asked.clear()
    assert cli.main(["demo"]) == 0 and asked == [False]
