"""Pacemaker's tools are found for an ordinary user, whose PATH lacks /usr/sbin.

Debian puts `crm_simulate` and the rest in /usr/sbin. hacon's local what-if preview (a node
without crm_simulate) and the demo nodes' previews must still find them, without root.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from console.actions import execute
from console.actions.plans import SIMULATE_ARGV, ActionKind
from console.demo.cluster import DemoCluster
from console.demo.timeline import FakeClock
from console.pacemaker_tools import find_tool, search_path
from console.transport.base import CommandResult
from tests.actions.demo_runner import DemoRunner

USER_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/games"
"""An ordinary Debian user's PATH (/etc/profile)."""
SIMULATE_IN_SBIN = os.access("/usr/sbin/crm_simulate", os.X_OK)
needs_sbin_crm_simulate = pytest.mark.skipif(
    not SIMULATE_IN_SBIN, reason="Pacemaker's crm_simulate is not installed in /usr/sbin")


class NodesWithoutSimulate(DemoRunner):
    """Demo nodes that lack crm_simulate: the shell's 127, as on a node without Pacemaker's CLI."""

    async def run(self, node: str, argv: Sequence[str], *, timeout: float,
                  input: bytes | None = None) -> CommandResult:
        if tuple(argv) == SIMULATE_ARGV:
            return CommandResult(node, tuple(argv), 127, b"", b"crm_simulate: not found\n", 0.0)
        return await super().run(node, argv, timeout=timeout, input=input)


def test_the_user_path_comes_first_then_the_system_directories() -> None:
    assert search_path(USER_PATH) == f"{USER_PATH}:/usr/sbin:/sbin"
    assert search_path("/usr/sbin:/usr/bin") == "/usr/sbin:/usr/bin:/sbin"
    assert search_path("") == "/usr/bin:/bin:/usr/sbin:/sbin"


def test_a_tool_earlier_on_the_path_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "crm_simulate"
    own.write_text("#!/bin/sh\n")
    own.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{USER_PATH}")
    assert find_tool("crm_simulate") == str(own)


def test_a_tool_installed_nowhere_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", USER_PATH)
    assert find_tool("crm_no_such_tool") is None


@needs_sbin_crm_simulate
def test_crm_simulate_in_usr_sbin_is_found_with_a_user_path(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", USER_PATH)
    assert find_tool("crm_simulate") == "/usr/sbin/crm_simulate"


@needs_sbin_crm_simulate
async def test_a_user_without_sbin_on_path_gets_the_local_preview(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", USER_PATH)
    clock = FakeClock()
    runner = NodesWithoutSimulate(DemoCluster(2, clock), clock)
    plan = await execute.prepare(ActionKind.STANDBY, runner, "node-b", node="node-a")
    previewed = await execute.preview(plan, runner)
    assert previewed.refusal is None
    assert previewed.consequences == ("ClusterIP moves node-a → node-b",
                                      "OSIPS moves node-a → node-b")
