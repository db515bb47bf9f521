"""Options before the subcommand are honoured or refused, never silently dropped.

0.1 read `hacon --cluster ro standby node-a` as "standby node-a on the default cluster": with
identical node names in two clusters (and --yes) that puts the wrong cluster's node in standby,
skipping `ro`'s read_only on the way. Here two clusters share their node names; only the user
each logs in as tells them apart, and the test stops at the moment hacon would connect.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from console.cli import main
from console.commands import status_live
from console.commands.errors import CommandError
from tests.support.paths import REPO_ROOT
from tests.support.status_schema import assert_conforms

CLUSTERS = """
default = "{default}"
[clusters.rw]
nodes = ["node-a", "node-b"]
user = "rw-operator"
[clusters.ro]
nodes = ["node-a", "node-b"]
user = "ro-operator"
read_only = true
"""
SAMPLE = REPO_ROOT / "console" / "data" / "sample-cib.xml"


class Connected(Exception):
    """Raised where hacon would open its SSH connections."""


@pytest.fixture
def reached(monkeypatch: pytest.MonkeyPatch) -> list[status_live.Target]:
    """Every target hacon tries to connect to (it never does: the test stops it there)."""
    targets: list[status_live.Target] = []

    def record(target: status_live.Target) -> object:
        targets.append(target)
        raise CommandError("stopped before connecting", 99)

    monkeypatch.setattr(status_live, "build_ssh_cluster", record)
    return targets


def write_clusters(default: str) -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "hacon" / "clusters.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CLUSTERS.format(default=default))


@pytest.mark.parametrize("argv", [
    ["--cluster", "ro", "standby", "node-a", "--dry-run"],
    ["--cluster", "ro", "standby", "node-a", "--yes"],
    ["standby", "node-a", "--cluster", "ro", "--yes"],
])
def test_a_read_only_cluster_named_before_the_action_is_refused_and_never_reached(
        argv: list[str], reached: list[status_live.Target],
        capsys: pytest.CaptureFixture[str]) -> None:
    write_clusters(default="rw")
    assert main(argv) == 2
    assert "read-only" in capsys.readouterr().err
    assert reached == []


@pytest.mark.parametrize("before", [True, False])
def test_status_reaches_the_cluster_named_wherever_the_option_stands(
        before: bool, reached: list[status_live.Target]) -> None:
    write_clusters(default="ro")
    argv = ["--cluster", "rw", "status"] if before else ["status", "--cluster", "rw"]
    assert main(argv) == 99
    assert [target.user for target in reached] == ["rw-operator"]


def test_an_action_reaches_only_the_cluster_named_before_it(
        reached: list[status_live.Target]) -> None:
    write_clusters(default="ro")
    assert main(["--cluster", "rw", "-J", "jump.example", "standby", "node-a", "--yes"]) == 99
    assert [(target.user, target.jump) for target in reached] == [("rw-operator", "jump.example")]


def test_a_cib_file_before_status_is_the_file_shown(
        reached: list[status_live.Target], capsys: pytest.CaptureFixture[str]) -> None:
    write_clusters(default="rw")
    assert main(["--cib-file", str(SAMPLE), "status", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"node-a"' in out and reached == []
    assert_conforms(json.loads(out))


@pytest.mark.parametrize(("argv", "said"), [
    (["--cluster", "ro", "status", "--cluster", "rw"], "--cluster"),
    (["--cib-file", str(SAMPLE), "standby", "node-a"], "--cib-file"),
    (["--cluster", "ro", "audit"], "--cluster"),
    (["--theme", "console-light", "status"], "--theme"),
    (["--nodes", "x,y", "demo"], "--nodes"),
])
def test_an_option_the_subcommand_cannot_honour_is_refused_with_exit_2(
        argv: list[str], said: str, reached: list[status_live.Target],
        capsys: pytest.CaptureFixture[str]) -> None:
    write_clusters(default="rw")
    assert main(argv) == 2
    assert said in capsys.readouterr().err and reached == []
