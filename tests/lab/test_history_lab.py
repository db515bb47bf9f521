"""End to end on the real lab: every kind of transition cause, named by `hacon history --json`.

One lab, one test, several steps (fencing is off in the lab): a location preference, standby,
online with failback, a monitor failure recovered in place, migration-threshold set and a second
failure that moves the service, a cleanup, a move leaving cli-prefer, a stickiness change, a
power loss, the node back. After each step, the transitions the DC computed since the step began
must include the expected category and actions, and the actions read from the next input must
agree with crm_simulate replaying the same input. Finally the nodes' crm_report tarballs open
offline together (one per node: the DC moves). The lab's configuration is put back afterwards.

A second test runs on the lab with fencing on: the VIP holder loses power, the survivor fences
it, and the transition is `node-lost` with the fencing result and the moves, as crm_simulate
replays them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from console.transport.replay_local import replay_file

from .fixtures import FigureRecorder
from .harness import Lab

pytestmark = pytest.mark.lab
REPO = Path(__file__).resolve().parents[2]
Doc = dict[str, Any]


def hacon(lab: Lab, *argv: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "console", *argv, "--nodes", ",".join(lab.nodes),
               "--ssh-config", os.fspath(lab.files.ssh_config)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                          cwd=REPO)


def settle(lab: Lab, node: str = "node-a") -> None:
    """Wait until the DC has nothing left to do."""
    lab.exec(node, ["crm_resource", "--wait", "--timeout=60"], timeout=70)


def history_since(lab: Lab, since: float) -> list[Doc]:
    result = hacon(lab, "history", "--json", "--all", "--since", str(int(since) - 1))
    assert result.returncode == 0, result.stderr
    transitions: list[Doc] = json.loads(result.stdout)["transitions"]
    return transitions


def kill_service(lab: Lab, node: str) -> None:
    pid = lab.exec(node, ["pgrep", "-f", "fake-opensips"], check=True).stdout.split()[0]
    lab.exec(node, ["kill", pid], check=True)


def texts(transition: Doc) -> list[str]:
    return [action["text"] for action in transition["actions"]]


class Steps:
    """Checks each step's transitions, counting from when the step began."""

    def __init__(self, lab: Lab, cache: Path) -> None:
        self.lab = lab
        self.cache = cache
        self.started = time.time()

    def begin(self) -> None:
        self.started = time.time()

    def check(self, category: str, actions: list[str], words: str = "") -> Doc:
        """The step's transition with `category` and these actions, checked with crm_simulate."""
        found = [t for t in history_since(self.lab, self.started) if t["category"] == category]
        assert found, f"no {category} transition since the step began"
        match = next((t for t in found if texts(t) == actions), found[-1])
        assert texts(match) == actions, json.dumps(found, indent=1)
        assert words in " ".join(cause["text"] for cause in match["causes"])
        agree_with_crm_simulate(self.cache, match)
        self.begin()
        return match

    def seen(self, category: str) -> bool:
        return any(t["category"] == category for t in history_since(self.lab, self.started))


def agree_with_crm_simulate(cache: Path, transition: Doc) -> None:
    raw = next(cache.glob(f"hacon/history/*/inputs/{transition['node']}/{transition['file']}"))
    replay = replay_file(raw, scores=False)
    assert not isinstance(replay, str), replay
    assert sorted(a.text for a in replay.actions) == sorted(texts(transition)), transition["id"]


def test_every_cause_is_named_and_agrees_with_crm_simulate(
        healthy_lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        lab_figures: FigureRecorder) -> None:
    lab = healthy_lab
    monkeypatch.setenv("XDG_CACHE_HOME", os.fspath(tmp_path))
    started = time.monotonic()
    try:
        _scenario(lab, tmp_path)
    finally:
        _put_back(lab)
    lab_figures("history lab scenario (11 steps)", time.monotonic() - started)


