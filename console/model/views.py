"""One node's own view, read from the output of one batched probe session on that node.

The poller runs a single shell session per node per round (console/transport/probes.py). Each
command in it is framed by marker lines so that one command's failure, or output cut short by a
dropped connection, is attributed to that command alone:

    stdout:  \\x1eBEGIN <name>\\n <command stdout> \\n\\x1eEND <name> <exit status>\\n
    stderr:  \\x1eBEGIN <name>\\n <command stderr>

XML forbids the control character \\x1e, so no CIB content can forge a marker.

Sources, chosen to be cheap and right (checked on a live 2.1.5 lab, see the H5 report):
  * `cibadmin --query --no-children`: the version triple, `dc-uuid` and `have-quorum` from the
    <cib> root element, ~11 ms whatever the CIB size;
  * `crm_node -l`: the controller's own membership cache ("id name member|lost"), which changes
    the moment corosync's membership changes, while the CIB's node_state waits for a DC;
  * `crm_node -q`: the controller's own quorum ("1"/"0"), which the CIB's have-quorum lags;
  * `ip -o addr show`: every address bound on the node's interfaces;
  * the service probe: `systemctl is-active UNIT` or `pgrep -f PATTERN`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass

from console.model.cluster import ClusterSnapshot
from console.model.errors import CibParseError, describe
from console.model.live import NodeView
from console.model.types import CibVersion
from console.model.xmlsafe import parse_xml

MARKER = "\x1e"
"""Frames the sections of a probe session's output (ASCII record separator)."""

_END_LINE = re.compile(r"\n\x1eEND (?P<name>[A-Za-z0-9_-]+) (?P<rc>-?\d+)\n")
_BEGIN_LINE = re.compile(r"\x1eBEGIN (?P<name>[A-Za-z0-9_-]+)\n")


@dataclass(frozen=True, slots=True)
class Section:
    """One command's share of a probe session."""

    name: str
    stdout: str
    stderr: str
    exit_status: int | None
    """None when the END marker never came (the session was cut short)."""

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    def error_line(self) -> str:
        """One line saying why the command failed, for an operator."""
        text = " ".join(self.stderr.split()) or " ".join(self.stdout.split())
        if self.exit_status is None:
            return f"{self.name}: output cut short" + (f" ({text})" if text else "")
        return f"{self.name}: exit {self.exit_status}" + (f": {text[:200]}" if text else "")


@dataclass(frozen=True, slots=True)
class CibRoot:
    """What the <cib> root element of `cibadmin --query --no-children` says."""

    version: CibVersion
    dc_uuid: str | None
    have_quorum: bool | None


@dataclass(frozen=True, slots=True)
class Member:
    """One line of `crm_node -l`: a node the controller knows, and its membership state."""

    node_id: str
    name: str
    state: str
    """"member" or "lost" (Pacemaker's peer states)."""


def split_sections(stdout: str, stderr: str = "") -> dict[str, Section]:
    """Cut a probe session's output into its commands' sections.

    A section whose END marker is missing (connection dropped, command timed out) is still
    returned, with `exit_status=None` and whatever output came.
    """
    errors = _split_stderr(stderr)
    sections: dict[str, Section] = {}
    for chunk in stdout.split(f"{MARKER}BEGIN ")[1:]:
        name, _, body = chunk.partition("\n")
        end = _END_LINE.search(body)
        if end is not None and end.group("name") == name:
            text, status = body[: end.start()], int(end.group("rc"))
        else:
            text, status = body, None
        sections[name] = Section(name, text, errors.get(name, ""), status)
    return sections


def _split_stderr(stderr: str) -> dict[str, str]:
    """Stderr per section, by the BEGIN markers the script also writes to stderr."""
    parts: dict[str, str] = {}
    matches = list(_BEGIN_LINE.finditer(stderr))
    for index, match in enumerate(matches):
        stop = matches[index + 1].start() if index + 1 < len(matches) else len(stderr)
        parts[match.group("name")] = stderr[match.end() : stop]
    return parts


def parse_cib_root(xml: str | bytes) -> CibRoot:
    """Read the version triple, DC uuid and quorum from a <cib> root element.

    Raises:
        CibParseError: not XML, not a <cib> element, or a missing/garbled version attribute.
    """
    root = parse_xml(xml)
    if root.tag != "cib":
        raise CibParseError(f"expected a <cib> element, got <{root.tag}>")
    try:
        version = CibVersion(*(int(root.get(name, "")) for name in
                               ("admin_epoch", "epoch", "num_updates")))
    except ValueError:
        raise CibParseError("the <cib> element has no valid admin_epoch/epoch/num_updates") from None
    return CibRoot(version, root.get("dc-uuid") or None, _xml_bool(root.get("have-quorum")))


def _xml_bool(value: str | None) -> bool | None:
    """Pacemaker's booleans: "1"/"true"/"yes"/"on" and their opposites; None when absent."""
    if value is None:
        return None
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on", "y"):
        return True
    if text in ("0", "false", "no", "off", "n"):
        return False
    return None


def parse_crm_node_list(text: str) -> tuple[Member, ...]:
    """Parse `crm_node -l` ("<id> <name> <state>" per line); malformed lines are skipped."""
    members: list[Member] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0].isdigit():
            members.append(Member(*fields))
    return tuple(members)


