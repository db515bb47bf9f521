"""Transition history: why the cluster did what it did, from the scheduler's saved inputs.

`read_facts(ref, data)` reads one `pe-input-N.bz2`; `explain_history(facts, logs, replays)` puts
every input in time order and explains each one (cause by category, actions);
`group_incidents` groups transitions seconds apart; `history_document` is the JSON contract of
`hacon history --json`. Pure: the files are fetched and replayed elsewhere.
"""

from __future__ import annotations

from console.model.transitions.actions import Action, Replay, observed_actions, replay_actions
from console.model.transitions.causes import Category, Cause, find_causes
from console.model.transitions.document import history_document
from console.model.transitions.explain import Transition, explain_history, explain_one
from console.model.transitions.facts import (
    INPUT_NAME,
    InputFacts,
    InputRef,
    facts_from_json,
    facts_to_json,
    read_facts,
)
from console.model.transitions.incidents import Incident, group_incidents
from console.model.transitions.logs import LogFindings, merge_findings, read_log_lines

__all__ = [
    "INPUT_NAME",
    "Action",
    "Category",
    "Cause",
    "Incident",
    "InputFacts",
    "InputRef",
    "LogFindings",
    "Replay",
    "Transition",
    "explain_history",
    "explain_one",
    "facts_from_json",
    "facts_to_json",
    "find_causes",
    "group_incidents",
    "history_document",
    "merge_findings",
    "observed_actions",
    "read_facts",
    "read_log_lines",
    "replay_actions",
]
