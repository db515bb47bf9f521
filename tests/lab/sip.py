"""A SIP OPTIONS probe for tests: ask the VIP who is serving."""

from __future__ import annotations

import secrets
import socket


def sip_options(address: str, port: int = 5060, timeout: float = 1.0) -> str | None:
    """Send one SIP OPTIONS over UDP; return the response text, or None when nothing answered."""
    call_id = secrets.token_hex(8)
    request = (
        f"OPTIONS sip:ping@{address}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bK{call_id}\r\n"
        "From: <sip:probe@lab>;tag=1\r\n"
        f"To: <sip:ping@{address}>\r\n"
        f"Call-ID: {call_id}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    )
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(request.encode(), (address, port))
        try:
            reply, _ = sock.recvfrom(65535)
        except OSError:  # timeout, or ICMP port unreachable surfacing as ECONNREFUSED
            return None
    return reply.decode("utf-8", errors="replace")


def serving_node(response: str | None) -> str | None:
    """The node name in `Server: fake-opensips (node-X)` of a 200 OK, or None."""
    if response is None or not response.startswith("SIP/2.0 200"):
        return None
    for line in response.split("\r\n"):
        if line.lower().startswith("server:") and "(" in line:
            return line.rsplit("(", 1)[1].rstrip(")")
    return None
