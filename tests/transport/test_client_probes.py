"""The client probes' commands: constant scripts, arguments hacon checked, one argv each."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

from console.transport.client_probes import (
    SIP_SCRIPT,
    SipSettings,
    client_commands,
    vip_targets,
)
from console.transport.argv import remote_command


def test_only_real_addresses_and_plain_interface_names_reach_a_node() -> None:
    targets = vip_targets([("ClusterIP", "10.0.0.100", "eth0"), ("bad", "$(reboot)", "eth0"),
                           ("odd", "10.0.0.101", "eth0; reboot")])
    assert [(t.vip_id, t.address, t.nic) for t in targets] == [
        ("ClusterIP", "10.0.0.100", "eth0"), ("odd", "10.0.0.101", None)]
    named = dict(client_commands(targets, SipSettings()))
    assert named["links"] == ("ip", "-o", "link")
    arp = named["arp:ClusterIP"]
    assert arp[:2] == ("sh", "-c") and arp[-2:] == ("10.0.0.100", "eth0")
    assert named["sip:odd"][-4:] == ("10.0.0.101", "5060", "udp", "1")
    assert "'10.0.0.100'" in remote_command(arp) or " 10.0.0.100 " in remote_command(arp)


def test_the_sip_probe_reads_status_server_and_rtt_from_a_loopback_answer() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    port = server.getsockname()[1]
    probe = subprocess.Popen([sys.executable, "-c", SIP_SCRIPT, "127.0.0.1", str(port), "udp",
                              "3"], stdout=subprocess.PIPE, text=True)
    request, client = server.recvfrom(65535)
    assert request.startswith(b"OPTIONS sip:127.0.0.1:")
    server.sendto(b"SIP/2.0 200 OK\r\nServer: fake-opensips (node-b)\r\n\r\n", client)
    out, _ = probe.communicate(timeout=10)
    server.close()
    answer = json.loads(out)
    assert answer["answered"] and answer["status"] == "SIP/2.0 200 OK"
    assert answer["server"] == "fake-opensips (node-b)" and answer["rtt_ms"] >= 0


def test_no_answer_is_said_with_its_reason() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    port = server.getsockname()[1]
    out = subprocess.run([sys.executable, "-c", SIP_SCRIPT, "127.0.0.1", str(port), "udp",
                          "0.3"], capture_output=True, text=True, timeout=10).stdout
    server.close()
    answer = json.loads(out)
    assert not answer["answered"] and "timed out" in answer["error"]
