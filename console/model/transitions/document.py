"""history_document: the JSON contract of `hacon history --json` (described in the README)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from console.model.transitions.actions import Action
from console.model.transitions.causes import Cause
from console.model.transitions.explain import Transition
from console.model.transitions.incidents import Incident
from console.model.transitions.logs import FencingResult

SCHEMA_VERSION = 1


def iso_time(epoch: int | None) -> str | None:
    """`2026-12-06T09:07:07Z`, or None."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)) if epoch is not None else None


def _cause(cause: Cause) -> dict[str, Any]:
    return {"category": cause.category.value, "text": cause.text, "node": cause.node,
            "resource": cause.resource, "op": cause.op, "rc": cause.rc,
            "failcount": cause.failcount, "migration_threshold": cause.threshold,
            "threshold_reached": cause.threshold_reached, "fencing": _fencing(cause.fencing)}


def _fencing(result: FencingResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {"target": result.target, "action": result.action, "by": result.executioner,
            "result": result.result, "succeeded": result.succeeded,
            "logged_at": result.logged_at}


def _action(action: Action) -> dict[str, Any]:
    return {"kind": action.kind, "resource": action.resource, "node": action.node,
            "source": action.source, "text": action.text}


def _placement(placement: Mapping[str, tuple[str, ...]] | None) -> dict[str, list[str]] | None:
    return None if placement is None else {rid: list(nodes) for rid, nodes in placement.items()}


def transition_document(transition: Transition) -> dict[str, Any]:
    """One transition as JSON."""
    return {
        "id": transition.ref.key, "node": transition.ref.node, "file": transition.ref.name,
        "kind": transition.ref.kind, "executed_at": transition.executed_at,
        "time": iso_time(transition.executed_at), "transition": transition.number,
        "result": transition.result, "category": transition.category.value,
        "quiet": transition.quiet, "causes": [_cause(cause) for cause in transition.causes],
        "actions": [_action(action) for action in transition.actions],
        "actions_from": transition.actions_from, "before": _placement(transition.before),
        "after": _placement(transition.after), "vips": dict(transition.vips),
        "kept": list(transition.kept),
        "scores": {rid: dict(nodes) for rid, nodes in transition.scores.items()},
    }


def incident_document(incident: Incident) -> dict[str, Any]:
    """One incident as JSON: its headline and the ids of its transitions."""
    return {"started_at": incident.started_at, "time": iso_time(incident.started_at),
            "category": incident.category.value, "headline": incident.headline,
            "actions": list(incident.action_texts),
            "transitions": [t.ref.key for t in incident.transitions]}


def history_document(transitions: Iterable[Transition], incidents: Iterable[Incident], *,
                     source: str, inputs_read: int,
                     problems: Mapping[str, str]) -> dict[str, Any]:
    """The whole `hacon history --json` document."""
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "inputs_read": inputs_read,
        "problems": [{"input": key, "problem": text} for key, text in sorted(problems.items())],
        "transitions": [transition_document(t) for t in transitions],
        "incidents": [incident_document(incident) for incident in incidents],
    }
