"""`hacon switchover`: read-only removes it, usage errors, and what counts as a fresh look."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from console.actions import audit
from console.cli import main
from console.commands.switchover_run import fresh_enough
from tests.support import snapshots as b


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
