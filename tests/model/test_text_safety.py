"""The one sanitizer: what could drive a terminal is shown escaped, the rest stays as it is."""

from __future__ import annotations

import json

import pytest

from console.model.text_safety import json_inert, printable


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b]2;title\x1b\\", "\\x1b]2;title\\x1b\\"),
    ("a\u009b2Jb", "a\\x9b2Jb"),
    ("abc\u202edef", "abc\\u202edef"),
    ("\u2066iso\u2069", "\\u2066iso\\u2069"),
    ("line\u2028break", "line\\u2028break"),
    ("tag\U000e0041", "tag\\ue0041"),
    ("nœud 😀 ŝ", "nœud 😀 ŝ"),
])
def test_printable_escapes_controls_and_bidi_only(raw: str, shown: str) -> None:
    assert printable(raw) == shown


@pytest.mark.parametrize("value", ["\x7f\u0085\u009b", "\u200e\u200f\u202a\u202e\u2066\u2069",
                                   "\ufeff\U000e0041", "plain", "nœud😀"])
def test_json_inert_round_trips_exactly_and_leaves_nothing_raw(value: str) -> None:
    for indent in (None, 2):
        text = json_inert(json.dumps({"name": value, "list": [value]}, indent=indent,
                                     ensure_ascii=False))
        assert json.loads(text) == {"name": value, "list": [value]}
        assert printable(text.replace("\n", "")) == text.replace("\n", "")
