"""Reading a CIB file: plain XML or a bzip2 scheduler input, with a size limit.

Kept apart from `file_source` (the console's asyncio source) so that `hacon status --cib-file`
reads a file without loading asyncio.
"""

from __future__ import annotations

import bz2
import os
import stat
from pathlib import Path
from typing import BinaryIO

BZIP2_MAGIC = b"BZh"
MAX_FILE_BYTES = 256 * 1024 * 1024
"""Refuse absurd inputs (a decompression bomb, /dev/zero) instead of filling memory."""
READ_CHUNK = 1 << 20


def read_cib_bytes(path: Path) -> bytes:
    """The file's XML bytes, decompressed when it is bzip2.

    The size is checked while reading, so a device or pipe that never ends (/dev/zero) is
    refused once past the limit rather than read until memory runs out.

    Raises:
        OSError: the file cannot be read, or is larger than MAX_FILE_BYTES once decompressed.
    """
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == BZIP2_MAGIC:
            handle.seek(0)
            with bz2.open(handle, "rb") as compressed:
                return _read_capped(compressed, path, b"")
        info = os.fstat(handle.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_FILE_BYTES:
            raise _too_large(path)
        return _read_capped(handle, path, head)


def _read_capped(handle: BinaryIO | bz2.BZ2File, path: Path, start: bytes) -> bytes:
    chunks, total = [start], len(start)
    while chunk := handle.read(READ_CHUNK):
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise _too_large(path)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(path: Path) -> OSError:
    return OSError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
