"""The transitions and fencing results a node's Pacemaker log records (Pacemaker 2.1.5 wording).

    Dec 06 09:07:07.857 node-a pacemaker-schedulerd[33] (pcmk__log_transition_summary) notice:
        Calculated transition 1, saving inputs in /var/lib/pacemaker/pengine/pe-input-1.bz2
    Dec 06 09:07:08.145 node-a pacemaker-controld  [34] (pcmk__execute_graph) notice:
        Transition 1 (Complete=6, Pending=0, Fired=0, Skipped=0, Incomplete=0,
        Source=/var/lib/pacemaker/pengine/pe-input-1.bz2): Complete
    ... pacemaker-controld ... notice: Peer node-b was terminated (reboot) by node-a on behalf
        of pacemaker-controld.34@node-a: OK | event=1eb71c63-...

Log lines carry no year; the explainer matches them to inputs by file name and node, and fencing
results to a transition by the lost node's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

LOG_PATTERNS = ("Calculated transition", "Source=/", " terminated (")
"""Fixed strings that select the interesting lines (grep -F) before parsing."""

_CALCULATED = re.compile(
    r"^(?P<stamp>\w{3} +\d+ [\d:.]+) (?P<host>\S+) .*Calculated transition (?P<number>\d+)"
    r"(?: \(with (?P<problem>warnings|errors)\))?, saving inputs in \S*/(?P<file>pe-\w+-\d+\.bz2)")
_FINISHED = re.compile(
    r"^(?P<stamp>\w{3} +\d+ [\d:.]+) (?P<host>\S+) .*Transition (?P<number>\d+) \((?P<counts>"
    r"[^)]*?), Source=\S*/(?P<file>pe-\w+-\d+\.bz2)\): (?P<result>\w+)")
_FENCED = re.compile(
    r"^(?P<stamp>\w{3} +\d+ [\d:.]+) (?P<host>\S+) .*Peer (?P<target>\S+) was (?:not )?terminated "
    r"\((?P<action>\w+)\) by (?P<executioner>\S+) on behalf of \S+: (?P<result>.+?)"
    r"\s*(?:\| .*)?$")


@dataclass(frozen=True, slots=True)
class LoggedTransition:
    """One transition as the DC's log tells it."""

    node: str
    file: str
    number: int
    calculated_at: str
    result: str | None = None
    """`Complete`, `Stopped` (aborted for a newer one) or `Terminated`; None while running."""
    counts: str | None = None

    @property
    def did_nothing(self) -> bool:
        """The DC finished it with no action at all (`Complete=0, ... Incomplete=0`)."""
        if self.counts is None:
            return False
        numbers = dict(part.strip().split("=", 1) for part in self.counts.split(",")
                       if "=" in part)
        return bool(numbers) and all(value.strip() == "0" for value in numbers.values())


@dataclass(frozen=True, slots=True)
class FencingResult:
    """One fencing operation's outcome."""

    target: str
    action: str
    executioner: str
    result: str
    logged_at: str

    @property
    def succeeded(self) -> bool:
        """The fencer answered `OK` (any other text is the error it logged)."""
        return self.result == "OK"


@dataclass(frozen=True, slots=True)
class LogFindings:
    """What the logs of every node say, keyed for the explainer."""

    transitions: dict[tuple[str, str], LoggedTransition]
    """(node, file name) -> the newest transition that used that input."""
    fencing: tuple[FencingResult, ...]


def read_log_lines(node: str, lines: Iterable[str]) -> LogFindings:
    """Parse one node's log lines (any lines; unrelated ones are skipped)."""
    transitions: dict[tuple[str, str], LoggedTransition] = {}
    fencing: list[FencingResult] = []
    for line in lines:
        if (match := _CALCULATED.match(line)) is not None:
            key = (node, match["file"])
            transitions[key] = LoggedTransition(node, match["file"], int(match["number"]),
                                                match["stamp"])
        elif (match := _FINISHED.match(line)) is not None:
            key = (node, match["file"])
            started = transitions.get(key)
            stamp = started.calculated_at if started is not None else match["stamp"]
            transitions[key] = LoggedTransition(node, match["file"], int(match["number"]), stamp,
                                                match["result"], match["counts"])
        elif (match := _FENCED.match(line)) is not None:
            fencing.append(FencingResult(match["target"], match["action"], match["executioner"],
                                         match["result"], match["stamp"]))
    return LogFindings(transitions, tuple(fencing))


def merge_findings(findings: Iterable[LogFindings]) -> LogFindings:
    """Every node's findings together (a fencing result is usually logged on several nodes)."""
    transitions: dict[tuple[str, str], LoggedTransition] = {}
    fencing: dict[tuple[str, str, str], FencingResult] = {}
    for found in findings:
        transitions.update(found.transitions)
        for result in found.fencing:
            fencing[(result.target, result.logged_at[:15], result.result)] = result
    return LogFindings(transitions, tuple(fencing.values()))


NO_LOGS = LogFindings({}, ())
