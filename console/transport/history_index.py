"""Reading many scheduler inputs at once: their facts, on every core when there are many.

Deriving one input's status costs a few milliseconds of pure CPU; a thousand of them are worth
spreading over the machine's cores. Worker processes are spawned (never forked: the console's
process runs threads) and only for batches big enough to repay their start-up.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

from console.model.errors import CibParseError, describe
from console.model.transitions.facts import InputFacts, InputRef, read_facts

PARALLEL_FROM = 64
"""Fewer inputs than this are read in this process."""
MAX_WORKERS = 4
CHUNK = 16

Progress = Callable[[int, int, str], None]


def _read_one(item: tuple[InputRef, bytes]) -> InputFacts | str:
    ref, data = item
    try:
        return read_facts(ref, data)
    except CibParseError as error:
        return describe(error)


def _workers() -> int:
    return min(MAX_WORKERS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def read_inputs(inputs: Sequence[tuple[InputRef, bytes]], progress: Progress
                ) -> tuple[list[InputFacts], dict[str, str]]:
    """The facts of every input, and input key -> why it could not be read."""
    facts: list[InputFacts] = []
    problems: dict[str, str] = {}
    workers = _workers()
    if len(inputs) < PARALLEL_FROM or workers < 2:
        results = map(_read_one, inputs)
        return _collect(inputs, results, progress, facts, problems)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return _collect(inputs, pool.map(_read_one, inputs, chunksize=CHUNK), progress, facts,
                        problems)


def _collect(inputs: Sequence[tuple[InputRef, bytes]], results: Iterable[InputFacts | str],
             progress: Progress, facts: list[InputFacts], problems: dict[str, str]
             ) -> tuple[list[InputFacts], dict[str, str]]:
    for index, ((ref, _data), result) in enumerate(zip(inputs, results, strict=True), 1):
        if isinstance(result, str):
            problems[ref.key] = result
        else:
            facts.append(result)
        if index % 25 == 0 or index == len(inputs):
            progress(index, len(inputs), ref.key)
    return facts, problems
