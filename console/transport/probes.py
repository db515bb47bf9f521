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

from console.model.types import CibVersion
from console.transport import argv as argvs
from console.transport.base import Argv

# Prints the childless <cib/> root; then, if any of admin_epoch/epoch/num_updates differs from
# $1/$2/$3, the whole CIB. The leading space in each pattern keeps ` epoch=` from matching
# ` admin_epoch=`. The CIB may move on between the two reads: the whole CIB then carries the
# newer version, which is the one hacon keeps.
VERSION_SCRIPT = r"""root=$(cibadmin --query --no-children) || exit $?
printf '%s\n' "$root"
case $root in *" admin_epoch=\"$1\""*) case $root in *" epoch=\"$2\""*)
  case $root in *" num_updates=\"$3\""*) exit 0;; esac;; esac;; esac
exec cibadmin --query"""

# The push channel. crm_mon (not one-shot, plain text to stdout) prints a "." for every CIB
# change notification it receives (the text output's progress mark), redraws the status at once
# when its last redraw is older than `-i` (else within 2 s), and runs its external agent `env`
# for every resource operation, printing CRM_notify_* lines. `stdbuf -o0` makes all of that
# reach us as it happens instead of sitting in a pipe buffer. hacon does not parse any of it:
# every line only means "something changed, look now". With `-i 1` crm_mon also retries a lost
# CIB connection every second. The stream is opened with a max lifetime (coreutils `timeout` on
# the node), so a crm_mon whose console vanished does not outlive it for long; when the channel
# closes, its next write also ends it (SIGPIPE).
WATCH_ARGV = ("stdbuf", "-o0", "crm_mon", "--output-as=text", "-E", "/usr/bin/env", "-i", "1")

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
    def section(self) -> str:
        """The `views.Section` name its output is parsed under."""
        return f"service_{self.kind}" if self.kind == "systemd" else "service_process"


def version_argv(known: CibVersion | None) -> Argv:
    """The version check that also returns the whole CIB when it differs from `known`."""
    version = known or UNKNOWN_VERSION
    return (
        "sh",
        "-c",
        VERSION_SCRIPT,
        "hacon-version",
        str(version.admin_epoch),
        str(version.epoch),
        str(version.num_updates),
    )


def round_commands(known: CibVersion | None, probe: ServiceProbe | None, *,
                   membership: bool = True) -> tuple[tuple[str, Argv], ...]:
    """The named commands of one round on one node, in the order they run.

    `membership=False` leaves out `corosync-quorumtool` (the costliest probe on an idle node,
    ~22 ms of CPU with corosync's side of the IPC, against ~13 ms for the version check); the
    poller does that on idle rounds, see `PollSettings.membership_interval`.
    """
    named: list[tuple[str, Argv]] = [("version", version_argv(known))]
    if membership:
        named.append(("membership", ("corosync-quorumtool", "-s")))
    named.append(("addr", argvs.ip_addresses()))
    if probe is not None:
        named.append((probe.section, probe.argv()))
    return tuple(named)


def is_change(line: bytes) -> bool:
    """Whether a push-channel line announces a change (anything but reconnect chatter)."""
    text = line.strip().lstrip(b".")
    return bool(line.strip()) and not any(text.startswith(noise) for noise in WATCH_NOISE)


def watch_argv() -> Argv:
    """The long-lived push-channel command (see WATCH_ARGV)."""
    return WATCH_ARGV
