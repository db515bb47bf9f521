"""ConsoleCommands: the command palette (ctrl+p) offers every bound action by name.

Each entry runs the same action as its key (`run_action` on the binding's own node), so a
guarded action can never skip its guard or its confirmation. Entries whose `check_action` says
no are left out (read-only mode, the guards of console.actions).
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.ui.actions_flow import GUARDED_ACTION_IDS
from console.ui.inert import highlighted, inert
from console.ui.keymap import KeyEntry, key_entries

NOT_IN_PALETTE = frozenset({"console.cursor-down", "console.cursor-up"}) | GUARDED_ACTION_IDS
"""Moving a cursor by one row from a palette is not a command anyone looks for; guarded
actions are listed per target by `console.ui.action_commands` ("node: Standby node-b")."""


def command_name(entry: KeyEntry) -> str:
    """"main screen: Filter list" — the scope, then the binding id's verb and object."""
    binding_id = entry.binding.id or ""
    words = binding_id.removeprefix("console.").replace("-", " ") or entry.binding.description
    return f"{entry.scope}: {words[:1].upper()}{words[1:]}"


class ConsoleCommands(Provider):
    """Palette entries built from the bindings on screen."""

    def _entries(self) -> list[KeyEntry]:
        entries = []
        for entry in key_entries(self.app, self.screen):
            if entry.binding.id in NOT_IN_PALETTE or not entry.binding.description:
                continue
            action = entry.binding.action.split("(", 1)[0]
            if entry.target.check_action(action, ()) is False:
                continue
            entries.append(entry)
        return entries

    async def _run(self, entry: KeyEntry) -> None:
        await self.app.run_action(entry.binding.action, entry.target)

    async def discover(self) -> Hits:
        for entry in self._entries():
            yield DiscoveryHit(inert(command_name(entry)), partial(self._run, entry),
                               help=f"{entry.key} · {entry.binding.tooltip}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            name = command_name(entry)
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlighted(matcher, name), partial(self._run, entry),
                          help=f"{entry.key} · {entry.binding.tooltip}")
