"""One node's own view, read from the output of one batched probe session on that node.

The poller runs a single SSH session per node per round (console/transport/probes.py builds its
commands, console/transport/batch.py frames them) and hands each command's output here as a
`Section`. Parsing is pure and never raises on bad output: a command that failed, or printed
garbage, becomes a one-line `stack_error` on the view, never a crash and never invented data.

Sources, chosen to be cheap and right (checked on a live 2.1.5 lab, tests/lab/):
  * `cibadmin --query --no-children`: the version triple, `dc-uuid` and `have-quorum` from the
    <cib> root element, ~11 ms whatever the CIB size; the same session prints the whole CIB
    right after it, but only when the version differs from the one hacon already holds;
  * `corosync-quorumtool -s`: the node's partition (corosync membership, id and name of every
    member) and its quorum, straight from corosync, where Pacemaker gets them too. It changes
    the moment membership changes, while the CIB's node_state and have-quorum wait for a DC
    to write them. One process (~6 ms CPU) instead of `crm_node -l` + `crm_node -q` (~20 ms)
    on the lab, which matters for the idle cost on each node;
  * `ip -o addr show`: every address bound on the node's interfaces;
  * the service probe: `systemctl is-active UNIT` or `pgrep -x NAME`;
  * `stonith_admin --history '*' --verbose --output-as=xml`: this node's fencer history, every
    event (each side of a partition keeps its own), read with the membership.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from console.model.cluster import ClusterSnapshot
from console.model.errors import CibParseError, describe
from console.model.live.fencing import FenceEvent, parse_fence_history
from console.model.live.snapshot import NodeView
from console.model.types import CibVersion, cib_version, parse_bool
from console.model.xmlsafe import parse_xml


class ProbeSection(StrEnum):
    """Which probe a section of a node's probe session answers (`console.transport.probes`)."""

    VERSION = "version"
    """The <cib/> root line only (cibadmin -Q -n); the whole CIB, when it changed, is kept apart."""
    MEMBERSHIP = "membership"
    """corosync-quorumtool -s: this node's partition and quorum."""
    ADDRESSES = "addr"
    """ip -o addr show: the kernel's truth about the VIPs."""
    SERVICE_SYSTEMD = "service_systemd"
    """systemctl is-active UNIT."""
    SERVICE_PROCESS = "service_process"
    """pgrep -x NAME, where no systemd runs the service."""
    FENCING = "fencing"
    """stonith_admin --history '*' --verbose --output-as=xml: this node's fencer history."""


def failure_text(stdout: str, stderr: str) -> str:
    """A failed command's words on one line: its stderr, or its stdout when stderr is empty."""
    return " ".join(stderr.split()) or " ".join(stdout.split())


@dataclass(frozen=True, slots=True)
class Section:
    """One command's share of a probe session, decoded; `name` says which probe it is."""

    name: ProbeSection
    stdout: str
    stderr: str
    exit_status: int | None
    """None when the command did not complete (the session was cut short)."""

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    def error_line(self) -> str:
        """One line saying why the command failed, for an operator."""
        text = failure_text(self.stdout, self.stderr)
        if self.exit_status is None:
            return f"{self.name}: did not complete" + (f" ({text})" if text else "")
        return f"{self.name}: exit {self.exit_status}" + (f": {text[:200]}" if text else "")


@dataclass(frozen=True, slots=True)
class CibRoot:
    """What the <cib> root element of `cibadmin --query --no-children` says."""

    version: CibVersion
    dc_uuid: str | None
    have_quorum: bool | None


@dataclass(frozen=True, slots=True)
class Member:
    """A node in this node's corosync membership."""

    node_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Membership:
    """What `corosync-quorumtool -s` says: quorum, and the members of this node's partition."""

    quorate: bool | None
    members: tuple[Member, ...]
    two_node: bool | None = None
    """votequorum's two_node (the "2Node" flag); None when no Flags line was printed."""


def split_version_output(data: bytes) -> tuple[bytes, bytes | None]:
    """Split the version command's stdout into the <cib/> root line and the full CIB, if any.

    `cibadmin --query --no-children` prints the childless root on one line; the probe script
    appends the whole CIB only when the version changed (else nothing follows).
    """
    root, _, rest = data.lstrip().partition(b"\n")
    return root, (rest if rest.strip() else None)


