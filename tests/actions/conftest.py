"""Executor tests run on the demo's fake clock: no need to wait real time between polls."""

from __future__ import annotations

import pytest

from console.actions import verify


@pytest.fixture(autouse=True)
def _fast_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify, "POLL_INTERVAL_S", 0.0)
