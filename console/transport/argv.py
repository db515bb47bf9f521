"""Argv builders for what hacon runs on a node, and the one way an argv becomes a remote command.

Pure functions: no I/O, no SSH. Every builder returns a tuple of strings; values that come from
the CIB or from the operator (node names, unit names) are separate argv elements, never pasted
into a string. `remote_command()` is the only place that turns an argv into the string an SSH
server's shell parses, and it does so with `shlex.join`, so a node called `a; rm -rf /` stays one
harmless argument.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Sequence

from console.model.types import CibVersion
from console.transport.base import Argv

LOCALE_ENV = ("env", "LC_ALL=C")
"""Prefix of every remote command: sshd sessions carry no locale, and we parse C-locale text."""

# Prints the childless <cib/> root; then, if any of admin_epoch/epoch/num_updates differs from
# $1/$2/$3, the whole CIB. The leading space in each pattern keeps ` epoch=` from matching
# ` admin_epoch=`. The CIB may move on between the two reads: the whole CIB then carries the
# newer version, which is the one hacon keeps.
VERSION_SCRIPT = r"""root=$(cibadmin --query --no-children) || exit $?
printf '%s\n' "$root"
case $root in *" admin_epoch=\"$1\""*) case $root in *" epoch=\"$2\""*)
  case $root in *" num_updates=\"$3\""*) exit 0;; esac;; esac;; esac
exec cibadmin --query"""
VERSION_SCRIPT_NAME = "hacon-version"
"""The script's $0: how a fake or demo node recognises the version check."""

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


def cib_version_or_cib(known: CibVersion) -> Argv:
    """The <cib/> root line, followed by the whole CIB when its version differs from `known`.

    `known`'s numbers are the script's only arguments: integers hacon formatted itself.
    """
    return ("sh", "-c", VERSION_SCRIPT, VERSION_SCRIPT_NAME,
            str(known.admin_epoch), str(known.epoch), str(known.num_updates))


def watch_changes() -> Argv:
    """The long-lived push channel (see WATCH_ARGV): any line it prints means "look now"."""
    return WATCH_ARGV


def membership() -> Argv:
    """This node's partition, quorum and corosync flags (two_node, wait_for_all)."""
    return ("corosync-quorumtool", "-s")


def shell_script(script: str) -> Argv:
    """A POSIX sh script run as one command (a batch of probes framed by `batch.Batch`)."""
    return ("sh", "-c", script)


def cib_version() -> Argv:
    """Only the `<cib admin_epoch= epoch= num_updates= .../>` element: ~11 ms on a live node."""
    return ("cibadmin", "-Q", "-n")


def cib_query() -> Argv:
    """The whole CIB as this node's CIB manager holds it."""
    return ("cibadmin", "-Q")


def crm_mon_xml() -> Argv:
    """This node's status view (DC, quorum, online nodes, where resources run), as XML."""
    return ("crm_mon", "-1", "--output-as=xml")


def crm_mon_events(*, fencing: bool = False, interval_s: int = 3600) -> Argv:
    """A push channel: crm_mon runs its external agent (`env`) for every resource operation.

    The agent prints the `CRM_notify_*` variables of each event to stdout; stream it with
    `NodeSession.stream`. `-i` only sets the redraw interval of the unused
    text output. With `fencing`, fencing events are reported too (`-W`).
    """
    argv = ["crm_mon", "--output-as=text", "--output-to=/dev/null", "-E", "/usr/bin/env"]
    if fencing:
        argv.append("-W")
    argv += ["-i", str(interval_s)]
    return tuple(argv)


def crm_node_name() -> Argv:
    """The node's own name as the cluster knows it."""
    return ("crm_node", "--name")


def crm_node_quorum() -> Argv:
    """Prints 1 when this node's partition has quorum, 0 otherwise."""
    return ("crm_node", "--quorum")


def crm_node_partition() -> Argv:
    """The names of the nodes in this node's partition, space separated."""
    return ("crm_node", "--partition")


def stonith_reboot(node: str, timeout_s: int) -> Argv:
    """Ask the cluster's fencers to reboot `node` (waits until the fencing is done, failed or
    timed out after `timeout_s`; stonith_admin's own default is 120 s)."""
    return ("stonith_admin", "--reboot", node, "--timeout", str(timeout_s))


# Without --verbose, stonith_admin --history prints ONE event, whatever the target: the last
# success in its newest-first list, i.e. the OLDEST success; newer fencings and every failure
# are left out (Pacemaker 2.1.5, pcmk__fence_history; seen on the lab after two fencings).
FULL_HISTORY = "--verbose"


def fence_history_of(node: str) -> Argv:
    """This node's fencer history for `node` alone (every event), as XML."""
    return ("stonith_admin", "--history", node, FULL_HISTORY, "--output-as=xml")


def fence_history() -> Argv:
    """This node's fencer history for every target (every event), as XML: who fenced whom,
    when, result."""
    return ("stonith_admin", "--history", "*", FULL_HISTORY, "--output-as=xml")


def ip_addresses() -> Argv:
    """Every address on every interface, one per line (`ip -o`): the kernel's truth for VIPs."""
    return ("ip", "-o", "addr", "show")


def service_active(unit: str) -> Argv:
    """`systemctl is-active` for one unit: exit 0 and "active" when it runs."""
    return ("systemctl", "is-active", "--", unit)


def process_running(name: str) -> Argv:
    """`pgrep -x` for an exact process name: exit 0 and the pids when one runs."""
    return ("pgrep", "-x", "--", name)