def parse_cib_root(xml: str | bytes) -> CibRoot:
    """Read the version triple, DC uuid and quorum from a <cib> root element.

    Raises:
        CibParseError: not XML, not a <cib> element, or a garbled version attribute.
    """
    root = parse_xml(xml)
    if root.tag != "cib":
        raise CibParseError(f"expected a <cib> element, got <{root.tag}>")
    return CibRoot(cib_version(root), root.get("dc-uuid") or None,
                   parse_bool(root.get("have-quorum")))


def parse_quorumtool(text: str) -> Membership:
    """Parse `corosync-quorumtool -s` (C locale): the "Quorate:" line and the member table.

    Member rows follow the "Nodeid ... Name" header: the id first, the name last (before a
    "(local)" mark); a Qdevice column in between is ignored. Unreadable rows are skipped.
    """
    quorate: bool | None = None
    two_node: bool | None = None
    members: list[Member] = []
    in_table = False
    for line in text.splitlines():
        fields = line.split()
        if line.startswith("Quorate:") and len(fields) >= 2:
            quorate = {"yes": True, "no": False}.get(fields[1].lower())
        elif line.startswith("Flags:"):
            two_node = "2Node" in fields[1:]
        elif fields[:1] == ["Nodeid"] and fields[-1:] == ["Name"]:
            in_table = True
        elif in_table and len(fields) >= 3 and fields[0].isdigit():
            names = [field for field in fields[2:] if field != "(local)"]
            if names:
                members.append(Member(fields[0], names[-1]))
    return Membership(quorate, tuple(members), two_node)


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
    if section.name == ProbeSection.SERVICE_SYSTEMD:
        states = {"active": True, "reloading": True, "inactive": False, "failed": False,
                  "deactivating": False, "activating": False}
        return states.get(word[0].strip()) if word else None
    if section.name == ProbeSection.SERVICE_PROCESS:
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


def build_node_view(node: str, sections: Mapping[ProbeSection, Section], fetched_at: float,
                    cib: ClusterSnapshot | None = None) -> NodeView:
    """One node's view from its probe sections.

    `cib` is this node's own CIB as last parsed (used only to name a DC that is not among the
    members, e.g. a stale dc-uuid right after a partition). The VIP bindings are left to
    `build_live_snapshot`, which knows every VIP.
    """
    problems: list[str] = []
    root = _root_of(sections.get(ProbeSection.VERSION), problems)
    membership = _membership_of(sections.get(ProbeSection.MEMBERSHIP), problems)
    quorate = membership.quorate if membership is not None else None
    if quorate is None and root is not None:
        quorate = root.have_quorum
    members = membership.members if membership is not None else ()
    addresses = _addresses_of(sections.get(ProbeSection.ADDRESSES), problems)
    service = (sections.get(ProbeSection.SERVICE_SYSTEMD)
               or sections.get(ProbeSection.SERVICE_PROCESS))
    return NodeView(
        node=node, reachable=True, reason=None,
        cib_version=root.version if root else None,
        dc=_dc_name(root, members, cib),
        quorate=quorate,
        two_node=membership.two_node if membership is not None else None,
        online=tuple(sorted(member.name for member in members)),
        service_running=parse_service_state(service),
        fetched_at=fetched_at, addresses=addresses,
        stack_error="; ".join(problems) or None,
        fence_history=fence_history_of(sections.get(ProbeSection.FENCING)),
    )


def fence_history_of(section: Section | None) -> tuple[FenceEvent, ...] | None:
    """The node's fencer history; None when not read or unreadable (never a stack error: a
    node without fencing configured still runs its cluster)."""
    if section is None or not section.ok:
        return None
    try:
        return parse_fence_history(section.stdout)
    except CibParseError:
        return None


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


def _membership_of(section: Section | None, problems: list[str]) -> Membership | None:
    # Exit status 2 is corosync-quorumtool's "not quorate": a valid answer, not a failure.
    if section is None or section.exit_status not in (0, 2):
        problems.append(section.error_line() if section else "no membership in the probe output")
        return None
    membership = parse_quorumtool(section.stdout)
    if membership.quorate is None or not membership.members:
        problems.append("membership unreadable: corosync-quorumtool printed no quorum/members")
        return None
    return membership


def _addresses_of(section: Section | None,
                  problems: list[str]) -> dict[str, tuple[str, ...]] | None:
    if section is None or not section.ok:
        problems.append(section.error_line() if section else "no addresses in the probe output")
        return None
    return parse_ip_addresses(section.stdout)


def _dc_name(root: CibRoot | None, members: tuple[Member, ...],
             cib: ClusterSnapshot | None) -> str | None:
    """Name the DC from its uuid (= corosync node id): the members first, then the node's CIB."""
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
