"""Reading a CIB file: plain XML or a bzip2 scheduler input, with a size limit.

Kept apart from `file_source` (the console's asyncio source) so that `hacon status --cib-file`
reads a file without loading asyncio.
"""

from __future__ import annotations

import bz2
from pathlib import Path

BZIP2_MAGIC = b"BZh"
MAX_FILE_BYTES = 256 * 1024 * 1024
"""Refuse absurd inputs (a decompression bomb) instead of filling memory."""


def read_cib_bytes(path: Path) -> bytes:
    """The file's XML bytes, decompressed when it is bzip2.

    Raises:
        OSError: the file cannot be read, or is larger than MAX_FILE_BYTES once decompressed.
    """
    with path.open("rb") as handle:
        head = handle.read(3)
    if head == BZIP2_MAGIC:
        with bz2.open(path, "rb") as compressed:
            data = compressed.read(MAX_FILE_BYTES + 1)
    else:
        data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise OSError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    return data
