"""The switchover runbook: switch the active node, step by step, pure.

The operator's daily loop, as one flow: put the VIP holder in standby, check that the VIP and
the service answer on the node that took over, pause for the maintenance (the node's standby
age showing), bring the node online, and optionally fail the VIP back to its preferred node.
This module only knows the state of one such flow (`Switchover`, immutable), how a step moves
it on, what the cluster must look like for it to go on (`drift`), and how it is written to and
read from its file (`to_document`/`from_document`). The steps run in
`console.actions.switchover`; the file lives in `console.actions.runbook_store`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from console.actions.guards import main_vip
from console.model.cluster import ClusterSnapshot
from console.model.types import CibVersion

FORMAT = "hacon-switchover/1"
"""The file's `format` field: a file without it is not a switchover hacon wrote."""
KEPT_NOTES = 20
"""Notes kept in the file: what each step said, newest last."""


class Step(str, Enum):
    """The runbook's steps, in order."""

    STANDBY = "standby"
    VERIFY = "verify"
    PAUSE = "pause"
    ONLINE = "online"
    FAILBACK = "failback"
    DONE = "done"


STEPS: tuple[Step, ...] = tuple(Step)
STEP_TITLES: Mapping[Step, str] = {
    Step.STANDBY: "Put {node} in standby: the VIP moves to the other node",
    Step.VERIFY: "Check that the VIP and the service answer on {peer}",
    Step.PAUSE: "Maintenance of {node} (it stays in standby)",
    Step.ONLINE: "Bring {node} online",
    Step.FAILBACK: "Fail the VIP back to its preferred node (optional)",
    Step.DONE: "Done",
}


class RunbookRefused(Exception):
    """The switchover cannot start (or go on) here; the text says why."""


class RunbookFileError(Exception):
    """A saved switchover that cannot be read; the file is left as it is."""


@dataclass(frozen=True, slots=True)
class Switchover:
    """One switchover of one cluster, wherever it stands (immutable; saved after each change)."""

    cluster: str
    """The cluster's key (`cluster_key`): its cluster-name, else its node names."""
    node: str
    """The node being switched away from (the VIP holder when the runbook started)."""
    vip: str
    step: Step
    started_at: float
    """Wall-clock time (time.time()) the runbook started."""
    step_at: float
    """When the current step became current."""
    peer: str | None = None
    """The node that took the VIP over (known once the standby is verified)."""
    standby_at: float | None = None
    """When the standby was verified: the standby age counts from here."""
    running: bool = False
    """The current step was started and its end is not recorded (hacon stopped meanwhile)."""
    versions: Mapping[str, str] = field(default_factory=dict)
    """CIB versions: "start" (when the runbook began) and the version after each applied step."""
    notes: tuple[str, ...] = ()
    """What each step said, newest last."""

    def title(self, step: Step) -> str:
        """The step's line, with this switchover's nodes."""
        return STEP_TITLES[step].format(node=self.node, peer=self.peer or "the other node")

    @property
    def finished(self) -> bool:
        return self.step is Step.DONE


def cluster_key(cluster: ClusterSnapshot) -> str:
    """Which cluster a saved switchover belongs to: the same from the console and the CLI."""
    return cluster.info.name or "+".join(sorted(cluster.nodes))


def begin(cluster: ClusterSnapshot, now: float) -> Switchover:
    """A new switchover of the node that holds the VIP now.

    Raises:
        RunbookRefused: no VIP, or it does not run on exactly one node.
    """
    vip = main_vip(cluster)
    if vip is None:
        raise RunbookRefused("this cluster has no virtual IP (IPaddr2 resource) to switch")
    if len(vip.holder_nodes) != 1:
        where = ", ".join(vip.holder_nodes) or "no node"
        raise RunbookRefused(f"{vip.id} runs on {where}: a switchover starts from one active node")
    return Switchover(cluster_key(cluster), vip.holder_nodes[0], vip.id, Step.STANDBY, now, now,
                      versions={"start": str(cluster.version)})


def next_step(step: Step) -> Step:
    return STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]


def started(state: Switchover) -> Switchover:
    """The current step is under way (saved first: a crash then leaves a trace)."""
    return replace(state, running=True)


