"""What the notify hook reports: a cluster's verdict and each VIP's holder, and their changes.

Only these two facts are watched: they are what an operator is paged for ("split brain",
"the VIP moved"). The event is plain JSON for any command to read on its stdin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from console.model.fleet.check import verdict_word
from console.model.fleet.rows import VERDICT_UNREACHABLE
from console.model.live.snapshot import LiveSnapshot

EVENT_SCHEMA = 1
"""Version of the event's JSON layout."""


@dataclass(frozen=True, slots=True)
class WatchedState:
    """The facts whose change is reported."""

    verdict: str
    vip_holders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """VIP id -> nodes Pacemaker runs it on (empty: stopped)."""


def watched_state(live: LiveSnapshot) -> WatchedState:
    """The verdict ("unreachable" when no node answered) and every VIP's holders.

    With no CIB (no node answered) the holders are unknown, not empty: they are kept out, so
    losing sight of a cluster is reported as a verdict change, not as every VIP stopping.
    """
    verdict = verdict_word(live) if live.reached else VERDICT_UNREACHABLE
    cluster = live.cluster
    holders = ({vip_id: tuple(vip.holder_nodes) for vip_id, vip in sorted(cluster.vips.items())}
               if cluster is not None else {})
    return WatchedState(verdict, holders)


def change_event(cluster: str, before: WatchedState, after: WatchedState, at: float,
                 live: LiveSnapshot | None = None) -> dict[str, Any] | None:
    """The JSON event for a change from `before` to `after`, or None if nothing watched moved.

    VIPs unknown on one side (no CIB read) are not reported as moves.
    """
    verdict = ({"from": before.verdict, "to": after.verdict}
               if before.verdict != after.verdict else None)
    moves = {vip_id: {"from": list(before.vip_holders[vip_id]), "to": list(holders)}
             for vip_id, holders in after.vip_holders.items()
             if vip_id in before.vip_holders and before.vip_holders[vip_id] != holders}
    if verdict is None and not moves:
        return None
    return {
        "schema": EVENT_SCHEMA, "cluster": cluster, "time": round(at, 3),
        "verdict": verdict, "vips": moves,
        "now": {"verdict": after.verdict,
                "vip_holders": {vip_id: list(holders)
                                for vip_id, holders in after.vip_holders.items()},
                "source_node": live.source_node if live is not None else None},
    }
