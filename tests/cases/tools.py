"""Pacemaker's own command-line tools, each run against one CIB file.

Every tool of the CLI honours `CIB_file`, reads the file and writes its change back, so a test can
build a cluster offline with the same commands an operator types. These wrappers only add the
environment, a timeout and an error that says which command failed and why.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from lxml import etree

TOOL_TIMEOUT_S = 120
"""A single tool call; crm_simulate on a big cluster is the slowest and stays far below this."""

REQUIRED_TOOLS = ("cibadmin", "crm_attribute", "crm_resource", "crm_simulate", "crm_mon", "pcs")


class ToolError(RuntimeError):
    """A Pacemaker tool exited with an error while a case was being built."""


def missing_tools() -> list[str]:
    """Name the required tools that are not on PATH (the cases skip when any is missing)."""
    return [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]


def run_tool(argv: list[str], cib: Path, *, check: bool = True) -> str:
    """Run one tool, with `CIB_file` pointing at `cib`, and return its standard output.

    `CIB_file` is set for every call, also for those that name their file otherwise
    (`cibadmin --empty`, `crm_simulate -x`, `pcs -f`): without it a tool talks to the cluster
    of the machine it runs on, if there is one, and a test must never touch a live cluster
    (the lab tests may be running one right now).

    Raises:
        ToolError: the tool exited non-zero (when `check`), with its stderr in the message.
    """
    env = {key: value for key, value in os.environ.items() if key != "CIB_file"}
    env["CIB_file"] = str(cib)
    env["LC_ALL"] = "C"  # tool messages and dates in one known form
    proc = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False
    )
    if check and proc.returncode != 0:
        raise ToolError(f"{shlex.join(argv)} -> rc {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def crm_mon_xml(cib: Path) -> bytes:
    """`CIB_file=cib crm_mon -1 --output-as=xml`: Pacemaker's own reading of the file."""
    return run_tool(["crm_mon", "-1", "--output-as=xml"], cib).encode()


def crm_mon_tree(cib: Path) -> etree._Element:
    """crm_mon's XML for `cib`, parsed (the generator steers by it between steps)."""
    return etree.fromstring(crm_mon_xml(cib))
