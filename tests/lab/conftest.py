"""Lab fixtures for this folder (see fixtures.py) and the lab marker logic for the session."""

from __future__ import annotations

import pytest

from .fixtures import (  # noqa: F401 - fixtures are found by name
    healthy_lab,
    healthy_lab3,
    healthy_lab_fenced,
    lab,
    lab3,
    lab_fenced,
    lab_figures,
    mark_and_skip_lab_items,
    skip_if_no_lab,
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Lab tests run on a real cluster, or are all skipped with one loud summary line."""
    mark_and_skip_lab_items(config, items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture: a lab test skips at once when no lab can run here."""
    skip_if_no_lab(item)
