"""The VIP as clients see it: who answers ARP for it on the LAN, and whether the service answers.

Pacemaker's view and the interfaces are not the whole truth: a client reaches whichever MAC
answered its ARP request last. Duplicate-address detection (iputils `arping -D`) run from each
reachable node lists the MACs that answer for the VIP; two MACs is a split brain even when the
second node cannot be reached over SSH. A node does not answer its own probe, so a holder's own
MAC (from its `ip -o link`) is counted from its kernel's truth. MACs map to nodes through every
node's `ip -o link`. A SIP OPTIONS sent to the VIP says whether the service answers there.

A probe that could not run says why ("not probed: arping missing on node-a"): never silence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from console.model.live.node_view import failure_text


MISSING_EXIT = 127
"""The shell's "command not found"."""


@dataclass(frozen=True, slots=True)
class ProbeOutput:
    """One client-probe command's output on one node ("links", "arp:ID", "sip:ID")."""

    stdout: str
    stderr: str
    exit_status: int | None

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    def error_line(self) -> str:
        text = failure_text(self.stdout, self.stderr)
        return f"exit {self.exit_status}" + (f": {text[:120]}" if text else "")


@dataclass(frozen=True, slots=True)
class SipAnswer:
    """One SIP OPTIONS probe of a VIP from one origin (a node, or "host")."""

    answered: bool
    status: str | None = None
    """The status line, "SIP/2.0 200 OK"."""
    server: str | None = None
    """The Server (or User-Agent) header."""
    rtt_ms: float | None = None
    error: str | None = None
    """Why there was no answer (timeout, refused, no route)."""


@dataclass(frozen=True, slots=True)
class NodeClientProbe:
    """What one node's client probes found, per VIP id."""

    arp: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """VIP id -> MACs that answered this node's duplicate-address probe (lower case)."""
    sip: Mapping[str, SipAnswer] = field(default_factory=dict)
    links: Mapping[str, str] = field(default_factory=dict)
    """Interface -> its MAC, from `ip -o link`."""
    not_probed: tuple[str, ...] = ()
    """"arping missing", "python3 missing", ... (the node's name is added when shown)."""
    probed_at: float | None = None


@dataclass(frozen=True, slots=True)
class ClientView:
    """One VIP as clients on the LAN see it."""

    arp: Mapping[str, tuple[str, ...]]
    """Probing node -> the MACs that answered for the VIP (a holder adds its own)."""
    arp_nodes: tuple[str, ...]
    """The nodes owning those MACs; "?" stands for a MAC no reachable node owns."""
    service: Mapping[str, SipAnswer]
    """Probe origin (node name, or "host") -> what the SIP OPTIONS got."""
    not_probed: tuple[str, ...] = ()
    mac_owners: Mapping[str, str] = field(default_factory=dict)
    """MAC -> the node owning it ("?" when no reachable node does)."""

    @property
    def macs(self) -> tuple[str, ...]:
        return tuple(sorted({mac for macs in self.arp.values() for mac in macs}))


@dataclass(frozen=True, slots=True)
class ClientProbes:
    """Every node's client probes and the host's own SIP probes, as the poller last ran them."""

    nodes: Mapping[str, NodeClientProbe] = field(default_factory=dict)
    host: Mapping[str, SipAnswer] = field(default_factory=dict)


def parse_arping(text: str) -> tuple[str, ...]:
    """The MACs in `arping -D` replies: "Unicast reply from 10.0.0.100 [AA:BB:..]  0.6ms"."""
    macs = []
    for line in text.splitlines():
        if "reply from" in line and "[" in line and "]" in line:
            mac = line.split("[", 1)[1].split("]", 1)[0].strip().lower()
            if mac and mac not in macs:
                macs.append(mac)
    return tuple(macs)


def parse_links(text: str) -> dict[str, str]:
    """Interface -> MAC from `ip -o link` ("2: eth0@if5: <...> ... link/ether aa:bb:...")."""
    links: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.replace("\\", " ").split()
        if len(fields) < 2 or "link/ether" not in fields:
            continue
        position = fields.index("link/ether")
        if position + 1 < len(fields):
            links[fields[1].rstrip(":").partition("@")[0]] = fields[position + 1].lower()
    return links


