"""The generated cases, built once per test session into a temporary directory.

Nothing generated is committed: the catalog (scenario, node count, seed) is the definition, and
the CIB files are rebuilt with Pacemaker's tools on every run, two cases at a time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.cases.catalog import CaseSpec, GeneratedCase, GeneratedSet, generate, selected_cases
from tests.cases.tools import missing_tools


def _try_generate(spec: CaseSpec, directory: Path) -> GeneratedCase | Exception:
    try:
        return generate(spec, directory)
    except Exception as error:  # noqa: BLE001 - any generator bug fails only its own case
        return error


@pytest.fixture(scope="session")
def generated_cases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeneratedSet]:
    """Build every case of the catalog with the real tools (skips when they are missing)."""
    missing = missing_tools()
    if missing:
        pytest.skip(f"Pacemaker tools missing ({', '.join(missing)}): run `bash tests/run` as root")
    directory = tmp_path_factory.mktemp("generated-cibs")
    result = GeneratedSet()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        cases = selected_cases()
        outcomes = pool.map(lambda spec: _try_generate(spec, directory), cases)
        for spec, outcome in zip(cases, outcomes):
            if isinstance(outcome, Exception):
                result.errors[spec.name] = outcome
            else:
                result.built[spec.name] = outcome
    result.seconds = time.monotonic() - started
    _generated_sets.append(result)
    yield result


_generated_sets: list[GeneratedSet] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how long generation took, so a slow scenario is noticed before CI times out."""
    for generated in _generated_sets:
        slowest = max(generated.built.values(), key=lambda case: case.seconds, default=None)
        line = f"generated {len(generated.built)} cases in {generated.seconds:.1f} s"
        if slowest is not None:
            line += f" (slowest {slowest.name}: {slowest.seconds:.1f} s)"
        terminalreporter.write_line(f"tests/cases: {line}, {len(generated.errors)} failed")
