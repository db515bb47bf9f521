"""The fixed list of generated cases, and the function that builds one into a directory.

Each case is (scenario, node count, seed): the seed drives every other choice, so the list below
is the whole definition of the CI set and a failing case can be rebuilt alone by its name.
Node counts are spread from 2 to 32; resource counts shrink as nodes grow, because crm_simulate's
cost grows with nodes x resources.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.cases import scenarios as s
from tests.cases.builder import CibBuilder
from tests.cases.claims import Claim


@dataclass(frozen=True)
class CaseSpec:
    """One generated case: which scenario, how many nodes, which seed."""

    scenario: s.Scenario
    nodes: int
    seed: int

    @property
    def name(self) -> str:
        """A stable, readable case id, e.g. `all_standby-n5-s11`."""
        return f"{self.scenario.__name__}-n{self.nodes}-s{self.seed}"


@dataclass(frozen=True)
class GeneratedCase:
    """A case built into a CIB file, with what it claims and what it contains."""

    spec: CaseSpec
    path: Path
    claims: tuple[Claim, ...]
    tags: frozenset[str] = field(default_factory=frozenset)
    seconds: float = 0.0

    @property
    def name(self) -> str:
        """The spec's case id."""
        return self.spec.name


CASES: tuple[CaseSpec, ...] = (
    CaseSpec(s.healthy, 2, 1),
    CaseSpec(s.healthy, 3, 2),
    CaseSpec(s.healthy, 8, 3),
    CaseSpec(s.healthy, 32, 4),
    CaseSpec(s.all_standby, 2, 11),
    CaseSpec(s.all_standby, 5, 12),
    CaseSpec(s.all_standby, 32, 13),
    CaseSpec(s.standby_lifetimes, 3, 21),
    CaseSpec(s.standby_lifetimes, 6, 22),
    CaseSpec(s.service_failed_everywhere, 2, 31),
    CaseSpec(s.service_failed_everywhere, 3, 32),
    CaseSpec(s.service_failed_everywhere, 4, 33),
    CaseSpec(s.service_failed_everywhere, 3, 34),
    CaseSpec(s.vip_two_nodes, 2, 41),
    CaseSpec(s.vip_two_nodes, 5, 42),
    CaseSpec(s.vip_two_nodes, 12, 43),
    CaseSpec(s.unclean, 3, 51),
    CaseSpec(s.unclean, 16, 52),
    CaseSpec(s.nodes_down, 4, 61),
    CaseSpec(s.nodes_down, 24, 62),
    CaseSpec(s.node_maintenance, 2, 71),
    CaseSpec(s.node_maintenance, 4, 72),
    CaseSpec(s.maintenance_mode, 3, 81),
    CaseSpec(s.failed_stop, 2, 91),
    CaseSpec(s.failed_stop, 3, 92),
    CaseSpec(s.failed_stop, 5, 93),
    CaseSpec(s.promoted, 2, 101),
    CaseSpec(s.promoted, 5, 102),
    CaseSpec(s.cli_leftovers, 3, 111),
    CaseSpec(s.cli_leftovers, 6, 112),
    CaseSpec(s.near_threshold, 2, 121),
    CaseSpec(s.near_threshold, 3, 122),
    CaseSpec(s.mixed, 2, 131),
    CaseSpec(s.mixed, 3, 132),
    CaseSpec(s.mixed, 5, 133),
    CaseSpec(s.mixed, 9, 134),
    CaseSpec(s.mixed, 17, 135),
    CaseSpec(s.mixed, 32, 136),
)


def generate(spec: CaseSpec, directory: Path) -> GeneratedCase:
    """Build `spec` into `directory/<name>.xml` with the real tools."""
    started = time.monotonic()
    path = directory / f"{spec.name}.xml"
    tags: set[str] = set()
    claims = spec.scenario(CibBuilder(path), random.Random(spec.seed), spec.nodes, tags)
    seconds = time.monotonic() - started
    return GeneratedCase(spec, path, tuple(claims), frozenset(tags), seconds)
