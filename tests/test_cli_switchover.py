"""`hacon switchover`: read-only removes it, usage errors, and what counts as a fresh look."""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from console.actions import audit, runbook_store
from console.cli import main
from console.actions.switchover import fresh_enough
from console.commands.errors import CommandError
from console.commands.switchover_run import run_flow
from tests.actions.switchover_helpers import demo, flow_context, look
from tests.support import snapshots as b
from tests.ui.actions_fixtures import audit_entries
from tests.ui.switchover_fixtures import saved_at_pause


def test_read_only_refuses_the_runbook_before_any_connection(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--read-only", "switchover", "--nodes", "node-a,node-b", "--yes"]) == 2
    assert "read-only mode: actions are disabled" in capsys.readouterr().err
    assert not audit.journal_path().exists()


def test_a_read_only_cluster_in_clusters_toml_refuses_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "hacon" / "clusters.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[clusters.sip]\nnodes = ["node-a", "node-b"]\nread_only = true\n')
    assert main(["switchover", "--cluster", "sip", "--yes"]) == 2
    assert "read-only mode (clusters.toml" in capsys.readouterr().err


def test_status_and_abandon_do_not_go_together() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["switchover", "--status", "--abandon", "--nodes", "node-a,node-b"])
    assert exit_info.value.code == 2


def test_a_look_is_fresh_only_when_every_node_answered_after_the_step() -> None:
    snapshot = b.live(fetched_at=1000.0)
    assert fresh_enough(snapshot, asked=999.0, at_least=None)
    views = dict(snapshot.views)
    views["node-a"] = replace(views["node-a"], fetched_at=998.0)  # its round began before
    assert not fresh_enough(replace(snapshot, views=views), asked=999.0, at_least=None)
    newer = snapshot.cluster.version._replace(epoch=99)  # type: ignore[union-attr]
    assert not fresh_enough(snapshot, asked=999.0, at_least=newer)


def cli_args(**options: object) -> argparse.Namespace:
    values: dict[str, object] = {"status": False, "abandon": False, "yes": True, "step": False,
                                 "failback": None}
    values.update(options)
    return argparse.Namespace(**values)


def corrupt_saved_file() -> Path:
    path = runbook_store.path_for("demo")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"format": "hacon-switchover/1", "step": 7}')
    return path


async def test_an_unreadable_saved_flow_is_named_exit_2_and_kept(tmp_path: Path) -> None:
    _, runner = demo()
    path = corrupt_saved_file()
    with pytest.raises(CommandError) as error:
        await run_flow(look(runner), flow_context(runner, tmp_path), cli_args())
    assert error.value.exit_code == 2
    assert str(error.value).startswith(f"the saved switchover {path} cannot be read: ")
    assert path.read_text() == '{"format": "hacon-switchover/1", "step": 7}'
    assert runner.calls == []  # nothing sent to the cluster


async def test_abandon_sets_an_unreadable_file_aside_without_losing_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, runner = demo()
    path = corrupt_saved_file()
    assert await run_flow(look(runner), flow_context(runner, tmp_path), cli_args(abandon=True)) == 0
    [aside] = path.parent.glob("demo.json.unreadable-*")
    assert aside.read_text() == '{"format": "hacon-switchover/1", "step": 7}'
    assert f"kept as {aside}" in capsys.readouterr().err


async def test_status_of_a_flow_the_cluster_moved_under_says_so_without_an_age(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cluster, runner = demo()
    saved_at_pause(cluster, time.time() - 300)
    cluster.set_standby("node-b", "node-a", None, "forever")
    cluster.timeline.settle(limit=60.0)
    assert await run_flow(look(runner), flow_context(runner, tmp_path), cli_args(status=True)) == 0
    out = capsys.readouterr().out
    assert "▶ Maintenance of node-a (it stays in standby)" in out
    assert ("the cluster changed under the switchover: node-a is online again, but the "
            "runbook left it in standby: someone brought it online by hand") in out
    assert "in standby for" not in out


async def test_a_resumed_flow_the_cluster_moved_under_is_refused_exit_3_and_journaled(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cluster, runner = demo()
    saved_at_pause(cluster, time.time() - 300)
    cluster.set_standby("node-b", "node-a", None, "forever")
    cluster.timeline.settle(limit=60.0)
    assert await run_flow(look(runner), flow_context(runner, tmp_path), cli_args()) == 3
    assert "it will not go on" in capsys.readouterr().err
    [entry] = audit_entries()
    assert (entry["action"], entry["outcome"]) == ("switchover pause", "refused")


async def test_without_a_terminal_or_yes_nothing_starts(tmp_path: Path) -> None:
    _, runner = demo()
    with pytest.raises(CommandError, match="no terminal to confirm on: add --yes"):
        await run_flow(look(runner), flow_context(runner, tmp_path), cli_args(yes=False))
    assert runbook_store.load("demo") is None