def parse_sip_probe(text: str) -> SipAnswer:
    """The one JSON line the node-side SIP probe prints (see transport.client_probes)."""
    try:
        data = json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return SipAnswer(False, error=f"unreadable probe output: {text.strip()[:80]!r}")
    if not isinstance(data, dict):
        return SipAnswer(False, error="unreadable probe output")
    rtt = data.get("rtt_ms")
    return SipAnswer(bool(data.get("answered")), _str(data.get("status")),
                     _str(data.get("server")), float(rtt) if isinstance(rtt, (int, float))
                     else None, _str(data.get("error")))


def _str(value: object) -> str | None:
    return str(value)[:200] if value else None


def probe_from_sections(sections: Mapping[str, ProbeOutput],
                        probed_at: float) -> NodeClientProbe:
    """A node's client probes from its session's sections ("links", "arp:ID", "sip:ID")."""
    arp: dict[str, tuple[str, ...]] = {}
    sip: dict[str, SipAnswer] = {}
    missing: list[str] = []
    for name, section in sections.items():
        kind, _, vip_id = name.partition(":")
        if section.exit_status == MISSING_EXIT:
            missing.append(_tool(kind))
        elif kind == "arp" and section.ok:
            arp[vip_id] = parse_arping(section.stdout)
        elif kind == "arp":
            missing.append(f"arping failed ({section.error_line()})")
        elif kind == "sip" and section.exit_status is not None:
            sip[vip_id] = parse_sip_probe(section.stdout)
    links = sections.get("links")
    return NodeClientProbe(arp, sip, parse_links(links.stdout) if links and links.ok else {},
                           tuple(sorted(set(missing))), probed_at)


def _tool(kind: str) -> str:
    return {"arp": "arping missing", "sip": "python3 missing", "links": "ip missing"}.get(
        kind, f"{kind} missing")


def client_views(probes: Mapping[str, NodeClientProbe],
                 bound: Mapping[str, Mapping[str, tuple[str, ...]]],
                 host: Mapping[str, SipAnswer] | None = None,
                 links: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, ClientView]:
    """VIP id -> ClientView from every reachable node's probes.

    Args:
        probes: node -> its client probes (reachable nodes only).
        bound: node -> {VIP id -> its interfaces holding it}: a holder answers for the VIP with
            its own MAC, which its own probe cannot see.
        host: VIP id -> hacon's own SIP probe from the host, where routable.
        links: node -> {interface -> MAC} as last read from every node, reachable or not (a
            silent node's MAC is still its MAC); default: the probes' own.
    """
    known = links if links is not None else {node: p.links for node, p in probes.items()}
    owners = {mac: node for node, by_interface in known.items()
              for mac in by_interface.values()}
    vip_ids = sorted({vip for probe in probes.values() for vip in (*probe.arp, *probe.sip)}
                     | set(host or {}))
    not_probed = tuple(f"not probed: {reason} on {node}" for node, probe in sorted(probes.items())
                       for reason in probe.not_probed)
    return {vip_id: _view(vip_id, probes, bound, owners, host or {}, not_probed)
            for vip_id in vip_ids}


def _view(vip_id: str, probes: Mapping[str, NodeClientProbe],
          bound: Mapping[str, Mapping[str, tuple[str, ...]]], owners: Mapping[str, str],
          host: Mapping[str, SipAnswer], not_probed: tuple[str, ...]) -> ClientView:
    arp: dict[str, tuple[str, ...]] = {}
    for node, probe in sorted(probes.items()):
        if vip_id not in probe.arp:
            continue
        own = tuple(probe.links.get(interface, "") for interface in
                    bound.get(node, {}).get(vip_id, ()))
        arp[node] = tuple(sorted({*probe.arp[vip_id], *(mac for mac in own if mac)}))
    macs = {mac for found in arp.values() for mac in found}
    service = {node: probe.sip[vip_id] for node, probe in sorted(probes.items())
               if vip_id in probe.sip}
    if vip_id in host:
        service["host"] = host[vip_id]
    return ClientView(arp, tuple(sorted({owners.get(mac, "?") for mac in macs})), service,
                      not_probed, {mac: owners.get(mac, "?") for mac in sorted(macs)})
