"""Where a command's CIB comes from: a file the operator names, or the sample in the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from console.commands.errors import CommandError
from console.model.cluster import ClusterSnapshot
from console.model.snapshot import parse_cib
from console.model.text_safety import printable
from console.transport.cib_file import read_cib_bytes

SAMPLE_CIB = "data/sample-cib.xml"
"""The two-node OpenSIPS sample shipped inside the `console` package."""


def read_cib_file(path: Path) -> bytes:
    """The XML bytes of a CIB file (bzip2 pe-inputs decompressed), or a one-line CommandError."""
    try:
        return read_cib_bytes(path)
    except (OSError, EOFError) as error:
        # EOFError: a truncated bzip2 stream.
        reason = getattr(error, "strerror", None) or str(error).removeprefix(f"{path}: ")
        raise CommandError(f"cannot read {printable(str(path))}: {reason}") from None


def sample_cib() -> bytes:
    """The sample CIB shipped with the package."""
    return resources.files("console").joinpath(SAMPLE_CIB).read_bytes()


def snapshot_of(data: bytes) -> ClusterSnapshot:
    """Parse CIB bytes; CibParseError (one-line reason) propagates to the CLI's handler."""
    return parse_cib(data)
