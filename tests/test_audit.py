"""The audit journal: one fsync'ed JSON line per attempt; `hacon audit` prints it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from console.actions import audit
from console.cli import main


def test_every_record_is_one_json_line_in_the_xdg_state_dir() -> None:
    audit.record("standby", outcome="refused", message="no node could run ClusterIP",
                 cluster="lab", target="node-b", version_before="0.15.3")
    audit.record("standby", outcome="done", message="failover done in 1.6 s", cluster="lab",
                 node="node-b", target="node-a", version_before="0.14.22",
                 version_after="0.15.0", predicted=["ClusterIP moves node-a → node-b"],
                 failover_s=1.6123, conflicts=1)
    path = Path(os.environ["XDG_STATE_HOME"]) / "hacon" / "audit.jsonl"
    assert audit.journal_path() == path
    lines = path.read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["outcome"] for e in entries] == ["refused", "done"]
    done = entries[1]
    assert done["user"] and done["time"].endswith("+00:00")
    assert (done["cluster"], done["node"], done["action"], done["target"]) == (
        "lab", "node-b", "standby", "node-a")
    assert (done["version_before"], done["version_after"]) == ("0.14.22", "0.15.0")
    assert done["predicted"] == ["ClusterIP moves node-a → node-b"]
    assert done["failover_s"] == 1.612 and done["conflicts"] == 1
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_hacon_audit_prints_text_and_raw_json(capsys: pytest.CaptureFixture[str]) -> None:
    audit.record("online", outcome="done", message="done and verified in 0.4 s",
                 cluster="lab", node="node-b", target="node-a", version_before="0.15.0",
                 version_after="0.16.0")
    assert main(["audit"]) == 0
    text = capsys.readouterr().out
    assert "online node-a  [done]  via node-b  CIB 0.15.0 → 0.16.0" in text
    assert main(["audit", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["action"] == "online"


def test_a_damaged_line_is_shown_as_damaged(capsys: pytest.CaptureFixture[str]) -> None:
    path = audit.journal_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"action": "standby", "outcome": "done"}\nnot json\n', encoding="utf-8")
    assert [entry["outcome"] for entry in audit.read_entries()] == ["done", "unreadable"]


def test_read_only_removes_every_action_from_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["standby", "node-a"], ["online", "node-a"], ["cleanup", "OSIPS"], ["clear"],
                 ["failback"]):
        assert main(["--read-only", *argv, "--nodes", "node-a,node-b"]) == 2
        assert "read-only mode" in capsys.readouterr().err
    assert not audit.journal_path().exists()


def test_an_action_without_a_cluster_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["standby", "node-a"]) == 2
    assert "--nodes A,B or --cluster NAME" in capsys.readouterr().err


@pytest.mark.parametrize(("field", "value", "said"), [
    ("failover_s", "fast", "failover_s is not a number"),
    ("predicted", "x", "predicted is not a list of text"),
    ("conflicts", "2", "conflicts is not a whole number"),
    ("time", 5, "time is not text"),
])
def test_a_wrong_typed_entry_is_shown_as_damaged_and_the_rest_still_prints(
        field: str, value: object, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    audit.record("standby", outcome="done", message="first", failover_s=1.5)
    damaged = audit.record("online", outcome="done", message="second")
    damaged[field] = value
    with audit.journal_path().open("a", encoding="utf-8") as journal:
        journal.write(json.dumps(damaged) + "\n")
    audit.record("clear", outcome="refused", message="third")
    assert main(["audit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[0].endswith("first") and lines[3].endswith("third")
    assert "[damaged]" in lines[2] and f"line 3: {said}" in lines[2]
    assert main(["audit", "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4


def test_creating_the_journal_fsyncs_its_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    audit.record("standby", outcome="done", message="first")
    journal = audit.journal_path()
    assert synced == [str(journal), str(journal.parent)]
    audit.record("online", outcome="done", message="second")
    assert synced[2:] == [str(journal)]  # an existing journal: its directory entry is on disk
