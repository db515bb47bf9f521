"""The lab's pure parts, without root: configs, the SIP stand-in, and views of captured CIBs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from . import render
from .fake_opensips import answer
from .settings import LabSettings, node_address
from .sip import serving_node
from .views import NodeView, converged, parse_crm_mon

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lab"
TWO = {"node-a": "10.0.0.11", "node-b": "10.0.0.12"}
THREE = {**TWO, "node-c": "10.0.0.13"}


def test_corosync_two_node_only_for_exactly_two_nodes() -> None:
    assert "two_node: 1" in render.corosync_conf(TWO, 1000)
    three = render.corosync_conf(THREE, 1000)
    assert "two_node" not in three
    assert "name: node-c" in three and "nodeid: 3" in three and "token: 1000" in three


def test_known_hosts_trusts_every_node_key_for_the_vip() -> None:
    keys = {"node-a": "ssh-ed25519 AAAA-a", "node-b": "ssh-ed25519 AAAA-b"}
    lines = render.known_hosts(TWO, keys, "10.0.0.100").splitlines()
    assert "node-a,10.0.0.11 ssh-ed25519 AAAA-a" in lines
    assert {line for line in lines if line.startswith("10.0.0.100,vip ")} == {
        "10.0.0.100,vip ssh-ed25519 AAAA-a",
        "10.0.0.100,vip ssh-ed25519 AAAA-b",
    }


def test_ssh_config_has_a_block_per_node_and_the_vip() -> None:
    text = render.ssh_config(TWO, "10.0.0.100", Path("/k/id"), Path("/k/known_hosts"))
    assert text.count("Host ") == 3
    assert "Host vip\n    HostName 10.0.0.100\n    User root\n" in text
    assert "UserKnownHostsFile /k/known_hosts" in text


def test_fake_opensips_answers_options_and_names_its_node() -> None:
    request = (
        b"OPTIONS sip:x@10.0.0.100 SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\r\n"
        b"Call-ID: abc\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    )
    response = answer(request, "node-b").decode()
    assert response.startswith("SIP/2.0 200 OK\r\n")
    assert "Call-ID: abc\r\n" in response and serving_node(response) == "node-b"
    assert answer(b"INVITE sip:x SIP/2.0\r\n\r\n", "node-b").startswith(b"SIP/2.0 501")


def test_settings_refuse_what_the_lab_cannot_build() -> None:
    with pytest.raises(ValueError, match="1..6 nodes"):
        LabSettings(nodes=7)
    with pytest.raises(ValueError, match="/24"):
        node_address("10.0.0.0/16", 0)


def _views_of(scenario: str) -> dict[str, NodeView]:
    """Each captured CIB rendered by the real crm_mon (CIB_file), parsed by the lab's reader."""
    if shutil.which("crm_mon", path="/usr/sbin:/usr/bin") is None:
        pytest.skip("crm_mon not installed")
    views = {}
    for cib in sorted((FIXTURES / scenario).glob("*.cib.xml")):
        node = cib.name.removesuffix(".cib.xml")
        output = subprocess.run(
            ["crm_mon", "-1", "--output-as=xml"],
            env={"CIB_file": str(cib), "PATH": "/usr/sbin:/usr/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        views[node] = parse_crm_mon(node, output)
    return views


def test_views_of_a_healthy_capture_converge_on_the_holder() -> None:
    views = _views_of("healthy-2node")
    assert converged(views, frozenset(views)) == "node-a"


def test_views_of_a_split_brain_capture_never_converge() -> None:
    views = _views_of("split-brain")
    assert {node: (view.dc, view.holder()) for node, view in views.items()} == {
        "node-a": ("node-a", "node-a"),
        "node-b": ("node-b", "node-b"),
    }
    assert converged(views, frozenset(views)) is None
