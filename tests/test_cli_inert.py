"""What a CIB says reaches the operator's terminal inert: no escape sequence, no bidi override.

The text output shows such characters escaped; `--json` keeps the data exact but writes them as
`\\u` escapes (JSON itself only escapes C0), so a terminal running `hacon status --json` never
interprets them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from tests.support.paths import REPO_ROOT
from tests.support.status_schema import assert_conforms

SAMPLE = (REPO_ROOT / "console" / "data" / "sample-cib.xml").read_text()
HOSTILE_NAME = "node-\u009b2J\u202eb\u2066x\u200f\x7f"
"""C1 CSI, a right-to-left override, an isolate, a bidi mark and DEL in one node name."""
RAW = ("\u009b", "\u202e", "\u2066", "\u200f", "\x7f", "\x1b")


@pytest.fixture
def hostile_cib(tmp_path: Path) -> Path:
    path = tmp_path / "cib.xml"
    path.write_text(SAMPLE.replace('uname="node-b"', f'uname="{HOSTILE_NAME}"'),
                    encoding="utf-8")
    return path


def test_text_output_shows_a_hostile_node_name_escaped(
        hostile_cib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--cib-file", str(hostile_cib)]) == 0
    out = capsys.readouterr().out
    assert "node-\\x9b2J\\u202eb\\u2066x\\u200f\\x7f" in out
    assert not any(char in out for char in RAW)


def test_json_keeps_the_name_exact_but_escapes_what_a_terminal_would_interpret(
        hostile_cib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--cib-file", str(hostile_cib), "--json"]) == 0
    out = capsys.readouterr().out
    assert not any(char in out for char in RAW)
    assert "node-\\u009b2J\\u202eb\\u2066x\\u200f\\u007f" in out
    document = assert_conforms(json.loads(out))
    assert HOSTILE_NAME in document["nodes"]


def test_json_keeps_ordinary_non_ascii_text_as_it_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cib.xml"
    path.write_text(SAMPLE.replace('uname="node-b"', 'uname="nœud-b😀"'), encoding="utf-8")
    assert main(["status", "--cib-file", str(path), "--json"]) == 0
    assert '"nœud-b😀"' in capsys.readouterr().out


def test_an_endless_cib_file_is_refused_while_reading(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from console.transport import cib_file

    monkeypatch.setattr(cib_file, "MAX_FILE_BYTES", 1 << 20)  # the real limit is 256 MiB
    assert main(["status", "--cib-file", "/dev/zero"]) == 2
    assert "larger than 1 MiB" in capsys.readouterr().err


def test_a_bzip2_pe_input_still_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import bz2

    path = tmp_path / "pe-input-1.bz2"
    path.write_bytes(bz2.compress(SAMPLE.encode()))
    assert main(["status", "--cib-file", str(path)]) == 0
    assert "node-a" in capsys.readouterr().out
