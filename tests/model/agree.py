"""derive(): parse a hand-written CIB, and prove crm_mon reads it the same way."""

from __future__ import annotations

import tempfile
from pathlib import Path

from console.model import ClusterSnapshot, parse_cib, status_document
from tests.oracle import compare, crm_mon_available, crm_mon_xml, reference_document
from tests.support.status_schema import assert_conforms


def derive(data: bytes) -> ClusterSnapshot:
    """parse_cib, and (where crm_mon is installed) proof that crm_mon agrees on this CIB."""
    snapshot = parse_cib(data)
    if crm_mon_available():
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "cib.xml"
            path.write_bytes(data)
            reference = reference_document(crm_mon_xml(path), data)
        assert reference is not None, "crm_mon could not read the test CIB"
        assert compare(status_document(snapshot), reference) == []
    assert_conforms(status_document(snapshot))
    return snapshot
