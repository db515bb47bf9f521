"""Hostile CIB files: entities are never expanded, nothing is fetched, huge files still parse."""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from lxml import etree

from tests.hacon_process import hacon

SECRET = "hacon-test-secret-7f3a"


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = f'<!ENTITY leak "{SECRET}">'.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_trap() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request hacon might make."""
    requests: list[str] = []
    handler = type("Handler", (_RecordingHandler,), {"requests": requests})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def file_trap(tmp_path: Path) -> Path:
    """A FIFO: opening it for reading blocks until a writer comes, so a read attempt hangs hacon
    (and the test times out) instead of passing unnoticed."""
    fifo = tmp_path / "secret.fifo"
    os.mkfifo(fifo)
    return fifo


def cib_document(prolog: str, body: str = "&leak;") -> str:
    return (
        f'<?xml version="1.0"?>\n{prolog}\n<cib><configuration><crm_config/><nodes/><resources>'
        f'<primitive id="p" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes '
        f'id="ia"><nvpair id="n" name="x" value="{body}"/></instance_attributes></primitive>'
        f"</resources><constraints/></configuration><status/></cib>"
    )


def run_on(tmp_path: Path, document: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "hostile.xml"
    path.write_text(document)
    started = time.monotonic()
    result = hacon("status", "--cib-file", str(path), "--json", timeout=30)
    assert time.monotonic() - started < 30
    return result


def assert_refused(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, (result.stdout[:200], result.stderr)
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("hacon: ")
    assert SECRET not in result.stderr and "Traceback" not in result.stderr


def test_xxe_over_http_is_refused_and_nothing_is_fetched(
    tmp_path: Path, http_trap: tuple[str, list[str]]
) -> None:
    url, requests = http_trap
    result = run_on(tmp_path, cib_document(f'<!DOCTYPE cib [<!ENTITY leak SYSTEM "{url}/x">]>'))
    assert_refused(result)
    assert requests == []


def test_external_dtd_and_parameter_entities_are_not_fetched(
    tmp_path: Path, http_trap: tuple[str, list[str]]
) -> None:
    url, requests = http_trap
    for prolog in (
        f'<!DOCTYPE cib SYSTEM "{url}/cib.dtd">',
        f'<!DOCTYPE cib [<!ENTITY % remote SYSTEM "{url}/p.dtd"> %remote;]>',
    ):
        assert_refused(run_on(tmp_path, cib_document(prolog)))
    assert requests == []


def test_xxe_on_a_local_file_never_opens_it(tmp_path: Path, file_trap: Path) -> None:
    result = run_on(
        tmp_path, cib_document(f'<!DOCTYPE cib [<!ENTITY leak SYSTEM "file://{file_trap}">]>')
    )
    assert_refused(result)


def test_xinclude_is_not_processed(tmp_path: Path, http_trap: tuple[str, list[str]]) -> None:
    url, requests = http_trap
    document = cib_document("", body="plain").replace(
        "<constraints/>",
        f'<constraints><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/c"/>'
        "</constraints>",
    )
    result = run_on(tmp_path, document)
    assert result.returncode in (0, 2), result.stderr
    assert requests == []


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    prolog = "<!DOCTYPE cib [" + "".join(levels) + "]>"
    assert_refused(run_on(tmp_path, cib_document(prolog, body="&lol9;")))


def test_doctype_hidden_after_a_comment_is_still_refused(tmp_path: Path) -> None:
    prolog = '<!-- harmless --><!DOCTYPE cib [<!ENTITY leak "x">]>'
    assert_refused(run_on(tmp_path, cib_document(prolog)))


def _add(parent: etree._Element, tag: str, attributes: dict[str, str]) -> etree._Element:
    return etree.SubElement(parent, tag, attrib=attributes)


_HISTORY = {
    "call-id": "2",
    "rc-code": "0",
    "op-status": "0",
    "transition-key": "1:2:0:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "transition-magic": "0:0;1:2:0:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "last-rc-change": "1700000000",
    "exec-time": "10",
    "queue-time": "0",
    "op-digest": "0123456789abcdef0123456789abcdef",
}


def write_big_cib(path: Path, target_bytes: int) -> int:
    """A CIB of about target_bytes: 4 nodes, many primitives, an operation history for each."""
    root = etree.Element(
        "cib", attrib={"epoch": "1", "num_updates": "0", "admin_epoch": "0", "dc-uuid": "1"}
    )
    configuration = _add(root, "configuration", {})
    _add(configuration, "crm_config", {})
    nodes = _add(configuration, "nodes", {})
    resources = _add(configuration, "resources", {})
    _add(configuration, "constraints", {})
    status = _add(root, "status", {})
    histories = []
    for number in ("1", "2", "3", "4"):
        _add(nodes, "node", {"id": number, "uname": f"node-{number}"})
        state = _add(
            status,
            "node_state",
            {
                "id": number,
                "uname": f"node-{number}",
                "in_ccm": "true",
                "crmd": "online",
                "join": "member",
                "expected": "member",
            },
        )
        histories.append(_add(_add(state, "lrm", {"id": number}), "lrm_resources", {}))
    count = target_bytes // 900
    agent = {"class": "ocf", "provider": "heartbeat", "type": "Dummy"}
    for index in range(count):
        rid = f"rsc-{index:06d}"
        _add(resources, "primitive", {"id": rid, **agent})
        entry = _add(histories[index % 4], "lrm_resource", {"id": rid, **agent})
        for op, interval in (("start", "0"), ("monitor", "10000")):
            key = f"{rid}_{op}_{interval}"
            _add(
                entry,
                "lrm_rsc_op",
                {
                    "id": key,
                    "operation": op,
                    "operation_key": key,
                    "interval": interval,
                    **_HISTORY,
                },
            )
    etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="UTF-8")
    return count


@pytest.mark.slow
def test_a_50_mb_cib_still_parses(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    count = write_big_cib(path, 50 * 1024 * 1024)
    assert path.stat().st_size >= 50 * 1024 * 1024
    result = hacon("status", "--cib-file", str(path), "--json", timeout=600)
    assert result.returncode == 0, result.stderr
    assert f'"rsc-{count - 1:06d}"' in result.stdout
