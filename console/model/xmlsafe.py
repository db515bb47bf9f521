"""Parse untrusted XML safely: no DTD, no entities, no network, big documents allowed."""

from __future__ import annotations

import re

from lxml import etree

from console.model.errors import HostileXmlError, MalformedXmlError

# A CIB or crm_mon document never carries a DTD. Refusing any <!DOCTYPE / <!ENTITY before parsing
# means entity tricks (XXE, billion laughs) are never even handed to libxml2.
_DTD_MARKUP = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    # huge_tree: a 50 MB CIB with long text nodes must still parse; the DTD refusal above is what
    # keeps amplification attacks out, not libxml2's size limits.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes | str) -> etree._Element:
    """Parse XML bytes into an element tree root.

    Raises:
        HostileXmlError: the document declares a DTD or entities.
        MalformedXmlError: the bytes are not well-formed XML.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    _refuse_hidden_markup(raw)
    if _DTD_MARKUP.search(raw):
        raise HostileXmlError("refused: the XML declares a DTD or entities, which a CIB never does")
    if not raw or raw.isspace():  # no strip(): it would copy a 50 MB document
        raise MalformedXmlError("not XML: the input is empty")
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as error:
        raise MalformedXmlError(f"malformed XML: {error}") from None
    except ValueError as error:
        raise MalformedXmlError(f"not XML: {error}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise HostileXmlError("refused: the XML declares a DTD or entities, which a CIB never does")
    return root


# The DTD check above reads bytes as ASCII. A CIB is always UTF-8, so a document in an encoding
# where "<!DOCTYPE" is not those bytes (UTF-16, UTF-32, UTF-7, EBCDIC) can only be hiding it.
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_ASCII_COMPATIBLE = re.compile(
    r"utf-?8|(us-)?ascii|iso[-_]?8859-\d+|latin-?1|windows-125\d", re.IGNORECASE
)


def _refuse_hidden_markup(raw: bytes) -> None:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw[:4]:
        raise HostileXmlError("refused: the XML is not UTF-8 (UTF-16/32), which a CIB always is")
    declared = _DECLARED_ENCODING.match(raw)
    if declared is not None:
        encoding = declared.group(1).decode("ascii", "replace").strip()
        if not _ASCII_COMPATIBLE.fullmatch(encoding):
            raise HostileXmlError(
                f"refused: the XML declares encoding {encoding!r}; a CIB is UTF-8"
            )