def cib_patch() -> Argv:
    """Apply the versioned patch on stdin; exit 103 unless the live CIB is at its source version."""
    return ("cibadmin", "--patch", "--xml-pipe")


PREVIEW_SCRIPT_NAME = "hacon-preview"
"""$0 of the preview wrapper, so that a process list names it."""
PRIVATE_SHADOW_SCRIPT = (
    'shadow=$(mktemp -d -t hacon-preview.XXXXXXXXXX) || exit 125; '
    'CIB_shadow_dir="$shadow" "$@"; status=$?; rm -rf -- "$shadow"; exit "$status"')
"""Runs its arguments with crm_simulate's shadow CIB (the whole CIB, stonith passwords included)
in a fresh 0700 directory, removed afterwards: never a predictable /tmp/shadow.<pid>."""


def crm_simulate_tool() -> Argv:
    """Pacemaker's scheduler on the CIB given on stdin: the transition and the status after it."""
    return ("crm_simulate", "--xml-pipe", "-S", "--output-as=xml")


def crm_simulate_private() -> Argv:
    """`crm_simulate_tool` on a node: a fixed script, the tool's words passed as its arguments."""
    return ("sh", "-c", PRIVATE_SHADOW_SCRIPT, PREVIEW_SCRIPT_NAME, *crm_simulate_tool())


def crm_resource_cleanup(resource: str, node: str | None = None) -> Argv:
    """Forget a resource's failures (on one node, or on every node)."""
    argv: tuple[str, ...] = ("crm_resource", "--cleanup", "--resource", resource)
    return argv + ("--node", node) if node is not None else argv


def crm_resource_refresh(resource: str, node: str | None = None) -> Argv:
    """Forget a resource's operation history and have Pacemaker probe it again."""
    argv: tuple[str, ...] = ("crm_resource", "--refresh", "--resource", resource)
    return argv + ("--node", node) if node is not None else argv


def controller_state(node: str) -> Argv:
    """The state of `node`'s controller (`S_IDLE` once a transition is over)."""
    return ("crmadmin", "-q", "-S", node)


def remote_command(argv: Sequence[str], *, kill_after: float | None = None) -> str:
    """The command string sent to the SSH server for `argv`: `env LC_ALL=C [timeout] argv...`.

    Args:
        argv: the command; each element is quoted on its own with `shlex.join`.
        kill_after: when given, the node itself ends the command after this many seconds
            (coreutils `timeout`, KILL one second later), so a command whose channel we
            abandoned does not linger on the node: OpenSSH ignores the SSH "signal" request,
            and a hung `cibadmin` left behind by every poll would pile up.

    Raises:
        ValueError: empty argv, or an element containing a NUL byte (cannot be sent).
    """
    if not argv:
        raise ValueError("empty command")
    if any("\0" in word for word in argv):
        raise ValueError("a command argument contains a NUL byte")
    prefix: list[str] = list(LOCALE_ENV)
    if kill_after is not None:
        prefix += ["timeout", "-k", "1", str(max(1, math.ceil(kill_after)))]
    return shlex.join([*prefix, *argv])


def unwrap_remote_command(command: str) -> list[str]:
    """The argv inside a `remote_command()` string: env assignments and `timeout` removed.

    Used by the in-process server (`local_server`) to hand fake nodes the plain argv. Raises
    ValueError on unbalanced quotes (shlex).
    """
    argv = shlex.split(command)
    if argv[:1] == ["env"]:
        argv = argv[1:]
        while argv and "=" in argv[0] and not argv[0].startswith("-"):
            argv = argv[1:]
    if argv[:1] == ["timeout"]:
        argv = _drop_timeout_prefix(argv[1:])
    return argv


def _drop_timeout_prefix(words: list[str]) -> list[str]:
    """Skip coreutils `timeout`'s options and its duration, keeping the wrapped argv."""
    while words and words[0].startswith("-"):
        option = words.pop(0)
        if option in ("-k", "-s", "--kill-after", "--signal"):
            words = words[1:]
    return words[1:]


PENGINE_DIR = "/var/lib/pacemaker/pengine"
"""Where the DC's scheduler saves its inputs (pe-input-N.bz2, pe-warn-N.bz2, pe-error-N.bz2)."""

PACEMAKER_LOGS = ("/var/log/pacemaker/pacemaker.log", "/var/log/pacemaker.log")
"""Pacemaker's own log file on a node (2.x default first, then the older place)."""


def list_scheduler_inputs() -> Argv:
    """Each saved input as `NAME SIZE MTIME` on one line (find -printf; nothing is read)."""
    return ("find", PENGINE_DIR, "-maxdepth", "1", "-type", "f", "-name", "pe-*.bz2",
            "-printf", "%f %s %T@\\n")


def pack_scheduler_inputs(names: Sequence[str]) -> Argv:
    """These inputs as one uncompressed tar on stdout (the files are bz2 already)."""
    return ("tar", "-C", PENGINE_DIR, "-cf", "-", "--", *names)


def transition_log_lines(patterns: Sequence[str], max_lines: int) -> Argv:
    """The log lines naming transitions and fencing results (fixed strings, no regex)."""
    argv = ["grep", "-a", "-h", "-s", "-F", "-m", str(max_lines)]
    for pattern in patterns:
        argv += ["-e", pattern]
    return (*argv, "--", *PACEMAKER_LOGS)
