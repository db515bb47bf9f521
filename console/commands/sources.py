"""Where a command's CIB comes from: a file the operator names, or the sample in the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from console.commands.errors import CommandError
from console.commands.text import printable
from console.model.cluster import ClusterSnapshot
from console.model.snapshot import parse_cib

SAMPLE_CIB = "data/sample-cib.xml"
"""The two-node OpenSIPS sample shipped inside the `console` package."""


def read_cib_file(path: Path) -> bytes:
    """The bytes of a CIB file, or a CommandError naming the file and the reason."""
    try:
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise CommandError(f"cannot read {printable(str(path))}: {reason}") from None


def sample_cib() -> bytes:
    """The sample CIB shipped with the package."""
    return resources.files("console").joinpath(SAMPLE_CIB).read_bytes()


def snapshot_of(data: bytes) -> ClusterSnapshot:
    """Parse CIB bytes; CibParseError (one-line reason) propagates to the CLI's handler."""
    return parse_cib(data)
