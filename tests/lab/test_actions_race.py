"""Two consoles put the two nodes of a 2-node cluster in standby at the same moment, again and
again: Pacemaker's compare-and-swap (versioned patch, exit 103) must never let both succeed.

Each console is hacon's own executor with its own SSH connections, reading its CIB on its own
node, planning and previewing from it, then both commit at once. Between tries only the standby
attributes are removed (no waiting for the VIP to settle: the next try starts from whatever the
cluster is doing, which is when the races are tightest).
"""

from __future__ import annotations

import asyncio
import collections
import os
import time

from console.actions import audit
from console.actions import execute
from console.actions.execute import ActionOutcome, OutcomeStatus
from console.actions.plans import ActionKind, ActionRefused
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings

from .fixtures import FigureRecorder
from .harness import Lab

TRIES = 50


def settings(lab: Lab) -> SshSettings:
    return SshSettings(config_files=(os.fspath(lab.files.ssh_config),), use_agent=False)


async def console_attempt(runner: SshCluster, run_on: str, node: str) -> ActionOutcome | str:
    try:
        plan = await execute.preview(
            await execute.prepare(ActionKind.STANDBY, runner, run_on, node=node), runner)
    except ActionRefused as refused:
        audit.record("standby", outcome="refused", message=refused.reason, target=node)
        return "refused before commit"
    outcome = await execute.run_plan(plan, runner, verify=False)
    audit.record_outcome(outcome, cluster="lab")
    return outcome


def _standby_on(cib: str, node: str) -> bool:
    from lxml import etree

    root = etree.fromstring(cib.encode())
    return any(pair.get("value") == "on"
               for element in root.iterfind("configuration/nodes/node")
               if element.get("uname") == node
               for pair in element.iterfind("instance_attributes/nvpair[@name='standby']"))


def reset(lab: Lab) -> None:
    for node in lab.nodes:
        if _standby_on(lab.cib(lab.nodes[0]), node):
            lab.exec(lab.nodes[0], ["crm_attribute", "--node", node, "--name", "standby",
                                    "--delete"], check=True)


async def race(lab: Lab, tries: int) -> collections.Counter[str]:
    a, b = lab.nodes
    counts: collections.Counter[str] = collections.Counter()
    async with SshCluster(lab.nodes, settings(lab)) as first, \
            SshCluster(lab.nodes, settings(lab)) as second:
        for _ in range(tries):
            outcomes = await asyncio.gather(console_attempt(first, a, a),
                                            console_attempt(second, b, b))
            both = [n for n in lab.nodes if _standby_on(lab.cib(a), n)]
            counts["both in standby"] += len(both) == 2
            counts[" + ".join(sorted(_word(o) for o in outcomes))] += 1
            counts["conflicts (exit 103)"] += sum(o.conflicts for o in outcomes
                                                  if isinstance(o, ActionOutcome))
            await asyncio.to_thread(reset, lab)
    return counts


def _word(outcome: ActionOutcome | str) -> str:
    return outcome.status.value if isinstance(outcome, ActionOutcome) else outcome


def test_two_consoles_never_both_put_their_node_in_standby(
        healthy_lab: Lab, lab_figures: FigureRecorder) -> None:
    started = time.monotonic()
    counts = asyncio.run(race(healthy_lab, TRIES))
    elapsed = time.monotonic() - started
    print(f"\nrace of {TRIES} tries in {elapsed:.0f} s: {dict(counts)}")
    single_wins = sum(n for key, n in counts.items() if key.count("done") == 1)
    # The figures report seconds; the counts go into the name.
    lab_figures(f"race of two consoles, {TRIES} tries: {counts['both in standby']} with both "
                f"nodes in standby, {single_wins} with exactly one success (total time)", elapsed)
    assert counts["both in standby"] == 0
    assert sum(n for key, n in counts.items() if key.count("done") == 2) == 0
    # Someone won most of the time: the guard is not simply refusing everything.
    assert sum(n for key, n in counts.items() if key.count("done") == 1) >= TRIES // 2
    entries = list(audit.read_entries())
    assert len(entries) == 2 * TRIES  # every try of both consoles is in the journal
    assert not any(entry["outcome"] == OutcomeStatus.FAILED.value and
                   "applied" in str(entry["message"]) for entry in entries)


PROCESS_TRIES = 8


def test_two_hacon_processes_started_together_never_both_succeed(
        healthy_lab: Lab, lab_figures: FigureRecorder) -> None:
    import subprocess
    import sys

    from .test_actions_standby import REPO

    lab = healthy_lab
    both = 0
    exits: collections.Counter[str] = collections.Counter()
    started = time.monotonic()
    for _ in range(PROCESS_TRIES):
        processes = [subprocess.Popen(
            [sys.executable, "-m", "console", "standby", node, "--yes", "--nodes",
             ",".join(lab.nodes), "--ssh-config", os.fspath(lab.files.ssh_config)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for node in lab.nodes]
        codes = sorted(process.wait(timeout=120) for process in processes)
        for process in processes:
            assert process.stdout is not None and process.stderr is not None
            process.stdout.close()
            process.stderr.close()
        exits[" + ".join(map(str, codes))] += 1
        cib = lab.cib(lab.nodes[0])
        both += all(_standby_on(cib, node) for node in lab.nodes)
        reset(lab)
        lab.wait(60)
    print(f"\nprocess race of {PROCESS_TRIES} tries: exit codes {dict(exits)}, both: {both}")
    lab_figures(f"race of two hacon processes, {PROCESS_TRIES} tries: {both} with both nodes in "
                f"standby, exit codes {dict(exits)} (total time)", time.monotonic() - started)
    assert both == 0
    assert exits.get("0 + 0", 0) == 0
    assert len(list(audit.read_entries())) == 2 * PROCESS_TRIES
