"""Fencing in the lab: a real fence agent that powers a lab node off.

`fence_lab` (written to `$LAB/fencebin/`) is what pacemaker-fenced runs. pacemaker-fenced only
runs agents from /usr/sbin, so each node mounts a read-only overlay of `$LAB/fencebin` over
its own /usr/sbin (in the node's mount namespace; the host's /usr/sbin is not touched). For a
reboot or off, the agent writes a request file to `$LAB/fence/` and waits; the host-side
`Fencer` (a thread of the process that owns the lab) powers the target off with the lab's own
`kill` and answers. A request from a node that is itself powered off is ignored: its "switch"
died with it, as a real power switch's client would.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .harness import Lab

AGENT = r'''#!@PYTHON@
"""fence_lab: asks the lab's host-side fencer to power a node off (see tests/lab/fencing.py)."""
import json, os, socket, sys, time

REQUEST_DIR = "@REQUEST_DIR@"
METADATA = """<?xml version="1.0" ?>
<resource-agent name="fence_lab" shortdesc="Fence agent of the hacon namespace lab">
<longdesc>Powers a lab node off through the host-side fencer.</longdesc>
<parameters>
<parameter name="action" unique="0" required="1"><getopt mixed="-o, --action=[name]"/>
<content type="string" default="reboot"/><shortdesc lang="en">Fencing action</shortdesc></parameter>
<parameter name="plug" unique="0" required="0"><getopt mixed="-n, --plug=[id]"/>
<content type="string"/><shortdesc lang="en">Node to fence</shortdesc></parameter>
<parameter name="port" unique="0" required="0"><content type="string"/>
<shortdesc lang="en">Node to fence</shortdesc></parameter>
</parameters>
<actions><action name="on"/><action name="off"/><action name="reboot"/><action name="status"/>
<action name="list"/><action name="monitor"/><action name="metadata"/></actions>
</resource-agent>
"""


def options():
    found = {}
    words = sys.argv[1:]
    for index, word in enumerate(words):
        if word in ("-o", "--action") and index + 1 < len(words):
            found["action"] = words[index + 1]
        elif word.startswith("--action="):
            found["action"] = word.split("=", 1)[1]
    if found.get("action") == "metadata":
        return found
    if not sys.stdin.isatty():
        for line in sys.stdin.read().splitlines():
            name, _, value = line.partition("=")
            if name.strip():
                found.setdefault(name.strip(), value.strip())
    return found


def main():
    opts = options()
    action = opts.get("action", "reboot")
    if action == "metadata":
        print(METADATA)
        return 0
    if action in ("monitor", "status", "list", "on"):
        return 0
    target = opts.get("plug") or opts.get("port") or opts.get("nodename")
    if action not in ("reboot", "off") or not target:
        return 1
    name = "%d-%s-%s" % (time.time_ns(), socket.gethostname(), target)
    path = os.path.join(REQUEST_DIR, name)
    with open(path + ".tmp", "w") as out:
        json.dump({"requester": socket.gethostname(), "target": target, "action": action}, out)
    os.rename(path + ".tmp", path + ".req")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if os.path.exists(path + ".done"):
            with open(path + ".done") as answer:
                return 0 if answer.read().strip() == "ok" else 1
        time.sleep(0.1)
    return 1


sys.exit(main())
'''

DEVICE_ID = "fence-lab"


def write_agent(bin_dir: Path, requests: Path, python: str) -> None:
    """The agent, executable, with the request folder and interpreter filled in."""
    bin_dir.mkdir(parents=True)
    requests.mkdir(parents=True)
    agent = bin_dir / "fence_lab"
    agent.write_text(AGENT.replace("@PYTHON@", python).replace("@REQUEST_DIR@",
                                                                os.fspath(requests)))
    agent.chmod(0o755)


def device_primitive(nodes: list[str]) -> str:
    """The stonith resource for the initial CIB: one device that can fence every node."""
    return (
        f'<primitive id="{DEVICE_ID}" class="stonith" type="fence_lab">'
        f'<instance_attributes id="{DEVICE_ID}-instance_attributes">'
        f'<nvpair id="{DEVICE_ID}-instance_attributes-pcmk_host_list" name="pcmk_host_list"'
        f' value="{" ".join(nodes)}"/></instance_attributes>'
        f'<operations><op id="{DEVICE_ID}-monitor-interval-60s" name="monitor" interval="60s"/>'
        "</operations></primitive>"
    )


class Fencer:
    """The host-side "power switch": answers the agent's requests by powering nodes off."""

    def __init__(self, lab: Lab, requests: Path) -> None:
        self._lab = lab
        self._requests = requests
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lab fencer", daemon=True)
        self.done: list[dict[str, str]] = []
        """Every request answered: requester, target, action, answer."""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            for request in sorted(self._requests.glob("*.req")):
                self._answer(request)

    def _answer(self, request: Path) -> None:
        with contextlib.suppress(FileNotFoundError, ValueError):
            asked = json.loads(request.read_text())
            requester, target = asked["requester"], asked["target"]
            nodes = self._lab.state.nodes
            alive = requester in nodes and nodes[requester].init_pid is not None
            if alive and target in nodes and nodes[target].init_pid is not None:
                self._lab.kill(target)
            answer = "ok" if alive else "ignored: the requester is powered off"
            request.with_suffix(".done").write_text(answer)
            request.unlink()
            self.done.append({**asked, "answer": answer, "at": f"{time.time():.3f}"})
