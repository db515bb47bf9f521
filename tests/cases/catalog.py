"""The fixed list of generated cases, and the function that builds one into a directory.

Each case is (scenario, node count, seed): the seed drives every other choice, so the list below
is the whole definition of the CI set and a failing case can be rebuilt alone by its name.
Node counts are spread from 2 to 32; resource counts shrink as nodes grow, because crm_simulate's
cost grows with nodes x resources.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.cases import scenarios as s
from tests.cases import scenarios_failures as f
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


@dataclass
class GeneratedSet:
    """Every case of the catalog: built, or the error that stopped its generator."""

    built: dict[str, GeneratedCase] = field(default_factory=dict)
    errors: dict[str, Exception] = field(default_factory=dict)
    seconds: float = 0.0

    def get(self, spec: CaseSpec) -> GeneratedCase:
        """The built case for `spec`; a generator error fails only the tests of that case."""
        if spec.name in self.errors:
            raise AssertionError(f"generating {spec.name} failed: {self.errors[spec.name]}")
        return self.built[spec.name]


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
    CaseSpec(f.on_fail_policies, 3, 141),
    CaseSpec(f.on_fail_policies, 6, 142),
    CaseSpec(f.half_migrated, 2, 151),
    CaseSpec(f.half_migrated, 3, 153),
    CaseSpec(f.group_partly_started, 2, 161),
    CaseSpec(f.group_partly_started, 3, 162),
    CaseSpec(f.remote_nodes, 2, 171),
    CaseSpec(f.remote_nodes, 3, 174),
    CaseSpec(f.unique_clone, 2, 181),
    CaseSpec(f.unique_clone, 3, 182),
    CaseSpec(s.mixed, 2, 131),
    CaseSpec(s.mixed, 3, 132),
    CaseSpec(s.mixed, 5, 133),
    CaseSpec(s.mixed, 9, 134),
    CaseSpec(s.mixed, 17, 135),
    CaseSpec(s.mixed, 32, 136),
)


SCENARIO_MIN_NODES: dict[s.Scenario, int] = {
    s.healthy: 2,
    s.all_standby: 2,
    s.standby_lifetimes: 3,
    s.service_failed_everywhere: 2,
    s.vip_two_nodes: 2,
    s.unclean: 2,
    s.nodes_down: 2,
    s.node_maintenance: 2,
    s.maintenance_mode: 2,
    s.failed_stop: 2,
    s.promoted: 2,
    s.cli_leftovers: 3,
    s.near_threshold: 2,
    s.mixed: 2,
    f.on_fail_policies: 2,
    f.half_migrated: 2,
    f.group_partly_started: 2,
    f.remote_nodes: 2,
    f.unique_clone: 2,
}
"""Every scenario, with the fewest nodes it can be built on."""

EXTRA_CASES_ENV = "HACON_EXTRA_CASES"
"""Set to N to add N more seeded cases to a run (for hunting disagreements; CI uses CASES)."""


def extra_cases(count: int) -> tuple[CaseSpec, ...]:
    """`count` more cases, scenario and node count drawn from seeds 1000, 1001, ..."""
    extra = []
    for seed in range(1000, 1000 + count):
        rng = random.Random(seed)
        scenario = rng.choice(list(SCENARIO_MIN_NODES))
        # Small clusters are where most situations differ; big ones stay in the mix.
        nodes = rng.choice([2, 2, 3, 3, 4, 5, 6, 8, 12, 16, 24, 32])
        extra.append(CaseSpec(scenario, max(nodes, SCENARIO_MIN_NODES[scenario]), seed))
    return tuple(extra)


def selected_cases() -> tuple[CaseSpec, ...]:
    """The CI set, plus any extra cases asked for through HACON_EXTRA_CASES."""
    return CASES + extra_cases(int(os.environ.get(EXTRA_CASES_ENV) or 0))


def generate(spec: CaseSpec, directory: Path) -> GeneratedCase:
    """Build `spec` into `directory/<name>.xml` with the real tools."""
    started = time.monotonic()
    path = directory / f"{spec.name}.xml"
    tags: set[str] = set()
    claims = spec.scenario(CibBuilder(path), random.Random(spec.seed), spec.nodes, tags)
    seconds = time.monotonic() - started
    return GeneratedCase(spec, path, tuple(claims), frozenset(tags), seconds)