def advanced(state: Switchover, now: float, note: str, *, version: str | None = None,
             peer: str | None = None) -> Switchover:
    """The current step is done: the next one is current."""
    versions = dict(state.versions)
    if version is not None:
        versions[state.step.value] = version
    standby_at = now if state.step is Step.STANDBY else state.standby_at
    return replace(state, step=next_step(state.step), step_at=now, running=False,
                   peer=peer or state.peer, standby_at=standby_at, versions=versions,
                   notes=_noted(state, note))


def stopped(state: Switchover, note: str) -> Switchover:
    """The current step did not go through: it stays current, with why."""
    return replace(state, running=False, notes=_noted(state, note))


def finished_without_failback(state: Switchover, now: float, why: str) -> Switchover:
    """The optional failback is skipped: the runbook is done."""
    return replace(state, step=Step.DONE, step_at=now, running=False,
                   notes=_noted(state, f"failback skipped: {why}"))


def _noted(state: Switchover, note: str) -> tuple[str, ...]:
    return (*state.notes, note)[-KEPT_NOTES:]


# --- the cluster against the runbook --------------------------------------------------------


def settled(state: Switchover, cluster: ClusterSnapshot,
            now: float) -> tuple[Switchover, str | None]:
    """A step hacon started but did not see end (it stopped meanwhile), settled on `cluster`.

    When the cluster shows the step's effect, the step counts as done; otherwise it is simply
    current again (its action is guarded and previewed when it runs). Returns the state and a
    sentence saying what was found, or None when nothing was running.
    """
    if not state.running:
        return state, None
    node = cluster.nodes.get(state.node)
    vip = cluster.vips.get(state.vip)
    holders = vip.holder_nodes if vip is not None else ()
    if (state.step is Step.STANDBY and node is not None and node.standby
            and len(holders) == 1 and holders[0] != state.node):
        return advanced(state, now, f"the standby of {state.node} was applied before hacon "
                                    f"stopped", version=str(cluster.version),
                        peer=holders[0]), f"the standby of {state.node} went through"
    if state.step is Step.ONLINE and node is not None and not node.standby:
        return (advanced(state, now, f"{state.node} was brought online before hacon stopped",
                         version=str(cluster.version)),
                f"{state.node} was brought online")
    return replace(state, running=False), f"the {state.step.value} step did not finish"


def drift(state: Switchover, cluster: ClusterSnapshot) -> str | None:
    """What changed under the runbook, in words, or None when it may go on.

    Checked before every step and whenever the flow is shown again: a node onlined by hand, a
    VIP that is not where the runbook left it, a node or VIP that is gone.
    """
    node = cluster.nodes.get(state.node)
    if node is None:
        return f"{state.node} is no longer a node of this cluster"
    vip = cluster.vips.get(state.vip)
    if vip is None:
        return f"the VIP {state.vip} is no longer configured"
    if state.step is Step.STANDBY:
        return _before_standby(state, node.standby, vip.holder_nodes)
    if state.step in (Step.VERIFY, Step.PAUSE, Step.ONLINE):
        return _while_in_standby(state, node.standby, vip.holder_nodes)
    if state.step is Step.FAILBACK and node.standby:
        return (f"{state.node} is in standby again, but the runbook brought it online: "
                "someone put it back by hand")
    return None


def _before_standby(state: Switchover, standby: bool, holders: tuple[str, ...]) -> str | None:
    if standby:
        return (f"{state.node} is already in standby, but the runbook has not put it there "
                "yet: someone else is switching it")
    if holders != (state.node,):
        return (f"{state.vip} runs on {', '.join(holders) or 'no node'}, not on {state.node} "
                "where the runbook found it")
    return None


def _while_in_standby(state: Switchover, standby: bool, holders: tuple[str, ...]) -> str | None:
    if not standby:
        return (f"{state.node} is online again, but the runbook left it in standby: "
                "someone brought it online by hand")
    if holders != (state.peer,):
        return (f"{state.vip} runs on {', '.join(holders) or 'no node'}, not on {state.peer} "
                "where the runbook left it")
    return None


