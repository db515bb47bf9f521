"""What each demo node answers over SSH: the commands hacon's poller and actions send.

A plain-Python handler for `console.transport.local_server` (no asyncssh here): it receives the
plain argv (the server strips `env LC_ALL=C`/`timeout` and splits hacon's batches) and answers
from the demo cluster's state, as the node's own tools would. Anything else exits 127, like a
shell that does not know the command.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

from console.demo import clients, tools
from console.demo.cib import render_cib
from console.demo.cluster import DemoCluster
from console.demo.fencing import history_xml
from console.demo.config import (
    SERVICE_ID,
    SERVICE_PROCESS,
    VIP_ADDRESS,
    VIP_ID,
    VIP_NETMASK,
    VIP_NIC,
    node_address,
    node_id,
)
from console.demo.membership import quorumtool_status
from console.demo.patch import NOT_MODELLED, PatchRefused, apply_patch, modelled_config
from console.demo.predict import predict
from console.demo.simulate import crm_simulate
from console.model.errors import CibParseError
from console.model.xmlsafe import parse_xml

Answer = tuple[int, bytes, bytes]
NOT_INSTALLED = 127
VERSION_SCRIPT_NAME = "hacon-version"
PREVIEW_SCRIPT_NAME = "hacon-preview"
"""$0 of the preview wrapper (console.actions.plans.SIMULATE_ARGV)."""
WATCH_SCRIPT_NAME = "hacon-watch"
WATCH_TICK = 0.25
"""How often the push channel looks for a change (the demo's stand-in for CIB notifications)."""


class DemoNodeDown(Exception):
    """The node is powered off: the SSH side must drop the connection."""


class DemoHandler:
    """Answers for every demo node, from one `DemoCluster`.

    Args:
        cluster: the state machine behind the nodes.
        node_down: the exception to raise for a powered-off node (the SSH server's
            "drop the connection"); `DemoNodeDown` by default.
    """

    def __init__(self, cluster: DemoCluster,
                 node_down: Callable[[str], Exception] = DemoNodeDown) -> None:
        self.cluster = cluster
        self._node_down = node_down

    async def handle(self, node: str, argv: list[str], stdin: bytes) -> Answer:
        """(exit status, stdout, stderr) of `argv` run on `node`."""
        return self.answer(node, argv, stdin)

    def answer(self, node: str, argv: Sequence[str], stdin: bytes = b"") -> Answer:
        """The synchronous core of `handle` (tests call it directly)."""
        self.cluster.catch_up()
        if not self.cluster.reachable(node):
            raise self._node_down(node)
        command = _COMMANDS.get(argv[0]) if argv else None
        if command is None:
            name = argv[0] if argv else ""
            return 127, b"", f"sh: 1: {name}: not found\n".encode()
        return command(self, node, list(argv[1:]), stdin)

    def stream(self, node: str, argv: list[str]) -> AsyncIterator[bytes] | None:
        """The push channel (crm_mon with an external agent, `-E`); None for anything else."""
        if "crm_mon" in argv and "-E" in argv or argv[3:4] == [WATCH_SCRIPT_NAME]:
            return self._watch(node)
        return None

    async def _watch(self, node: str) -> AsyncIterator[bytes]:
        # crm_mon prints a "." for every CIB change notification it receives; the demo ends
        # each with a newline, so a line reader sees every change at once.
        seen = None
        while True:
            self.cluster.catch_up()
            if not self.cluster.reachable(node):
                raise self._node_down(node)
            version = self.cluster.partition_of(node).version
            if seen is not None and version != seen:
                yield b".\n"
            seen = version
            await asyncio.sleep(WATCH_TICK)

    # -- the commands --------------------------------------------------------------------------

    def _cib(self, node: str, root_only: bool = False) -> bytes:
        partition = self.cluster.partition_of(node)
        return render_cib(partition, self.cluster.runtimes, self.cluster.node_names,
                          root_only=root_only)

    def _cibadmin(self, node: str, words: list[str], stdin: bytes) -> Answer:
        if {"-P", "--patch"} & set(words):
            return self._patch(node, words, stdin)
        query = {"-Q", "--query"} & set(words)
        rest = set(words) - {"-Q", "--query", "-n", "--no-children", "-l", "--local"}
        if not query or rest:
            return 64, b"", b"cibadmin: the demo nodes answer only --query [--no-children]\n"
        return 0, self._cib(node, root_only=bool({"-n", "--no-children"} & set(words))), b""

    def _patch(self, node: str, words: list[str], stdin: bytes) -> Answer:
        """`cibadmin --patch --xml-pipe` (patch on stdin) or `--xml-text PATCH`."""
        rest = [word for word in words if word not in ("-P", "--patch")]
        if rest in (["-p"], ["--xml-pipe"]):
            data = stdin
        elif len(rest) == 2 and rest[0] in ("-X", "--xml-text"):
            data = rest[1].encode()
        else:
            return 64, b"", b"cibadmin: the demo nodes take a patch with --xml-pipe or --xml-text\n"
        try:
            apply_patch(self.cluster, node, data)
        except PatchRefused as refused:
            return refused.exit_status, b"", str(refused).encode()
        return 0, b"", b""

    def _shell(self, node: str, words: list[str], stdin: bytes) -> Answer:
        if words[:1] == ["-c"] and words[2:3] == [VERSION_SCRIPT_NAME] and len(words) == 6:
            return self._version_check(node, words[3:6])
        if words[:1] == ["-c"] and words[2:3] == [PREVIEW_SCRIPT_NAME] and len(words) > 3:
            return self.answer(node, words[3:], stdin)  # its private shadow dir is not needed
        if words[:1] == ["-c"] and words[2:3] == [clients.ARP_SCRIPT_NAME] and len(words) == 5:
            return clients.arping_dad(self.cluster, node, words[3])
        return 127, b"", b"sh: the demo nodes run only hacon's own scripts\n"

    def _version_check(self, node: str, known: list[str]) -> Answer:
        """Print the CIB root; and the whole CIB when its version differs from `known`."""
        root = self._cib(node, root_only=True)
        version = [str(part) for part in self.cluster.partition_of(node).version]
        if known == version:
            return 0, root, b""
        return 0, root + self._cib(node), b""

    def _crm_node(self, node: str, words: list[str], stdin: bytes) -> Answer:
        partition = self.cluster.partition_of(node)
        if words in (["-l"], ["--list"]):
            lines = [f"{node_id(name)} {name} "
                     f"{'member' if name in partition.members else 'lost'}\n"
                     for name in self.cluster.node_names]
            return 0, "".join(lines).encode(), b""
        if words in (["-q"], ["--quorum"]):
            return 0, b"1\n" if partition.quorate else b"0\n", b""
        if words in (["-n"], ["--name"]):
            return 0, f"{node}\n".encode(), b""
        if words in (["-p"], ["--partition"]):
            return 0, (" ".join(partition.members) + "\n").encode(), b""
        return 64, b"", b"crm_node: the demo nodes answer -l, -q, -n and -p\n"

    def _quorumtool(self, node: str, words: list[str], stdin: bytes) -> Answer:
        if words not in (["-s"], ["--status"]):
            return 1, b"", b"corosync-quorumtool: the demo nodes answer only -s\n"
        partition = self.cluster.partition_of(node)
        status, out = quorumtool_status(node, partition, len(self.cluster.node_names),
                                        self.cluster.timeline.clock.wall())
        return status, out, b""

    def _ip(self, node: str, words: list[str], stdin: bytes) -> Answer:
        if words == ["-o", "link"]:
            return 0, clients.ip_link(node), b""
        if words not in (["-o", "addr", "show"], ["-o", "addr"], ["-o", "a"]):
            return 255, b"", b'Command "' + " ".join(words).encode() + b'" is unknown.\n'
        # The lab's layout (tests/fixtures/lab/*/node-X.ip-addr.txt).
        lifetimes = "\\       valid_lft forever preferred_lft forever"
        lines = [f"1: lo    inet 127.0.0.1/8 scope host lo{lifetimes}",
                 f"1: lo    inet6 ::1/128 scope host {lifetimes}",
                 (f"2: {VIP_NIC}    inet {node_address(node)}/{VIP_NETMASK} scope global "
                 f"{VIP_NIC}{lifetimes}")]
        if self.cluster.runtime(node).history[VIP_ID].running:
            lines.append(f"2: {VIP_NIC}    inet {VIP_ADDRESS}/{VIP_NETMASK} scope global "
                         f"secondary {VIP_NIC}{lifetimes}")
        lines.append(f"2: {VIP_NIC}    inet6 fe80::2{node_id(node)}:aff:fe00:{node_id(node)}/64 "
                     f"scope link {lifetimes}")
        return 0, "".join(line + "\n" for line in lines).encode(), b""

    def _service_runs(self, node: str) -> bool:
        return self.cluster.runtime(node).history[SERVICE_ID].running

    def _pgrep(self, node: str, words: list[str], stdin: bytes) -> Answer:
        names = [word for word in words if word not in ("-x", "--")]
        if names != [SERVICE_PROCESS] or not self._service_runs(node):
            return 1, b"", b""
        return 0, f"{4100 + 17 * int(node_id(node))}\n".encode(), b""

    def _systemctl(self, node: str, words: list[str], stdin: bytes) -> Answer:
        units = [word for word in words if word not in ("is-active", "--")]
        if "is-active" not in words or len(units) != 1:
            return 1, b"", b"systemctl: the demo nodes answer only is-active UNIT\n"
        unit = units[0].removesuffix(".service")
        running = unit == SERVICE_PROCESS and self._service_runs(node)
        return (0, b"active\n", b"") if running else (3, b"inactive\n", b"")

    def _env(self, node: str, words: list[str], stdin: bytes) -> Answer:
        """`env NAME=VALUE... COMMAND...` (hacon's previews set CIB_shadow_dir this way)."""
        while words and "=" in words[0] and not words[0].startswith("-"):
            words = words[1:]
        if not words or words[0] == "env":
            return 125, b"", b"env: the demo nodes run `env NAME=VALUE... COMMAND...` only\n"
        return self.answer(node, words, stdin)

    def _crm_simulate(self, node: str, words: list[str], stdin: bytes) -> Answer:
        if {"-p", "--xml-pipe"} & set(words) and not self._models(node, stdin):
            # A preview of a change the demo could not apply: the action is refused here,
            # before anything is asked or written.
            return 1, b"", f"{NOT_MODELLED}\n".encode()
        answer = crm_simulate(words, stdin, self._cib(node))
        if answer[0] == NOT_INSTALLED and {"-p", "--xml-pipe"} & set(words) \
                and "--output-as=xml" in words:
            return predict(self.cluster, node, stdin)  # no Pacemaker here: the demo's own
        return answer

    def _models(self, node: str, cib: bytes) -> bool:
        try:
            return modelled_config(self.cluster, node, parse_xml(cib)) is not None
        except CibParseError:
            return True  # not the demo's business: crm_simulate says what is wrong with it

    def _crm_attribute(self, node: str, words: list[str], stdin: bytes) -> Answer:
        return tools.crm_attribute(self.cluster, node, words)

    def _crm_resource(self, node: str, words: list[str], stdin: bytes) -> Answer:
        return tools.crm_resource(self.cluster, node, words)

    def _stonith_admin(self, node: str, words: list[str], stdin: bytes) -> Answer:
        reboot_options = words[2:]  # none, or hacon's `--timeout SECONDS`
        if words[:1] == ["--reboot"] and len(words) >= 2 and len(reboot_options) in (0, 2) \
                and reboot_options[:1] in ([], ["--timeout"]):
            return self._reboot(node, words[1])
        if words[:1] == ["--history"] and len(words) >= 2:
            target = words[1]
            known = self.cluster.fencers[node]
            verbose = "--verbose" in words or "-V" in words
            return 0, history_xml([r for r in known if target in ("*", r.target)], verbose), b""
        return 64, b"", b"stonith_admin: the demo nodes answer only --history and --reboot\n"

    def _python3(self, node: str, words: list[str], stdin: bytes) -> Answer:
        """Only hacon's SIP probe: `python3 -c SCRIPT ADDRESS PORT TRANSPORT TIMEOUT`."""
        if words[:1] != ["-c"] or len(words) != 6:
            return 2, b"", b"python3: the demo nodes run only hacon's SIP probe\n"
        return clients.sip_options(self.cluster, node, words[2], words[3])

    def _reboot(self, node: str, target: str) -> Answer:
        if target not in self.cluster.fencers or target == node:
            return 1, b"", f"stonith_admin: cannot fence {target} from {node}\n".encode()
        self.cluster.fence(node, target)
        return 0, b"", b""


_COMMANDS: dict[str, Callable[[DemoHandler, str, list[str], bytes], Answer]] = {
    "cibadmin": DemoHandler._cibadmin,
    "sh": DemoHandler._shell,
    "crm_node": DemoHandler._crm_node,
    "corosync-quorumtool": DemoHandler._quorumtool,
    "ip": DemoHandler._ip,
    "pgrep": DemoHandler._pgrep,
    "systemctl": DemoHandler._systemctl,
    "crm_attribute": DemoHandler._crm_attribute,
    "crm_simulate": DemoHandler._crm_simulate,
    "env": DemoHandler._env,
    "crm_resource": DemoHandler._crm_resource,
    "stonith_admin": DemoHandler._stonith_admin,
    "python3": DemoHandler._python3,
}