def _scenario(lab: Lab, cache: Path) -> None:
    a, b = "node-a", "node-b"
    steps = Steps(lab, cache)
    first = [] if lab.vip() == [a] else ["move ClusterIP node-b -> node-a",
                                         "move OSIPS node-b -> node-a"]
    lab.exec(a, ["cibadmin", "-C", "-o", "constraints", "-X",
                 '<rsc_location id="hist-prefer-a" rsc="ClusterIP" node="node-a" score="100"/>'],
             check=True)
    settle(lab)
    steps.check("constraint", first, "hist-prefer-a added")
    lab.set_standby(a, True)
    settle(lab)
    steps.check("standby", ["move ClusterIP node-a -> node-b", "move OSIPS node-a -> node-b"])
    lab.set_standby(a, False)
    settle(lab)
    steps.check("online", ["move ClusterIP node-b -> node-a", "move OSIPS node-b -> node-a"])
    kill_service(lab, a)
    lab.wait_for_vip([a])
    _wait_for(lambda: steps.seen("recovery"))
    settle(lab)
    steps.check("recovery", ["restart OSIPS on node-a"], "failcount 1")
    lab.exec(a, ["crm_resource", "-r", "OSIPS", "--meta", "-p", "migration-threshold", "-v", "2"],
             check=True)
    settle(lab)
    steps.check("config", [], "migration-threshold = 2 added")
    kill_service(lab, a)
    lab.wait_for_vip([b], timeout=60)
    settle(lab)
    steps.check("failure", ["move ClusterIP node-a -> node-b", "move OSIPS node-a -> node-b"],
         "threshold reached: banned from node-a until cleanup")
    lab.exec(a, ["crm_resource", "--cleanup", "-r", "OSIPS"], check=True)
    lab.wait_for_vip([a], timeout=60)
    settle(lab)
    steps.begin()
    lab.exec(a, ["crm_resource", "--move", "-r", "ClusterIP", "--node", b], check=True)
    settle(lab)
    steps.check("constraint", ["move ClusterIP node-a -> node-b",
                                    "move OSIPS node-a -> node-b"], "cli-prefer-ClusterIP added")
    lab.exec(a, ["crm_attribute", "--type", "rsc_defaults", "--name", "resource-stickiness",
                 "--update", "200"], check=True)
    settle(lab)
    steps.check("stickiness", [], "resource-stickiness 1 -> 200")
    lab.kill(b)
    lab.wait_for_vip([a], timeout=60)
    settle(lab)
    lost = steps.check("node-lost", ["start ClusterIP on node-a", "start OSIPS on node-a"],
                "fencing is off")
    assert lost["causes"][0]["node"] == b
    lab.start(b)
    lab.wait()
    settle(lab)
    _crm_report_opens_offline(lab, cache)


def test_a_power_loss_with_fencing_on_names_the_fencing_and_the_moves(
        healthy_lab_fenced: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        lab_figures: FigureRecorder) -> None:
    lab = healthy_lab_fenced
    monkeypatch.setenv("XDG_CACHE_HOME", os.fspath(tmp_path))
    holder = lab.vip()[0]
    survivor = next(node for node in lab.nodes if node != holder)
    moved = ["ClusterIP", "OSIPS", *(["fence-lab"] if _runs_on(lab, "fence-lab", holder) else [])]
    steps = Steps(lab, tmp_path)
    started = time.monotonic()
    lab.kill(holder)
    lab.wait_for_vip([survivor], timeout=90)
    settle(lab, survivor)
    lost = steps.check("node-lost", [f"fence {holder}",
                                     *(f"move {rid} {holder} -> {survivor}" for rid in moved)],
                       f"fencing result: reboot by {survivor}: OK")
    lab_figures("history: power loss with fencing, explained", time.monotonic() - started)
    cause = lost["causes"][0]
    assert cause["node"] == holder and lost["node"] == survivor
    assert "fencing is on" in cause["text"]
    assert {key: cause["fencing"][key] for key in ("target", "by", "succeeded")} == {
        "target": holder, "by": survivor, "succeeded": True}
    assert lost["after"]["ClusterIP"] == [survivor] and lost["after"]["OSIPS"] == [survivor]


def _runs_on(lab: Lab, rid: str, node: str) -> bool:
    located = lab.exec(node, ["crm_resource", "--locate", "-r", rid], check=True).stdout
    return f"running on: {node}" in located


def _wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(2)


def _crm_report_opens_offline(lab: Lab, tmp: Path) -> None:
    """Each node's own crm_report (-S: nodes cannot SSH to each other here); the DC moves, so
    the reports are read together, as an operator would pass them."""
    since = time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() - 3600))
    sources: list[str] = []
    for node in lab.nodes:
        report = tmp / f"report-{node}"
        lab.exec(node, ["crm_report", "-S", "-f", since, os.fspath(report)], timeout=120)
        sources += ["--from", os.fspath(next(tmp.glob(f"report-{node}.tar*")))]
    result = subprocess.run([sys.executable, "-m", "console", "history", *sources, "--json"],
                            capture_output=True, text=True, timeout=120, check=False, cwd=REPO)
    assert result.returncode == 0, result.stderr
    categories = {t["category"] for t in json.loads(result.stdout)["transitions"]}
    assert {"standby", "online", "failure", "recovery", "constraint", "stickiness",
            "node-lost"} <= categories


def _put_back(lab: Lab) -> None:
    """The lab's configuration as the other lab tests expect it."""
    for argv in (["cibadmin", "-D", "-o", "constraints", "-X",
                  '<rsc_location id="hist-prefer-a"/>'],
                 ["crm_resource", "--clear", "-r", "ClusterIP"],
                 ["crm_resource", "-r", "OSIPS", "--meta", "-d", "migration-threshold"],
                 ["crm_attribute", "--type", "rsc_defaults", "--name", "resource-stickiness",
                  "--update", "1"],
                 ["crm_resource", "--cleanup"]):
        lab.exec("node-a", argv)
