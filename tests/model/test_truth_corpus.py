"""Truth test: hacon's ★ fields agree with Pacemaker's crm_mon on every corpus CIB.

Every CIB of Pacemaker's scheduler regression corpus must parse; on each one crm_mon 2.1.5 can
read, the ★ fields of `status_document(parse_cib(cib))` must equal the oracle's reading of
`CIB_file=cib crm_mon -1 --output-as=xml`. crm_mon runs in a small thread pool that works a few
files ahead of the test order, so the whole corpus takes seconds, not minutes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from console.model import parse_cib, status_document
from tests.oracle import compare, crm_mon_available, crm_mon_xml, reference_document
from tests.support.paths import CORPUS_DIR
from tests.support.status_schema import assert_conforms

CORPUS = sorted(CORPUS_DIR.glob("*.xml")) if CORPUS_DIR.is_dir() else []

ACCEPTED_DISAGREEMENTS: dict[str, str] = {
    "stop-failure-no-fencing.xml": (
        "crm_mon omits clvm-clone entirely: its only instance is unmanaged (failed stop, no "
        "fencing) on an UNCLEAN node, and Pacemaker adds an unmanaged instance's node to its "
        "parents' running_on only when the node is online, so resource_list() filters the "
        "clone out as 'active but running nowhere'. hacon lists clvm and clvm-clone as active "
        "on pcmk-3, as crm_resource --locate does; the contract accepts either answer."
    ),
}


class CrmMonPrefetch:
    """Runs crm_mon on corpus files in a thread pool, a few files ahead of the tests."""

    AHEAD = 16

    def __init__(self, files: list[Path]) -> None:
        self._files = files
        self._position = {path: index for index, path in enumerate(files)}
        self._pool = ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) + 1)
        self._futures: dict[Path, Future[bytes]] = {}

    def get(self, path: Path) -> bytes:
        start = self._position.get(path, 0)
        for ahead in self._files[start:start + self.AHEAD]:
            if ahead not in self._futures:
                self._futures[ahead] = self._pool.submit(crm_mon_xml, ahead)
        if path not in self._futures:
            self._futures[path] = self._pool.submit(crm_mon_xml, path)
        return self._futures.pop(path).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="session")
def crm_mon_outputs() -> Iterator[CrmMonPrefetch | None]:
    if not crm_mon_available():
        yield None
        return
    prefetch = CrmMonPrefetch(CORPUS)
    yield prefetch
    prefetch.close()


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) == 854, f"expected 854 CIBs in {CORPUS_DIR}, found {len(CORPUS)}"


@pytest.mark.parametrize("path", CORPUS, ids=[path.stem for path in CORPUS])
def test_agrees_with_crm_mon(path: Path, crm_mon_outputs: CrmMonPrefetch | None) -> None:
    cib = path.read_bytes()
    document = assert_conforms(status_document(parse_cib(cib)))
    if crm_mon_outputs is None:
        pytest.skip("crm_mon is not installed (tests/run installs pacemaker-cli-utils as root)")
    reference = reference_document(crm_mon_outputs.get(path), cib)
    if reference is None:
        # crm_mon 2.1.5 cannot read this CIB (e.g. validate-with pacemaker-3.10): parsing is all
        # hacon has to get right here.
        return
    differences = compare(document, reference)
    if path.name in ACCEPTED_DISAGREEMENTS:
        assert differences, f"{path.name} agrees now: remove it from ACCEPTED_DISAGREEMENTS"
        return
    assert differences == [], "\n".join(differences)


def test_accepted_disagreements_name_corpus_files() -> None:
    names = {path.name for path in CORPUS}
    assert set(ACCEPTED_DISAGREEMENTS) <= names
