#!/usr/bin/python3
"""fake-opensips: a SIP stand-in that `ocf:heartbeat:anything` runs on the VIP's node.

Usage: fake-opensips ADDRESS PORT. Listens on UDP ADDRESS:PORT and answers every SIP OPTIONS with
`200 OK` and `Server: fake-opensips (<hostname>)`, so a probe tells which node answered. Other
requests get `501 Not Implemented`. Standard library only: it runs inside the lab's nodes.
"""

from __future__ import annotations

import socket
import sys

COPIED_HEADERS = ("via", "from", "to", "call-id", "cseq")


def answer(request: bytes, node: str) -> bytes:
    """The SIP response to one datagram (headers a client matches on are copied back)."""
    lines = request.decode("utf-8", errors="replace").split("\r\n")
    method = lines[0].split(" ", 1)[0]
    status = "200 OK" if method == "OPTIONS" else "501 Not Implemented"
    copied = [line for line in lines[1:] if line.split(":", 1)[0].strip().lower() in COPIED_HEADERS]
    response = [
        f"SIP/2.0 {status}",
        *copied,
        f"Server: fake-opensips ({node})",
        "Content-Length: 0",
        "",
        "",
    ]
    return "\r\n".join(response).encode()


def serve(address: str, port: int) -> None:
    """Answer forever; the resource agent stops us with a signal."""
    node = socket.gethostname()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((address, port))
        while True:
            request, peer = sock.recvfrom(65535)
            sock.sendto(answer(request, node), peer)


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