def version_note(state: Switchover, cluster: ClusterSnapshot) -> str | None:
    """"the configuration changed since the last step (CIB 0.15.0 → 0.17.2)", or None."""
    last = last_version(state)
    now = cluster.version
    if last is None or (now.admin_epoch, now.epoch) == (last.admin_epoch, last.epoch):
        return None
    if now < last:
        return (f"the CIB ({now}) is older than at the runbook's last step ({last}): the "
                "configuration was replaced")
    return f"the configuration changed since the runbook's last step (CIB {last} → {now})"


def last_version(state: Switchover) -> CibVersion | None:
    """The CIB version the runbook last saw (after its last step, else at its start)."""
    for key in (*(step.value for step in reversed(STEPS)), "start"):
        text = state.versions.get(key)
        if text is not None:
            try:
                return CibVersion.parse(text)
            except ValueError:
                return None
    return None


def age_text(seconds: float) -> str:
    """"4 min 12 s", "1 h 03 min", "12 s"."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def standby_age(state: Switchover, now: float) -> str | None:
    """"node-a in standby for 4 min 12 s" while the runbook keeps it there, else None."""
    if state.standby_at is None or state.step not in (Step.VERIFY, Step.PAUSE, Step.ONLINE):
        return None
    return f"{state.node} in standby for {age_text(now - state.standby_at)}"


def clock_text(moment: float) -> str:
    """A wall-clock time for the operator ("12:03:41", local time)."""
    return time.strftime("%H:%M:%S", time.localtime(moment))


# --- the file -------------------------------------------------------------------------------


def to_document(state: Switchover) -> dict[str, Any]:
    """The JSON document saved for `state`."""
    return {"format": FORMAT, "cluster": state.cluster, "node": state.node, "vip": state.vip,
            "step": state.step.value, "started_at": state.started_at, "step_at": state.step_at,
            "peer": state.peer, "standby_at": state.standby_at, "running": state.running,
            "versions": dict(state.versions), "notes": list(state.notes)}


def from_document(document: object) -> Switchover:
    """The switchover a saved document describes.

    Raises:
        RunbookFileError: not a switchover hacon wrote, or a field of the wrong kind.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RunbookFileError(f"it is not a hacon switchover (no \"format\": \"{FORMAT}\")")
    try:
        return Switchover(
            cluster=_text(document, "cluster"), node=_text(document, "node"),
            vip=_text(document, "vip"), step=Step(_text(document, "step")),
            started_at=_number(document, "started_at"), step_at=_number(document, "step_at"),
            peer=_optional_text(document, "peer"),
            standby_at=_optional_number(document, "standby_at"),
            running=document.get("running") is True,
            versions=_text_map(document, "versions"), notes=_text_list(document, "notes"))
    except ValueError as error:
        raise RunbookFileError(str(error)) from None


def _text(document: Mapping[str, Any], key: str) -> str:
    value = document.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key} is not text")
    return value


def _optional_text(document: Mapping[str, Any], key: str) -> str | None:
    return None if document.get(key) is None else _text(document, key)


def _number(document: Mapping[str, Any], key: str) -> float:
    value = document.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key} is not a number")
    return float(value)


def _optional_number(document: Mapping[str, Any], key: str) -> float | None:
    return None if document.get(key) is None else _number(document, key)


def _text_map(document: Mapping[str, Any], key: str) -> dict[str, str]:
    value = document.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f"{key} is not a table of text")
    return {str(k): v for k, v in value.items()}


def _text_list(document: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{key} is not a list of text")
    return tuple(value)


def step_marks(state: Switchover) -> list[tuple[str, Step, str]]:
    """(mark, step, title) for every step but DONE: "done", "current" or "todo"."""
    current = STEPS.index(state.step)
    return [("done" if index < current else "current" if index == current else "todo", step,
             state.title(step)) for index, step in enumerate(STEPS) if step is not Step.DONE]


def where_it_stopped(state: Switchover, now: float) -> str:
    """One line: which switchover, since when, and the step it waits at."""
    running = " (it was running when hacon stopped)" if state.running else ""
    return (f"switchover of {state.node} (VIP {state.vip}, cluster {state.cluster}) started "
            f"{clock_text(state.started_at)}, {age_text(now - state.started_at)} ago; "
            f"waiting at: {state.title(state.step)}{running}")
