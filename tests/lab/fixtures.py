"""pytest fixtures for the lab, and the pool that guarantees every lab is torn down.

Fixtures: `lab` (2 nodes) and `lab3` (3 nodes) are session-scoped and shared; `healthy_lab` /
`healthy_lab3` are the same labs restored first (`Lab.restore()`: every node powered, healed,
sshd up, standby off, failcounts and cli-bans cleared, converged). `lab_figures` records
measured timings printed at the end of the run.

Teardown is guaranteed three ways: pytest's session finish, atexit, and SIGTERM/SIGHUP
handlers (a killed CI job still removes namespaces). A pytest-timeout "thread" kill (os._exit)
bypasses all three; use the default "signal" method.

To use these fixtures from another test folder, import them in that folder's conftest.py:

    from tests.lab.fixtures import healthy_lab, lab, lab_figures, mark_and_skip_lab_items  # noqa
    def pytest_collection_modifyitems(config, items):
        mark_and_skip_lab_items(config, items)

The pool is registered once per session as the plugin "hacon-lab", so every folder shares the
same running labs. HACON_NO_LAB=1 turns lab tests off (still with the loud line);
HACON_LAB_LOGS=DIR keeps each node's logs there when a lab ends (useful in CI).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest

from .capability import lab_unavailable_reason
from .harness import Lab
from .operations import LabError
from .settings import LabSettings

PLUGIN_NAME = "hacon-lab"
FigureRecorder = Callable[[str, float], None]
"""`lab_figures(name, seconds)`: a measured timing for the end-of-run report."""


class LabPool:
    """The session's running labs, by node count, and the figures measured on them."""

    def __init__(self) -> None:
        self.labs: dict[tuple[int, bool], Lab] = {}
        self.failures: dict[tuple[int, bool], str] = {}
        self.figures: list[tuple[str, float]] = []
        self.skip_reason: str | None = None
        self.retries: list[str] = []
        self._handlers_installed = False

    def get(self, nodes: int, fencing: bool = False) -> Lab:
        """The running lab with that many nodes (and fencing, or not); up on first use."""
        reason = lab_unavailable_reason()
        if reason is not None:
            self.skip_reason = reason
            pytest.skip(f"LAB TESTS SKIPPED: {reason}")
        key = (nodes, fencing)
        if key in self.failures:
            pytest.fail(f"the {nodes}-node lab failed to come up earlier: {self.failures[key]}")
        if key not in self.labs:
            self._install_teardown()
            self.labs[key] = self._bring_up(nodes, fencing)
        return self.labs[key]

    def _bring_up(self, nodes: int, fencing: bool) -> Lab:
        """Up a lab; one retry, reported loudly, because a loaded CI box can miss a deadline."""
        try:
            return self._up_once(nodes, fencing, attempt=1)
        except LabError:
            try:
                return self._up_once(nodes, fencing, attempt=2)
            except LabError as error:
                self.failures[(nodes, fencing)] = str(error)
                raise

    def _up_once(self, nodes: int, fencing: bool, attempt: int) -> Lab:
        suffix = "f" if fencing else ""
        lab = Lab(LabSettings(nodes=nodes, fencing=fencing,
                              state_dir=Path(f"/tmp/hacon-lab-{os.getpid()}-{nodes}n{suffix}")))
        try:
            seconds = lab.up()  # on failure, up() has already torn the lab down
        except LabError as error:
            self.retries.append(f"{nodes}-node lab, attempt {attempt}: {error}")
            raise
        with_fencing = ", fencing" if fencing else ""
        self.record(f"up ({nodes} nodes{with_fencing}, until converged)", seconds)
        return lab

    def record(self, name: str, seconds: float) -> None:
        """Keep a measured figure for the end-of-run report."""
        self.figures.append((name, seconds))

    def end_all(self) -> None:
        """Down every lab of this process (idempotent)."""
        while self.labs:
            _, lab = self.labs.popitem()
            lab.down()

    def _install_teardown(self) -> None:
        if self._handlers_installed:
            return
        self._handlers_installed = True
        atexit.register(self.end_all)
        for signum in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(ValueError):  # only the main thread may set handlers
                signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.end_all()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    # --- pytest hooks (the pool is registered as a plugin) ---------------------------------

    def pytest_sessionfinish(self) -> None:
        """End the labs when the session ends, whatever the outcome."""
        self.end_all()

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """Lab start-ups that needed a retry, and the measured figures (a skipped lab is one line
        of pytest's own summary: see skip_if_no_lab)."""
        for retry in self.retries:
            first_lines = "\n".join(retry.splitlines()[:40])
            terminalreporter.write_line(f"LAB UP FAILED (retried): {first_lines}", yellow=True)
        if self.figures:
            terminalreporter.section("lab figures (measured on the real cluster)")
            for name, seconds in self.figures:
                terminalreporter.write_line(f"{name}: {seconds:.2f} s")


