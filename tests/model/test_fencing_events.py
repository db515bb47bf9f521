"""A fencing in the console: the fenced node's row says who fenced it and when, and the event
log records each new fencing (and each failed one) once."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from console.model.live.events import EventKind, diff_snapshots
from console.presentation.rows import node_rows
from tests.model.test_partitions import SEEN, cut_holder, fenced_node_a


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_fenced_nodes_row_says_fenced_by_whom_and_when(utc: None) -> None:
    live = cut_holder(fencing=(fenced_node_a("2026-12-06 12:01:10Z"),), stonith=True)
    rows = dict(node_rows(live, SEEN + 22))
    reach = rows["node-a"][4].text
    assert reach == "UNREACHABLE · fenced by node-b at 12:01:10"
    assert rows["node-b"][4].text == "reachable"


def test_a_new_fencing_is_logged_once_and_a_failed_one_is_flagged() -> None:
    before = cut_holder(fencing=(), stonith=True)
    failed = fenced_node_a("2026-12-06 12:01:08Z", status="failed")
    done = fenced_node_a("2026-12-06 12:01:10Z")
    after = cut_holder(fencing=(failed, done), stonith=True)
    events = diff_snapshots(before, after, 1.0)
    texts = [(e.kind, e.text) for e in events if e.kind in (EventKind.FENCED,
                                                           EventKind.FENCING_FAILED)]
    assert texts == [(EventKind.FENCING_FAILED, "fencing of node-a by node-b FAILED (reboot)"),
                     (EventKind.FENCED, "node-a fenced by node-b (reboot)")]
    assert all(e.alarming for e in events if e.kind is EventKind.FENCED)
    again = diff_snapshots(after, after, 2.0)
    assert not [e for e in again if e.kind in (EventKind.FENCED, EventKind.FENCING_FAILED)]


def test_the_first_history_read_is_not_news() -> None:
    never_read = cut_holder(fencing=None, stonith=True)
    after = cut_holder(fencing=(fenced_node_a("2026-12-06 12:01:10Z"),), stonith=True)
    assert not [e for e in diff_snapshots(never_read, after, 1.0) if e.kind is EventKind.FENCED]