def parse_crm_node_quorum(text: str) -> bool | None:
    """Parse `crm_node -q`: "1" with quorum, "0" without; None for anything else."""
    return {"1": True, "0": False}.get(text.strip())


def parse_ip_addresses(text: str) -> dict[str, tuple[str, ...]]:
    """Map every usable address in `ip -o addr show` output to the interfaces holding it.

    Addresses are normalised (`ipaddress`), so "2001:DB8:0::10" and "2001:db8::10" are the same
    key. An IPv6 address whose duplicate-address detection failed is not usable and is left out.
    """
    holders: dict[str, list[str]] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 4 or fields[2] not in ("inet", "inet6") or "dadfailed" in fields:
            continue
        address = normalise_address(fields[3].partition("/")[0])
        if address is None:
            continue
        interface = fields[1].rstrip(":").partition("@")[0]
        if interface not in holders.setdefault(address, []):
            holders[address].append(interface)
    return {address: tuple(sorted(names)) for address, names in holders.items()}


def normalise_address(text: str | None) -> str | None:
    """The canonical text of an IPv4/IPv6 address, or None when it is not one."""
    if not text:
        return None
    try:
        return str(ipaddress.ip_address(text.strip().partition("%")[0]))
    except ValueError:
        return None


def parse_service_state(section: Section | None) -> bool | None:
    """Whether the probed service runs: True/False, or None when it could not be told.

    `systemctl is-active` prints "active" (exit 0) or "inactive"/"failed"/... (exit 3);
    `pgrep` exits 0 when a process matched and 1 when none did. Anything else (no systemd, no
    probe configured, a command that is missing) is "unknown", never "not running".
    """
    if section is None or section.exit_status is None:
        return None
    word = section.stdout.strip().splitlines()[-1:] if section.stdout.strip() else []
    if section.name == "service_systemd":
        states = {"active": True, "reloading": True, "inactive": False, "failed": False,
                  "deactivating": False, "activating": False}
        return states.get(word[0].strip()) if word else None
    if section.name == "service_process":
        return {0: True, 1: False}.get(section.exit_status)
    return None


def vip_interfaces(addresses: Mapping[str, tuple[str, ...]],
                   vip_addresses: Mapping[str, str | None]) -> dict[str, tuple[str, ...]]:
    """VIP id -> the interfaces holding its address (empty tuple: not bound on this node)."""
    bound: dict[str, tuple[str, ...]] = {}
    for vip_id, address in vip_addresses.items():
        key = normalise_address(address)
        bound[vip_id] = addresses.get(key, ()) if key is not None else ()
    return bound


def build_node_view(node: str, sections: Mapping[str, Section], fetched_at: float,
                    cib: ClusterSnapshot | None = None) -> NodeView:
    """One node's view from its probe sections.

    `cib` is this node's own CIB as last parsed (used only to name the DC when `crm_node -l` did
    not answer). The VIP bindings are left to `build_live_snapshot`, which knows every VIP.
    """
    problems: list[str] = []
    root = _root_of(sections.get("version"), problems)
    members = _members_of(sections.get("nodes"), problems)
    quorum = sections.get("quorum")
    quorate = parse_crm_node_quorum(quorum.stdout) if quorum is not None else None
    if quorate is None and root is not None:
        quorate = root.have_quorum
    addresses = _addresses_of(sections.get("addr"), problems)
    service = sections.get("service_systemd") or sections.get("service_process")
    return NodeView(
        node=node, reachable=True, reason=None,
        cib_version=root.version if root else None,
        dc=_dc_name(root, members, cib),
        quorate=quorate if root is not None or members else None,
        online=tuple(sorted(m.name for m in members if m.state == "member")),
        service_running=parse_service_state(service),
        fetched_at=fetched_at, addresses=addresses,
        stack_error="; ".join(problems) or None,
    )


def _root_of(section: Section | None, problems: list[str]) -> CibRoot | None:
    if section is None:
        problems.append("no CIB version in the probe output")
        return None
    if not section.ok:
        problems.append(section.error_line())
        return None
    try:
        return parse_cib_root(section.stdout)
    except CibParseError as error:
        problems.append(f"CIB version unreadable: {describe(error)}")
        return None


def _members_of(section: Section | None, problems: list[str]) -> tuple[Member, ...]:
    if section is None or not section.ok:
        problems.append(section.error_line() if section else "no membership in the probe output")
        return ()
    return parse_crm_node_list(section.stdout)


def _addresses_of(section: Section | None,
                  problems: list[str]) -> dict[str, tuple[str, ...]] | None:
    if section is None or not section.ok:
        problems.append(section.error_line() if section else "no addresses in the probe output")
        return None
    return parse_ip_addresses(section.stdout)


def _dc_name(root: CibRoot | None, members: tuple[Member, ...],
             cib: ClusterSnapshot | None) -> str | None:
    """Name the DC from its uuid: the controller's member list first, then the node's CIB."""
    if root is None or root.dc_uuid is None:
        return None
    for member in members:
        if member.node_id == root.dc_uuid:
            return member.name
    if cib is not None:
        for node in cib.nodes.values():
            if node.id == root.dc_uuid:
                return node.name
    return None
