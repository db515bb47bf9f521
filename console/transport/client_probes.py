"""What hacon runs to see the VIP as clients do: ARP duplicate-address detection, a SIP OPTIONS.

Both scripts are constants. Their arguments are a VIP address hacon normalised itself
(`ipaddress`), an interface name that passed `_safe_interface`, and integers; each is one argv
element quoted by `shlex` in `commands.remote_command`. Nothing is installed on a node: a tool
that is missing exits 127 and is reported as "not probed: arping missing on node-a".
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from console.model.live.node_view import normalise_address
from console.transport.base import Argv

# $1 address, $2 interface (may be empty: the one holding the address, else the one routing
# to it). arping -D exits 0 when nobody answered and 1 when somebody did: both are answers.
ARP_SCRIPT = r"""addr=$1 dev=$2
command -v arping >/dev/null 2>&1 || { echo "arping missing" >&2; exit 127; }
if [ -z "$dev" ]; then
  dev=$(ip -o addr show to "$addr" | awk '{print $2; exit}')
  [ -n "$dev" ] || dev=$(ip -o route get "$addr" | awk '{for(i=1;i<NF;i++) if($i=="dev"){print $(i+1); exit}}')
fi
arping -D -I "$dev" -c 1 -w 1 "$addr"; rc=$?
[ "$rc" -le 1 ] && exit 0
exit "$rc"
"""

# argv: address port transport(udp|tcp) timeout-seconds. Prints one JSON line.
SIP_SCRIPT = r"""import json, socket, sys, time, uuid
addr, port, proto, timeout = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
out = {"answered": False}
try:
    sock = socket.socket(family, kind)
    sock.settimeout(timeout)
    sock.connect((addr, port))
    local, lport = sock.getsockname()[:2]
    tag = uuid.uuid4().hex[:12]
    host = "[%s]" % addr if ":" in addr else addr
    lhost = "[%s]" % local if ":" in local else local
    msg = ("OPTIONS sip:%s:%d SIP/2.0\r\nVia: SIP/2.0/%s %s:%d;branch=z9hG4bK%s;rport\r\n"
           "Max-Forwards: 70\r\nFrom: <sip:hacon@%s>;tag=%s\r\nTo: <sip:%s:%d>\r\n"
           "Call-ID: %s@hacon\r\nCSeq: 1 OPTIONS\r\nContact: <sip:hacon@%s:%d>\r\n"
           "Accept: application/sdp\r\nUser-Agent: hacon\r\nContent-Length: 0\r\n\r\n"
           % (host, port, proto.upper(), lhost, lport, tag, lhost, tag, host, port, tag,
              lhost, lport))
    start = time.monotonic()
    sock.sendall(msg.encode())
    data = sock.recv(65535)
    rtt = (time.monotonic() - start) * 1000
    lines = data.decode("utf-8", "replace").split("\r\n")
    server = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() in ("server", "user-agent") and server is None:
            server = value.strip()
    out = {"answered": lines[0].startswith("SIP/2.0"), "status": lines[0][:120],
           "server": server, "rtt_ms": round(rtt, 1)}
except Exception as error:
    out["error"] = "%s: %s" % (type(error).__name__, error)
print(json.dumps(out))
"""

_INTERFACE = re.compile(r"^[A-Za-z0-9_.:@-]{1,15}$")


@dataclass(frozen=True, slots=True)
class VipTarget:
    """A VIP to probe: its id (for the section names), address and the IPaddr2 nic (or None)."""

    vip_id: str
    address: str
    nic: str | None = None


@dataclass(frozen=True, slots=True)
class SipSettings:
    """Where the service listens on the VIP (`--sip-port`, `--sip-transport`)."""

    port: int = 5060
    transport: str = "udp"
    timeout: float = 1.0


def vip_targets(vips: Sequence[tuple[str, str | None, str | None]]) -> tuple[VipTarget, ...]:
    """(id, address, nic) from the CIB -> targets; an address that is not an IP is skipped."""
    targets = []
    for vip_id, address, nic in vips:
        normal = normalise_address(address)
        if normal is not None:
            targets.append(VipTarget(vip_id, normal, nic if _safe_interface(nic) else None))
    return tuple(targets)


def _safe_interface(name: str | None) -> bool:
    return name is not None and bool(_INTERFACE.match(name))


def arp_argv(target: VipTarget) -> Argv:
    """Duplicate-address detection for the VIP from this node."""
    return ("sh", "-c", ARP_SCRIPT, "hacon-arp", target.address, target.nic or "")


def sip_argv(target: VipTarget, sip: SipSettings, python: str = "python3") -> Argv:
    """A SIP OPTIONS to the VIP from wherever this runs (a node, or the host)."""
    return (python, "-c", SIP_SCRIPT, target.address, str(sip.port), sip.transport,
            f"{sip.timeout:g}")


def client_commands(targets: Sequence[VipTarget],
                    sip: SipSettings) -> tuple[tuple[str, Argv], ...]:
    """The named commands of one client-probe session on a node."""
    named: list[tuple[str, Argv]] = [("links", ("ip", "-o", "link"))]
    for target in targets:
        named.append((f"arp:{target.vip_id}", arp_argv(target)))
        named.append((f"sip:{target.vip_id}", sip_argv(target, sip)))
    return tuple(named)


async def host_sip_probe(target: VipTarget, sip: SipSettings) -> bytes:
    """The same SIP OPTIONS from the host hacon runs on (no route: the script says so)."""
    process = await asyncio.create_subprocess_exec(
        *sip_argv(target, sip, python=sys.executable),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL)
    out, _ = await process.communicate()
    return out
