"""`hacon` as an operator runs it: a subprocess, its exit status, stdout and one-line errors."""

from __future__ import annotations

import bz2
import json
import subprocess
from pathlib import Path

import pytest

from console import __version__
from console.cli import main
from console.model.text_safety import printable
from tests.hacon_process import hacon
from tests.support.paths import REPO_ROOT
from tests.support.status_schema import assert_conforms

SAMPLE = REPO_ROOT / "console" / "data" / "sample-cib.xml"


def assert_one_line_error(result: subprocess.CompletedProcess[str], *, contains: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hacon: ") and contains in lines[0]
    assert "Traceback" not in result.stderr


def test_status_text_puts_the_vip_holder_first() -> None:
    result = hacon("status", "--cib-file", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "VIP 192.0.2.10/24 (ClusterIP) on node-a"
    assert any(line.split()[:2] == ["node-b", "online"] for line in lines)
    assert any(line.split()[:3] == ["OSIPS", "Started", "on"] for line in lines)
    assert result.stderr == ""


def test_status_json_follows_the_contract() -> None:
    result = hacon("status", "--cib-file", str(SAMPLE), "--json")
    assert result.returncode == 0, result.stderr
    document = assert_conforms(json.loads(result.stdout))
    assert document["schema_version"] == 1
    assert document["vips"]["ClusterIP"]["holder_nodes"] == ["node-a"]
    assert document["vips"]["ClusterIP"]["ip"] == "192.0.2.10"
    assert document["bans"] == []
    colocation = document["constraints"]["colocation"][0]
    assert (colocation["resource"], colocation["with_resource"], colocation["score_int"]) == (
        "OSIPS",
        "ClusterIP",
        1_000_000,
    )


def test_plain_hacon_and_demo_show_the_shipped_sample() -> None:
    plain, demo = hacon(), hacon("demo")
    assert plain.returncode == demo.returncode == 0
    assert plain.stdout == demo.stdout
    assert plain.stdout.startswith("VIP 192.0.2.10/24 (ClusterIP) on node-a\n")


def test_version() -> None:
    result = hacon("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"hacon {__version__}")


def test_missing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    assert_one_line_error(
        hacon("status", "--cib-file", str(tmp_path / "nope.xml")), contains="No such file"
    )


def test_directory_instead_of_file_is_one_line_exit_2(tmp_path: Path) -> None:
    assert_one_line_error(hacon("status", "--cib-file", str(tmp_path)), contains="cannot read")


def test_status_without_a_source_says_what_is_missing() -> None:
    assert_one_line_error(hacon("status"), contains="--cib-file")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<cib><configuration>", "malformed"),
        (b"", "empty"),
        (b"\x00\x01\x02 binary garbage", "XML"),
        (b"<html><body>not a cib</body></html>", "not a CIB"),
        (b"<cib/>", "not a CIB"),
        (b'<cib><configuration><resources><primitive id="a\x1b[31m"/>', "XML"),
    ],
)
def test_unusable_input_is_one_line_exit_2(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "cib.xml"
    path.write_bytes(content)
    result = hacon("status", "--cib-file", str(path))
    assert_one_line_error(result, contains=reason)
    assert "\x1b" not in result.stderr


def test_names_from_the_cib_cannot_drive_the_terminal(tmp_path: Path) -> None:
    # XML 1.0 forbids ESC, but allows C1 controls (U+009B is a one-byte CSI), bidi overrides and
    # newlines written as character references.
    evil_id = "vip&#155;31m&#8238;&#10;VIP 10.6.6.6 (fake) on node-x"
    cib = SAMPLE.read_text().replace('id="ClusterIP"', f'id="{evil_id}"')
    cib = cib.replace('rsc="ClusterIP"', f'rsc="{evil_id}"').replace(
        'with-rsc="ClusterIP"', f'with-rsc="{evil_id}"'
    )
    path = tmp_path / "evil.xml"
    path.write_text(cib)
    result = hacon("status", "--cib-file", str(path))
    assert result.returncode == 0, result.stderr
    assert "\x9b" not in result.stdout and "\u202e" not in result.stdout
    assert "vip\\x9b31m\\u202e\\x0aVIP 10.6.6.6" in result.stdout
    assert not any(line.startswith("VIP 10.6.6.6") for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain-name", "plain-name"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("a\nb\rc\td", "a\\x0ab\\x0dc\\x09d"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("ünïcode ok", "ünïcode ok"),
    ],
)
def test_printable_escapes_everything_that_is_not_text(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_main_returns_exit_codes_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--cib-file", str(SAMPLE)]) == 0
    assert capsys.readouterr().out.startswith("VIP ")
    bad = tmp_path / "bad.xml"
    bad.write_text("<cib")
    assert main(["status", "--cib-file", str(bad)]) == 2
    assert capsys.readouterr().err.startswith("hacon: malformed XML")


def test_unknown_subcommand_is_a_usage_error() -> None:
    result = hacon("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_bzip2_scheduler_inputs_are_read(tmp_path: Path) -> None:
    path = tmp_path / "pe-input-7.bz2"
    path.write_bytes(bz2.compress(SAMPLE.read_bytes()))
    result = hacon("status", "--cib-file", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("VIP 192.0.2.10/24 (ClusterIP) on node-a\n")


def test_truncated_bzip2_is_one_line_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "pe-input-8.bz2"
    path.write_bytes(bz2.compress(SAMPLE.read_bytes())[:200])
    assert_one_line_error(hacon("status", "--cib-file", str(path)), contains="cannot read")
