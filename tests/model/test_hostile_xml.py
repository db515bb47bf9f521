"""parse_cib on hostile or broken input: a typed error with a one-line reason, nothing expanded."""

from __future__ import annotations

import pytest

from console.model.errors import (
    CibParseError,
    HostileXmlError,
    MalformedXmlError,
    NotACibError,
    describe,
)
from console.model.snapshot import parse_cib

BODY = (
    '<cib admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/><nodes/><resources><primitive id="{rid}" class="ocf" '
    'provider="heartbeat" type="Dummy"/></resources><constraints/></configuration>'
    "<status/></cib>"
)


def cib(prolog: str = "", rid: str = "p") -> str:
    return prolog + BODY.format(rid=rid)


LOL = (
    '<!DOCTYPE cib [<!ENTITY a "aaaaaaaaaa">'
    + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "]>"
)

HOSTILE = {
    "xxe-file": cib('<!DOCTYPE cib [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;").encode(),
    "xxe-http": cib('<!DOCTYPE cib [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>', "&x;").encode(),
    "parameter-entity": cib(
        '<!DOCTYPE cib [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>'
    ).encode(),
    "external-dtd": cib('<!DOCTYPE cib SYSTEM "http://127.0.0.1:9/cib.dtd">').encode(),
    "billion-laughs": cib(LOL, "&i;").encode(),
    "lowercase-doctype": cib('<!doctype cib [<!ENTITY x "y">]>', "&x;").encode(),
    "utf16-doctype": (
        '<?xml version="1.0" encoding="UTF-16"?>'
        + cib('<!DOCTYPE cib [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;")
    ).encode("utf-16"),
    "utf32-doctype": cib('<!DOCTYPE cib [<!ENTITY x "y">]>', "&x;").encode("utf-32"),
    "utf7-doctype": b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE cib+AD4-<cib/>',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents_are_refused(name: str) -> None:
    with pytest.raises(HostileXmlError) as raised:
        parse_cib(HOSTILE[name])
    reason = describe(raised.value)
    assert reason.startswith("refused: ") and "\n" not in reason
    assert "root:" not in reason  # no /etc/passwd content ever


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", MalformedXmlError),
        (b"   \n", MalformedXmlError),
        (b"<cib><configuration>", MalformedXmlError),
        (b"<cib/><cib/>", MalformedXmlError),
        (b"\xff\xfe\x00garbage", HostileXmlError),
        (b"<html/>", NotACibError),
        (b"<cib/>", NotACibError),
        (b'<cib epoch="1" num_updates="0"><configuration/></cib>', NotACibError),
        (b'<cib admin_epoch="0" epoch="x" num_updates="0"><configuration/></cib>', NotACibError),
        (b'<status xmlns="x"/>', NotACibError),
    ],
)
def test_broken_documents_raise_a_typed_one_line_error(
    data: bytes, error: type[CibParseError]
) -> None:
    with pytest.raises(error) as raised:
        parse_cib(data)
    assert "\n" not in describe(raised.value)


def test_character_references_stay_literal_text() -> None:
    # Character references are plain XML, not entities: they are read, and the CLI escapes them.
    snapshot = parse_cib(cib(rid="vip&#155;31m").encode())
    assert list(snapshot.resources) == ["vip\x9b31m"]


def test_latin1_declared_cib_is_read() -> None:
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?>' + cib(rid="caf\xe9")).encode("latin-1")
    assert list(parse_cib(data).resources) == ["café"]