def lab_pool(config: pytest.Config) -> LabPool:
    """The session's single pool, registered on first use."""
    pool = config.pluginmanager.get_plugin(PLUGIN_NAME)
    if pool is None:
        pool = LabPool()
        config.pluginmanager.register(pool, PLUGIN_NAME)
    return pool


def mark_and_skip_lab_items(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests that use a lab fixture `lab`; note why no lab can run here (skip_if_no_lab)."""
    lab_items = []
    for item in items:
        if LAB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.lab)
        if item.get_closest_marker("lab") is not None:
            lab_items.append(item)
    if not lab_items:
        return
    lab_pool(config).skip_reason = lab_unavailable_reason()


def skip_if_no_lab(item: pytest.Item) -> None:
    """Skip a lab test when no lab can run, from this one line, so that pytest's summary folds
    every lab test into one "SKIPPED [n] ... LAB TESTS SKIPPED: why" line."""
    reason = lab_pool(item.config).skip_reason
    if reason is not None and item.get_closest_marker("lab") is not None:
        pytest.skip(f"LAB TESTS SKIPPED: {reason}")


LAB_FIXTURES = {"lab", "lab3", "healthy_lab", "healthy_lab3", "lab_fenced",
                "healthy_lab_fenced"}


@pytest.fixture(scope="session")
def lab(request: pytest.FixtureRequest) -> Iterator[Lab]:
    """A converged 2-node lab, shared by the session. Tests may leave it in any state."""
    yield lab_pool(request.config).get(2)


@pytest.fixture(scope="session")
def lab3(request: pytest.FixtureRequest) -> Iterator[Lab]:
    """A converged 3-node lab, shared by the session."""
    yield lab_pool(request.config).get(3)


@pytest.fixture(scope="session")
def lab_fenced(request: pytest.FixtureRequest) -> Iterator[Lab]:
    """A converged 2-node lab with fencing on (a fence agent that powers nodes off)."""
    yield lab_pool(request.config).get(2, fencing=True)


@pytest.fixture
def healthy_lab_fenced(lab_fenced: Lab) -> Lab:
    """The fencing lab restored to healthy (fenced nodes powered on again) before the test."""
    lab_fenced.restore()
    return lab_fenced


@pytest.fixture
def healthy_lab(lab: Lab) -> Lab:
    """The 2-node lab restored to healthy and converged before the test."""
    lab.restore()
    return lab


@pytest.fixture
def healthy_lab3(lab3: Lab) -> Lab:
    """The 3-node lab restored to healthy and converged before the test."""
    lab3.restore()
    return lab3


@pytest.fixture
def lab_figures(
    request: pytest.FixtureRequest, record_property: Callable[[str, object], None]
) -> FigureRecorder:
    """`lab_figures(name, seconds)`: report a timing at the end of the run and in junit XML."""

    def record(name: str, seconds: float) -> None:
        lab_pool(request.config).record(name, seconds)
        record_property(name, f"{seconds:.3f}")

    return record
