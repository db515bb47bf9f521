"""ConfigCommands: the command palette's configuration edits, typed as on the command line.

The palette is the console's one place to type a value: "threshold OSIPS 3", "stickiness 100" or
"prefer ClusterIP node-b=50" (optionally after "config") offers one entry, "config: Set OSIPS
migration-threshold to 3", parsed by the same `parse_*` as `hacon config`. Choosing it starts the
same guarded flow as a key (guard, preview, confirmation, patch, verification, journal); a guard
that says no says why in the entry's help line and on the status bar. A value that does not
parse gives an entry with its reason. Nothing is listed before a setting is typed, in read-only
mode or without a runner.
"""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider

from console.actions import config_edits
from console.actions.plans import ActionKind
from console.ui.action_requests import ActionRequest
from console.ui.actions_flow import ActionsApp, shown_snapshot, start_action
from console.ui.inert import inert

HELP = "guarded: previewed, then asks for confirmation"
SETTINGS = ("stickiness", "prefer", "threshold")


def typed_request(query: str) -> tuple[str, ActionRequest | str] | None:
    """(the entry's label, its request or why the value is bad) for a typed edit; None when
    the query is not one ("standby node-a", half a word)."""
    words = query.split()
    if words[:1] == ["config"]:
        words = words[1:]
    if not words or words[0] not in SETTINGS:
        return None
    label = f"config: {' '.join(words)}"
    try:
        return _parsed(words) or (label, f"type {_usage(words[0])}")
    except ValueError as error:
        return label, str(error)


def _parsed(words: list[str]) -> tuple[str, ActionRequest] | None:
    match words:
        case ["stickiness", text]:
            value = config_edits.parse_count(text, "stickiness")
            return (f"config: Set rsc_defaults resource-stickiness to {value}",
                    ActionRequest(ActionKind.CONFIG_STICKINESS, value=value))
        case ["threshold", resource, text]:
            value = config_edits.parse_count(text, "migration-threshold")
            return (f"config: Set {resource} migration-threshold to {value}",
                    ActionRequest(ActionKind.CONFIG_THRESHOLD, resource=resource, value=value))
        case ["prefer", resource, preference]:
            node, score = config_edits.parse_preference(preference)
            return (f"config: Prefer {node} for {resource} (score {score})",
                    ActionRequest(ActionKind.CONFIG_PREFER, resource=resource, node=node,
                                  value=score))
    return None


def _usage(setting: str) -> str:
    return {"stickiness": "stickiness N", "prefer": "prefer RESOURCE NODE=SCORE",
            "threshold": "threshold RESOURCE N"}[setting]


class ConfigCommands(Provider):
    """One palette entry for a configuration edit typed in the palette's input."""

    async def search(self, query: str) -> Hits:
        app = self.app
        typed = typed_request(query)
        if typed is None or not isinstance(app, ActionsApp) or not app.actions_enabled:
            return
        label, request = typed
        if isinstance(request, str):
            yield Hit(1.0, inert(label), partial(app.explain, request), help=request)
            return
        snapshot = shown_snapshot(self.screen)
        reason = app.blocked_reason(request, snapshot)
        yield Hit(1.0, inert(label), partial(start_action, self.screen, request),
                  help=f"unavailable: {reason}" if reason else HELP)
