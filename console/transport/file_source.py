"""FileSource: the console on a CIB file — post-mortem, read-only, no cluster needed.

Any CIB works: `cibadmin --query` output, a scheduler input (`pe-input-N.bz2`, bzip2 is
recognised by its magic bytes, whatever the name), or a crm_report's `cib.xml`. The file is read
and parsed off the event loop; one snapshot is yielded and the source stays open (the console's
worker must not end). `refresh_now()` re-reads the file, so a CIB rewritten in place shows up.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from console.model.cluster import ClusterSnapshot
from console.model.live.snapshot import LiveSnapshot, Verdict
from console.transport.cib_file import read_cib_bytes

LAST_WRITTEN = re.compile(rb'cib-last-written="([^"]+)"')
"""The <cib> element's own timestamp (ctime format, local time of the node that wrote it)."""

LABEL_MAX = 40
"""The status bar is one line: a longer path is shortened to its last two parts."""

CibParser = Callable[[bytes], ClusterSnapshot]


def parse_with_model(data: bytes) -> ClusterSnapshot:
    """console.model.parse_cib, imported on first use."""
    from console.model import parse_cib

    return parse_cib(data)


def captured_at(data: bytes, path: Path) -> float:
    """When the CIB was written: its `cib-last-written`, else the file's modification time."""
    found = LAST_WRITTEN.search(data[:4096])
    if found:
        try:
            return time.mktime(
                time.strptime(found.group(1).decode("ascii", "replace"), "%a %b %d %H:%M:%S %Y")
            )
        except ValueError:
            pass
    return path.stat().st_mtime


def file_snapshot(cluster: ClusterSnapshot, at: float) -> LiveSnapshot:
    """A snapshot that no node was asked about: no views, verdict unknown."""
    return LiveSnapshot(
        cluster=cluster,
        source_node=None,
        views={},
        verdict=Verdict.UNKNOWN,
        split_brain=False,
        vip_truth={},
        fetched_at=at,
    )


class FileSource:
    """A `ClusterSource` over one CIB file.

    Args:
        path: The file (plain XML or bzip2).
        parser: CIB bytes -> ClusterSnapshot (console.model.parse_cib).
    """

    def __init__(self, path: Path, *, parser: CibParser = parse_with_model) -> None:
        self.path = path
        self._parser = parser
        self._reread = asyncio.Event()

    @property
    def label(self) -> str:
        """How the console names this source (a long path keeps its last two parts)."""
        shown = str(self.path)
        if len(shown) > LABEL_MAX:
            shown = f"…/{self.path.parent.name}/{self.path.name}"
        return f"file: {shown}"

    def load(self) -> LiveSnapshot:
        """Read and parse the file now (blocking; the CLI uses it to fail early)."""
        data = read_cib_bytes(self.path)
        return file_snapshot(self._parser(data), captured_at(data, self.path))

    async def snapshots(self) -> AsyncIterator[LiveSnapshot]:
        """Yield the file's snapshot, then another after each `refresh_now()`; never end."""
        while True:
            self._reread.clear()
            yield await asyncio.to_thread(self.load)
            await self._reread.wait()

    def refresh_now(self) -> None:
        """Read the file again."""
        self._reread.set()
