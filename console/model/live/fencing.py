"""Fencing as the operator needs to see it: the devices, and the history every partition keeps.

Each node's fencer keeps its own history, and the two sides of a partition do not share theirs,
so hacon reads `stonith_admin --history '*' --verbose --output-as=xml` on every reachable node
and merges the answers (without --verbose the fencer prints its oldest success alone). A failed
fencing that a later success against the same node replaced is marked `superseded`: it no longer
says anything about the node, and leaving it looking live confuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from lxml import etree

from console.model.cluster import ClusterSnapshot
from console.model.errors import CibParseError
from console.model.xmlsafe import parse_xml

FENCING_ACTIONS = ("reboot", "off")
"""Actions after which a node is known to have lost its resources (on/status are not)."""


@dataclass(frozen=True, slots=True)
class FenceEvent:
    """One entry of a fencer's history (`<fence_event>`)."""

    target: str
    action: str
    origin: str | None
    """The node that asked for it."""
    delegate: str | None
    """The node whose fencer executed it."""
    client: str | None
    status: str
    """"success", "failed" or "pending" as the fencer says."""
    completed: str | None
    """The fencer's own text ("2026-12-06 08:09:34Z"); None while pending."""
    completed_at: float | None = None
    """`completed` as a Unix time, None when absent or unreadable."""
    exit_reason: str | None = None
    superseded: bool = False
    """A failure that a later success against the same target replaced."""

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def fenced(self) -> bool:
        """A successful reboot or power-off: the target lost whatever it held."""
        return self.status == "success" and self.action in FENCING_ACTIONS

    def sort_key(self) -> tuple[float, str, str]:
        return (self.completed_at if self.completed_at is not None else float("inf"),
                self.target, self.action)


@dataclass(frozen=True, slots=True)
class FenceDevice:
    """A stonith resource: its agent and where it runs (a stopped device fences nothing)."""

    id: str
    agent: str
    role: str
    active_on: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FencingState:
    """Fencing across the cluster: enabled, the devices, and the merged history."""

    enabled: bool | None
    """stonith-enabled as the chosen CIB says; None without a CIB."""
    devices: tuple[FenceDevice, ...] = ()
    history: tuple[FenceEvent, ...] = ()
    history_from: tuple[str, ...] = ()
    """The nodes whose fencer history was read (empty: nobody's, e.g. a CIB file)."""

    def last_fencing_of(self, node: str, after: float | None = None) -> FenceEvent | None:
        """The newest successful reboot/off of `node` (completed after `after`, if given)."""
        found = [event for event in self.history if event.target == node and event.fenced
                 and event.completed_at is not None
                 and (after is None or event.completed_at >= after)]
        return max(found, key=FenceEvent.sort_key) if found else None


def parse_fence_history(xml: str | bytes) -> tuple[FenceEvent, ...]:
    """The `<fence_event>` elements of `stonith_admin --history '*' --verbose --output-as=xml`.

    Raises:
        CibParseError: the output is not XML (a node without fencing prints an empty history,
            which is a valid answer with no events).
    """
    root = parse_xml(xml)
    if not isinstance(root.tag, str):
        raise CibParseError("fence history: not an XML element")
    return tuple(_event(element) for element in root.iter("fence_event"))


def _event(element: etree._Element) -> FenceEvent:
    get = element.get
    completed = get("completed") or None
    return FenceEvent(
        target=str(get("target") or "?"), action=str(get("action") or "?"),
        origin=_text(get("origin")), delegate=_text(get("delegate")),
        client=_text(get("client")), status=str(get("status") or "?"),
        completed=str(completed) if completed else None,
        completed_at=fence_time(str(completed)) if completed else None,
        exit_reason=_text(get("exit-reason")),
    )


def _text(value: object) -> str | None:
    return str(value) if value else None


def fence_time(text: str) -> float | None:
    """The fencer's "2026-12-06 08:09:34Z" (UTC) as a Unix time; None when unreadable."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def merge_histories(histories: Iterable[Iterable[FenceEvent]]) -> tuple[FenceEvent, ...]:
    """One history from every node's: duplicates folded, oldest first, superseded marked.

    Both sides of a healed partition may report the same event; it is listed once.
    """
    unique = {replace(event, superseded=False): None
              for history in histories for event in history}
    ordered = sorted(unique, key=FenceEvent.sort_key)
    return tuple(_mark_superseded(event, ordered) for event in ordered)


def _mark_superseded(event: FenceEvent, ordered: list[FenceEvent]) -> FenceEvent:
    if not event.failed or event.completed_at is None:
        return event
    later = any(other.target == event.target and other.status == "success"
                and other.completed_at is not None and other.completed_at >= event.completed_at
                for other in ordered)
    return replace(event, superseded=later)


def fence_devices(cluster: ClusterSnapshot | None) -> tuple[FenceDevice, ...]:
    """Every stonith primitive of the CIB, with its role and where it runs."""
    if cluster is None:
        return ()
    return tuple(FenceDevice(resource.id, resource.agent or "?", resource.role,
                             tuple(resource.active_on))
                 for resource in sorted(cluster.resources.values(), key=lambda r: r.id)
                 if (resource.agent or "").startswith("stonith:"))


def event_text(event: FenceEvent) -> str:
    """One line for an operator: "reboot of node-b by node-a: success at 2026-12-06 08:09:34Z"."""
    by = event.delegate or event.origin or "?"
    when = f" at {event.completed}" if event.completed else ""
    text = f"{event.action} of {event.target} by {by}: {event.status}{when}"
    if event.origin and event.origin != by:
        text += f" (asked by {event.origin})"
    if event.exit_reason:
        text += f" ({event.exit_reason})"
    if event.superseded:
        text += " (superseded by a later success)"
    return text
