"""`hacon history --from`: a directory of inputs or a crm_report tarball, as text and JSON."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from console.commands.errors import CommandError
from console.commands.history import parse_when
from console.pacemaker_tools import find_tool
from tests.support.paths import REPO_ROOT
from tests.hacon_process import hacon

LAB = REPO_ROOT / "tests" / "fixtures" / "history" / "lab-2node"


@pytest.fixture(scope="module")
def report_tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture laid out as crm_report writes it: REPORT/NODE/pengine/*, REPORT/NODE/*.txt."""
    path = tmp_path_factory.mktemp("report") / "report.tar.bz2"
    with tarfile.open(path, "w:bz2") as archive:
        for item in sorted((LAB / "node-a" / "pengine").iterdir()):
            archive.add(item, arcname=f"hist-report/node-a/pengine/{item.name}")
        archive.add(LAB / "node-a" / "pacemaker.log",
                    arcname="hist-report/node-a/pacemaker.log.extract.txt")
        archive.add(LAB / "node-a" / "pacemaker.log", arcname="hist-report/node-a/cluster-log.txt")
    return path


def test_a_crm_report_tarball_opens_offline_with_every_category(report_tarball: Path) -> None:
    result = hacon("history", "--from", str(report_tarball), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1 and document["inputs_read"] == 17
    categories = {t["category"] for t in document["transitions"]}
    assert categories >= {"standby", "online", "constraint", "recovery", "failure", "config",
                          "stickiness", "node-lost"}
    failover = next(t for t in document["transitions"] if t["file"] == "pe-input-9.bz2")
    assert failover["node"] == "node-a" and failover["transition"] == 12
    assert failover["causes"][0]["threshold_reached"] is True
    assert [a["text"] for a in failover["actions"]] == ["move ClusterIP node-a -> node-b",
                                                         "move OSIPS node-a -> node-b"]
    assert failover["before"]["ClusterIP"] == ["node-a"]
    assert failover["after"]["ClusterIP"] == ["node-b"]


@pytest.mark.skipif(find_tool("crm_simulate") is None,
                    reason="Pacemaker's crm_simulate is not installed (tests/run installs it as root)")
def test_the_newest_input_is_replayed_with_crm_simulate() -> None:
    result = hacon("history", "--from", str(LAB), "--json")
    newest = json.loads(result.stdout)["transitions"][-1]
    assert newest["file"] == "pe-input-16.bz2"
    assert newest["actions_from"] == "crm_simulate"
    assert [a["text"] for a in newest["actions"]] == ["move ClusterIP node-a -> node-b",
                                                       "move OSIPS node-a -> node-b"]
    assert newest["scores"]["ClusterIP"] == {"node-a": "500", "node-b": "INFINITY"}


def test_text_reads_as_incidents_with_causes_and_the_vip() -> None:
    result = hacon("history", "--from", str(LAB), "--resource", "OSIPS", "--since",
                   "2026-12-06 09:14:00", "--until", "2026-12-06 09:14:30")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "failure     OSIPS monitor_10000 failed on node-a: rc=1 (error); failcount 3 of " \
           "migration-threshold 3; threshold reached: banned from node-a until cleanup" in text
    assert "VIP ClusterIP 10.213.47.100: node-a -> node-b" in text
    assert "standby" not in text  # filtered by --since


def test_the_node_filter_keeps_transitions_naming_the_node() -> None:
    lost = json.loads(hacon("history", "--from", str(LAB), "--json", "--node", "node-b").stdout)
    assert "node-lost" in {t["category"] for t in lost["transitions"]}
    assert "stickiness" not in {t["category"] for t in lost["transitions"]}


def test_a_bad_path_is_one_line_exit_2(tmp_path: Path) -> None:
    result = hacon("history", "--from", str(tmp_path / "nope"))
    assert result.returncode == 2 and result.stderr.startswith("hacon: ")
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tarball")
    result = hacon("history", "--from", str(junk))
    assert result.returncode == 2 and "neither a directory nor a tarball" in result.stderr


def test_a_directory_without_inputs_says_so_with_exit_1(tmp_path: Path) -> None:
    result = hacon("history", "--from", str(tmp_path))
    assert result.returncode == 1 and "0 inputs" in result.stdout


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-06 09:14", 1796548440), ("2026-12-06T09:14:00Z", 1796548440),
    ("1796548440", 1796548440), ("2h", 1796548440 - 7200),
])
def test_times_are_utc_epochs_or_spans_ago(text: str, expected: int) -> None:
    assert parse_when(text, now=1796548440) == expected


def test_an_unreadable_time_is_refused() -> None:
    with pytest.raises(CommandError, match="cannot read the time"):
        parse_when("yesterday")


def test_reports_of_several_nodes_are_read_together(tmp_path: Path) -> None:
    """Each half of the inputs in its own report: together, the input before each is known."""
    halves = []
    for index, part in enumerate((range(9), range(9, 17))):
        path = tmp_path / f"report-{index}.tar"
        with tarfile.open(path, "w") as archive:
            for number in part:
                name = f"pe-input-{number}.bz2"
                archive.add(LAB / "node-a" / "pengine" / name, arcname=f"r/node-a/pengine/{name}")
        halves += ["--from", str(path)]
    document = json.loads(hacon("history", *halves, "--json").stdout)
    assert document["inputs_read"] == 17
    failover = next(t for t in document["transitions"] if t["file"] == "pe-input-9.bz2")
    assert failover["category"] == "failure"
