"""The saved switchover: one private file per cluster, written atomically; a file hacon cannot
read is reported by name and never overwritten or removed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from console.actions import runbook_store
from console.actions.runbook import RunbookFileError, Switchover, begin
from tests.actions.switchover_helpers import NOW, demo, look


@pytest.fixture
def runbooks(tmp_path: Path) -> Path:
    """A directory of its own (the test's tmp_path also holds the isolated home)."""
    directory = tmp_path / "runbooks"
    directory.mkdir()
    return directory


def state() -> Switchover:
    _, runner = demo()
    cluster = look(runner).cluster
    assert cluster is not None
    return begin(cluster, NOW)


def test_it_lives_in_hacons_state_dir_and_reads_back_the_same() -> None:
    saved = state()
    path = runbook_store.save(saved)
    assert path == Path(os.environ["XDG_STATE_HOME"]) / "hacon" / "switchover" / "demo.json"
    assert runbook_store.load("demo") == saved


def test_the_file_is_private_and_no_temporary_file_is_left(runbooks: Path) -> None:
    path = runbook_store.save(state(), runbooks)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [entry.name for entry in runbooks.iterdir()] == ["demo.json"]


def test_a_failed_write_leaves_the_old_state_whole(runbooks: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first = state()
    runbook_store.save(first, runbooks)

    def broken_replace(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        runbook_store.save(first, runbooks)
    monkeypatch.undo()
    assert runbook_store.load("demo", runbooks) == first
    assert [entry.name for entry in runbooks.iterdir()] == ["demo.json"]


def test_no_saved_switchover_is_none(runbooks: Path) -> None:
    assert runbook_store.load("demo", runbooks) is None


@pytest.mark.parametrize(("text", "why"), [
    ("{not json", "not JSON"),
    ('{"hello": "world"}', "it is not a hacon switchover"),
    ("\udcff", None),
])
def test_a_corrupt_or_alien_file_is_named_and_left_as_it_is(runbooks: Path, text: str,
                                                            why: str | None) -> None:
    path = runbook_store.path_for("demo", runbooks)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8", "surrogateescape")
    path.write_bytes(data)
    with pytest.raises(RunbookFileError) as error:
        runbook_store.load("demo", runbooks)
    message = str(error.value)
    assert message.startswith(f"the saved switchover {path} cannot be read: ")
    assert why is None or why in message
    assert "it is left as it is" in message
    assert path.read_bytes() == data  # nothing lost


def test_a_file_of_another_cluster_is_not_taken_for_this_one(runbooks: Path) -> None:
    path = runbook_store.save(state(), runbooks)
    path.rename(runbook_store.path_for("other", runbooks))
    with pytest.raises(RunbookFileError, match="belongs to cluster 'demo', not 'other'"):
        runbook_store.load("other", runbooks)


def test_set_aside_keeps_an_unreadable_file_under_another_name(runbooks: Path) -> None:
    path = runbook_store.path_for("demo", runbooks)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("garbage")
    aside = runbook_store.set_aside("demo", runbooks)
    assert aside is not None and aside.read_text() == "garbage"
    assert aside.name.startswith("demo.json.unreadable-")
    assert runbook_store.load("demo", runbooks) is None


def test_a_cluster_name_cannot_climb_out_of_the_directory(runbooks: Path) -> None:
    path = runbook_store.path_for("../../etc/passwd", runbooks)
    assert path.parent == runbooks and path.name == "_.._etc_passwd.json"
