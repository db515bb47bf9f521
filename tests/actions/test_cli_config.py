"""`hacon config stickiness|prefer|threshold` on the command line: bad values are one line and
exit 2 before anything connects (nothing journaled), read-only removes them, and the
migration-threshold fix is listed by `hacon fix --list`."""

from __future__ import annotations

import pytest

from console.actions import audit
from console.cli import main

NODES = ("--nodes", "node-a,node-b", "--yes")


@pytest.mark.parametrize(("argv", "reason"), [
    (["stickiness", "lots"], "stickiness 'lots' is not a whole number or INFINITY"),
    (["stickiness", "1.5"], "stickiness '1.5' is not a whole number or INFINITY"),
    (["threshold", "OSIPS", "-1"], "migration-threshold '-1' is negative: it must be 0 or more "
                                   "(or INFINITY)"),
    (["threshold", "OSIPS", "three"], "migration-threshold 'three' is not a whole number or "
                                      "INFINITY"),
    (["prefer", "ClusterIP", "node-a"], "'node-a' is not NODE=SCORE (e.g. node-a=50)"),
    (["prefer", "ClusterIP", "node-a=high"], "score 'high' is not an integer, INFINITY or "
                                             "-INFINITY"),
    (["prefer", "ClusterIP", "node-a=2000000"], "score '2000000' is beyond ±999999: write "
                                                "INFINITY or -INFINITY"),
])
def test_a_bad_value_is_one_line_and_exit_2_before_any_connection(
        argv: list[str], reason: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", *argv, *NODES]) == 2
    assert capsys.readouterr().err == f"hacon: {reason}\n"
    assert not audit.journal_path().exists()  # nothing was attempted


def test_infinite_scores_are_taken_as_pacemaker_writes_them(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Accepted as input: what stops this run is read-only mode, said after the value was read.
    for score in ("INFINITY", "-INFINITY", "+INFINITY"):
        assert main(["--read-only", "config", "prefer", "ClusterIP", f"node-a={score}",
                     *NODES]) == 2
        assert "read-only mode" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["stickiness", "100"], ["threshold", "OSIPS", "3"],
                                  ["prefer", "ClusterIP", "node-a=50"]])
def test_read_only_removes_config(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--read-only", "config", *argv, *NODES]) == 2
    assert "read-only mode: actions are disabled" in capsys.readouterr().err
    assert not audit.journal_path().exists()


def test_config_needs_a_setting_and_its_arguments() -> None:
    for argv in (["config"], ["config", "threshold", "OSIPS"], ["config", "colour", "red"]):
        with pytest.raises(SystemExit) as exit_info:
            main([*argv, "--nodes", "node-a,node-b"])
        assert exit_info.value.code == 2


def test_fix_list_names_the_migration_threshold_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "--list"]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines()
                if line.startswith("no-migration-threshold "))
    assert "rsc_defaults migration-threshold=3" in line and "no failure-timeout" in line
