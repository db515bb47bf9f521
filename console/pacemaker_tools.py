"""Where Pacemaker's command-line tools are on this machine: the PATH, then /usr/sbin and /sbin.

Debian installs `crm_mon`, `crm_simulate`, `cibadmin` and the rest in /usr/sbin, which is not on
an ordinary user's PATH; yet reading a CIB file or previewing a change with them needs no root.
hacon runs a local tool only for the what-if preview when a node has none, and the demo nodes
run the real `crm_simulate`; the tests find their oracle with the same lookup. The user's PATH
comes first, so a Pacemaker installed elsewhere (/usr/local/sbin, a build tree) is the one used.
"""

from __future__ import annotations

import os
import shutil

SYSTEM_TOOL_DIRS = ("/usr/sbin", "/sbin")
"""Where distributions install Pacemaker's tools, searched after the PATH."""
FALLBACK_PATH = "/usr/bin:/bin"
"""What the PATH is taken to be when it is unset or empty."""


def search_path(path: str | None = None) -> str:
    """`path` (default: this process's PATH) with /usr/sbin and /sbin added where missing."""
    entries = (path if path is not None else os.environ.get("PATH", "")) or FALLBACK_PATH
    parts = entries.split(os.pathsep)
    parts += [directory for directory in SYSTEM_TOOL_DIRS if directory not in parts]
    return os.pathsep.join(parts)


def find_tool(name: str) -> str | None:
    """The full path of the tool `name` (e.g. "crm_simulate"), or None when it is not installed."""
    return shutil.which(name, path=search_path())
