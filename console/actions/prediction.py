"""What Pacemaker's own scheduler predicts for a changed CIB, parsed and put in words (pure).

Input: `crm_simulate --xml-pipe -S --output-as=xml` (Pacemaker 2.1.5, api-version 2.25):
`<actions><rsc_action action="move|start|stop|recover|restart|promote|demote|..." resource=
source= dest= node= reason=/>` is the transition summary, and `<revised_cluster_status>` says
where every resource runs once the transition is done.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from console.model.errors import CibParseError
from console.model.xmlsafe import parse_xml

ACTIVE_ROLES = frozenset({"Started", "Promoted", "Unpromoted", "Master", "Slave"})


class PredictionError(ValueError):
    """crm_simulate's output cannot be read as a prediction; the text says why."""


@dataclass(frozen=True, slots=True)
class PredictedAction:
    """One line of the transition summary."""

    action: str
    resource: str
    node: str | None = None
    source: str | None = None
    dest: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Prediction:
    """The scheduler's answer for one changed CIB."""

    actions: tuple[PredictedAction, ...]
    running_after: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Resource id -> nodes where it runs once the transition is done (empty: stopped)."""

    def sentences(self) -> tuple[str, ...]:
        """Each predicted action in words, in the scheduler's order."""
        return tuple(describe_action(action) for action in self.actions)

    def summary(self) -> str:
        """One line: "ClusterIP moves node-a → node-b; OSIPS moves node-a → node-b"."""
        return "; ".join(self.sentences()) or "nothing moves, starts or stops"

    def stopped_resources(self, resources: tuple[str, ...]) -> tuple[str, ...]:
        """Those of `resources` that run nowhere afterwards."""
        return tuple(rid for rid in resources if not self.running_after.get(rid))

    def stops_anything(self) -> bool:
        """Whether some resource stops without starting elsewhere."""
        return any(action.action == "stop" for action in self.actions)


def describe_action(action: PredictedAction) -> str:
    """One predicted action as an operator reads it."""
    name = action.resource
    if action.action == "move" and action.source and action.dest:
        return f"{name} moves {action.source} → {action.dest}"
    where = action.node or action.dest or action.source
    verbs = {"start": "starts", "stop": "stops", "restart": "restarts", "recover": "recovers",
             "promote": "is promoted", "demote": "is demoted", "migrate": "migrates",
             "reload": "reloads"}
    verb = verbs.get(action.action, action.action)
    text = f"{name} {verb} on {where}" if where else f"{name} {verb}"
    if action.action == "stop" and action.reason:
        text += f" ({action.reason})"
    return text


def parse_prediction(data: bytes) -> Prediction:
    """Parse crm_simulate's XML output.

    Raises:
        PredictionError: not XML, not crm_simulate's result, or an error status in it.
    """
    try:
        root = parse_xml(data)
    except CibParseError as error:
        raise PredictionError(f"crm_simulate printed no usable XML ({error})") from None
    if root.tag != "pacemaker-result":
        raise PredictionError(f"crm_simulate printed <{root.tag}>, not <pacemaker-result>")
    status = root.find("status")
    if status is not None and status.get("code", "0") != "0":
        raise PredictionError(f"crm_simulate failed: {status.get('message', 'error')}")
    actions = tuple(_action(element) for element in root.iterfind("actions/rsc_action"))
    revised = root.find("revised_cluster_status/resources")
    return Prediction(actions, _placement(revised) if revised is not None else {})


def _action(element: etree._Element) -> PredictedAction:
    get = element.get
    return PredictedAction(action=get("action", "?"), resource=get("resource", "?"),
                           node=get("node"), source=get("source"), dest=get("dest"),
                           reason=get("reason"))


def _placement(resources: etree._Element) -> dict[str, tuple[str, ...]]:
    placement: dict[str, list[str]] = {}
    for element in resources.iter("resource"):
        resource_id = element.get("id", "").split(":")[0]
        nodes = placement.setdefault(resource_id, [])
        if element.get("role") in ACTIVE_ROLES and element.get("active") == "true":
            nodes += [node.get("name", "") for node in element.iterfind("node")]
    return {rid: tuple(sorted(set(nodes))) for rid, nodes in placement.items()}
