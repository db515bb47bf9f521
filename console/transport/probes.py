"""What one poll round runs on a node, and the push channel that wakes the poller.

A round is ONE SSH session (`batch.run_batch`): the cheap CIB version check, which also prints
the whole CIB when (and only when) the version differs from the one hacon holds, the node's own
membership and quorum, its addresses, and the service probe. A second session per change would
cost another ~160 ms of sshd session setup, so the "full CIB only when changed" test runs on the
node, in a fixed script that takes hacon's last version as three integer arguments.

Nothing in these commands is built from CIB text: the scripts are constants, and the arguments
are integers hacon formatted itself or names from the operator's configuration, each one argv
element quoted by `shlex` in `argvs.remote_command`.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.model.live.node_view import ProbeSection
from console.model.types import CibVersion
from console.transport import argv as argvs
from console.transport.base import Argv

# What crm_mon prints every `-i` seconds while it cannot reach the cluster on its node (stack
# stopped or starting). These say nothing changed, so they must not wake every node each second;
# the node's own timed rounds report its state, and crm_mon's redraw on reconnecting wakes us.
WATCH_NOISE = (b"Waiting until cluster is available on this node", b"Reconnecting...",
               b"Connection to the cluster-daemons terminated")

UNKNOWN_VERSION = CibVersion(-1, -1, -1)
"""Sent when hacon holds no CIB of the node yet: never matches, so the whole CIB comes back."""


@dataclass(frozen=True, slots=True)
class ServiceProbe:
    """How to tell whether the service colocated with the VIP runs on a node.

    kind "systemd": `systemctl is-active UNIT`; kind "process": `pgrep -x NAME` (for nodes
    without systemd, like the lab, where the service is a plain process).
    """

    kind: str
    name: str

    def argv(self) -> Argv:
        if self.kind == "systemd":
            return argvs.service_active(self.name)
        if self.kind == "process":
            return argvs.process_running(self.name)
        raise ValueError(f"unknown service probe kind {self.kind!r} (systemd or process)")

    @property
    def section(self) -> ProbeSection:
        """The section its output is parsed under."""
        if self.kind == "systemd":
            return ProbeSection.SERVICE_SYSTEMD
        return ProbeSection.SERVICE_PROCESS


def version_argv(known: CibVersion | None) -> Argv:
    """The version check that also returns the whole CIB when it differs from `known`."""
    return argvs.cib_version_or_cib(known or UNKNOWN_VERSION)


def round_commands(known: CibVersion | None, probe: ServiceProbe | None, *,
                   membership: bool = True) -> tuple[tuple[ProbeSection, Argv], ...]:
    """The named commands of one round on one node, in the order they run.

    `membership=False` leaves out `corosync-quorumtool` (the costliest probe on an idle node,
    ~22 ms of CPU with corosync's side of the IPC, against ~13 ms for the version check); the
    poller does that on idle rounds, see `PollSettings.membership_interval`.
    """
    named: list[tuple[ProbeSection, Argv]] = [(ProbeSection.VERSION, version_argv(known))]
    if membership:
        named.append((ProbeSection.MEMBERSHIP, argvs.membership()))
    named.append((ProbeSection.ADDRESSES, argvs.ip_addresses()))
    if probe is not None:
        named.append((probe.section, probe.argv()))
    return tuple(named)


def is_change(line: bytes) -> bool:
    """Whether a push-channel line announces a change (anything but reconnect chatter)."""
    text = line.strip().lstrip(b".")
    return bool(line.strip()) and not any(text.startswith(noise) for noise in WATCH_NOISE)

