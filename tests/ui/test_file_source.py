"""FileSource on real CIBs, and the console's pure views over the whole corpus."""

from __future__ import annotations

import asyncio
import bz2
import shutil
from pathlib import Path

import pytest

from console.model import parse_cib
from console.model.errors import CibParseError
from console.model.live.advisories import cluster_advisories
from console.model.live.snapshot import Verdict
from console.presentation.banner import vip_lines
from console.presentation.rows import constraint_rows, is_file_snapshot, resource_rows
from console.presentation.snapshot_view import problem_rows
from console.transport.file_source import FileSource, file_snapshot
from tests.support.paths import CORPUS_DIR, REPO_ROOT

LAB = REPO_ROOT / "tests" / "fixtures" / "lab"
CLI_BAN = LAB / "cli-ban" / "node-a.cib.xml"


def test_lab_cib_becomes_a_file_snapshot() -> None:
    live = FileSource(CLI_BAN).load()
    assert is_file_snapshot(live) and live.verdict is Verdict.UNKNOWN and not live.views
    assert live.cluster is not None and live.cluster.vips["ClusterIP"].holder_nodes == ("node-b",)
    assert live.fetched_at is not None  # from cib-last-written


def test_bzip2_pe_input_reads_like_the_plain_file(tmp_path: Path) -> None:
    compressed = tmp_path / "pe-input-17.bz2"
    compressed.write_bytes(bz2.compress(CLI_BAN.read_bytes()))
    plain, packed = FileSource(CLI_BAN).load(), FileSource(compressed).load()
    assert packed.cluster == plain.cluster and packed.fetched_at == plain.fetched_at


async def test_source_stays_open_and_rereads_on_refresh(tmp_path: Path) -> None:
    path = tmp_path / "cib.xml"
    shutil.copy(LAB / "healthy-2node" / "node-a.cib.xml", path)
    source = FileSource(path)
    stream = source.snapshots()
    first = await stream.__anext__()
    waiting = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0.05)
    assert not waiting.done(), "the file source must not end after its snapshot"
    shutil.copy(LAB / "standby-node-a" / "node-a.cib.xml", path)
    source.refresh_now()
    second = await asyncio.wait_for(waiting, 10)
    assert first.cluster and second.cluster
    assert first.cluster.vips["ClusterIP"].holder_nodes == ("node-a",)
    assert second.cluster.vips["ClusterIP"].holder_nodes == ("node-b",)
    await stream.aclose()


def test_file_label_keeps_long_paths_short() -> None:
    source = FileSource(Path("/var/lib/pacemaker/pengine/archive/2026/pe-input-1234.bz2"))
    assert source.label == "file: …/2026/pe-input-1234.bz2"


CORPUS = sorted(CORPUS_DIR.glob("*.xml")) if CORPUS_DIR.is_dir() else []


@pytest.mark.skipif(not CORPUS, reason="the scheduler corpus is not beside the checkout")
def test_every_corpus_cib_can_be_shown() -> None:
    """Every real CIB Pacemaker's own tests use gives rows and advisories without an error."""
    shown = 0
    for path in CORPUS:
        try:
            cluster = parse_cib(path.read_bytes())
        except CibParseError:
            continue  # the few corpus files the model refuses are the model tests' concern
        live = file_snapshot(cluster, 0.0)
        rows = resource_rows(cluster)
        keys = [key for key, _ in rows]
        assert sorted(keys) == sorted(cluster.resources), f"{path.name}: each resource once"
        constraint_rows(cluster)
        problem_rows(cluster, cluster_advisories(cluster))
        vip_lines(live)
        shown += 1
    assert shown > len(CORPUS) * 0.9
