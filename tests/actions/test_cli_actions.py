"""`hacon standby/online/...` options: read-only from clusters.toml, usage errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from console.actions import audit
from console.cli import main


def write_clusters(text: str) -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "hacon" / "clusters.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")


def test_a_read_only_cluster_in_clusters_toml_offers_no_action(
        capsys: pytest.CaptureFixture[str]) -> None:
    write_clusters('[clusters.sip]\nnodes = ["node-a", "node-b"]\nread_only = true\n')
    assert main(["standby", "node-a", "--cluster", "sip", "--yes"]) == 2
    assert "read-only mode (clusters.toml" in capsys.readouterr().err
    assert not audit.journal_path().exists()  # nothing was attempted


def test_read_only_must_be_a_boolean(capsys: pytest.CaptureFixture[str]) -> None:
    write_clusters('[clusters.sip]\nnodes = ["node-a"]\nread_only = "yes"\n')
    assert main(["online", "node-a", "--cluster", "sip"]) == 2
    assert "read_only: must be true or false" in capsys.readouterr().err


def test_a_node_name_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["standby", "--nodes", "a,b"])
    assert exit_info.value.code == 2


def test_a_malformed_jump_host_is_a_usage_error_said_before_any_connection(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["standby", "node-a", "--nodes", "node-a,node-b", "-J", "host:port"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hacon: ") and err.count("\n") == 1 and "internal error" not in err
    assert not audit.journal_path().exists()


def test_fence_names_one_node_and_read_only_removes_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["fence", "--nodes", "node-a,node-b"])
    assert exit_info.value.code == 2
    assert main(["--read-only", "fence", "node-a", "--nodes", "node-a,node-b", "--yes"]) == 2
    assert "read-only mode" in capsys.readouterr().err
    assert not audit.journal_path().exists()  # nothing was attempted


def test_fix_list_names_every_code_with_its_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "--list"]) == 0
    out = capsys.readouterr().out
    for code in ("vip-not-colocated", "vip-not-ordered", "no-stickiness", "no-preferred-node",
                 "two-node-missing"):
        assert out.count(f"{code} ") == 1


def test_fix_of_an_unknown_code_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "bogus", "--nodes", "node-a,node-b", "--yes"]) == 2
    err = capsys.readouterr().err
    assert err == "hacon: no fix for 'bogus': hacon fix --list names the codes\n"
    assert not audit.journal_path().exists()


def test_two_node_is_shown_as_the_command_to_run_and_refused(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "two-node-missing", "--nodes", "node-a,node-b", "--yes"]) == 3
    out = capsys.readouterr().out
    assert "        two_node: 1\n" in out and "corosync-cfgtool -R" in out
    assert "hacon changes nothing" in out
    assert not audit.journal_path().exists()


def test_read_only_removes_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--read-only", "fix", "no-stickiness", "--nodes", "node-a,node-b"]) == 2
    assert "read-only mode" in capsys.readouterr().err
