"""The real `hacon` command line against the demo cluster over SSH: bad input is one line and
exit 2, every kind of action's refusal is exit 3, and neither changes the CIB.

The demo's nodes answer as Pacemaker's tools do (versioned patches included), so the CIB epoch
compared before and after is the demo's own. `main()` runs in a thread: the demo's SSH servers
run in this test's event loop.
"""

from __future__ import annotations

import asyncio

import pytest

from console.actions import audit
from console.actions.catalog import ACTIONS
from console.actions.plans import ActionKind
from console.cli import main
from console.demo.serve import DemoRuntime, running_demo


def config_epochs(demo: DemoRuntime) -> list[tuple[int, int]]:
    """(admin_epoch, epoch) of every partition's CIB: what any configuration change bumps."""
    return [(admin, epoch) for admin, epoch, _ in
            (partition.version for partition in demo.cluster.partitions)]


async def hacon_on(demo: DemoRuntime, *argv: str) -> int:
    return await asyncio.to_thread(main, [*argv, "--yes", "--nodes", "node-a,node-b",
                                          "--ssh-config", str(demo.config_dir / "config")])


@pytest.mark.parametrize(("argv", "reason"), [
    (("standby", "node-z"), "node-z is not a node of this cluster (node-a, node-b)"),
    (("online", "node-z"), "node-z is not a node of this cluster"),
    (("fence", "node-z"), "node-z is not a node of this cluster"),
    (("fence", "ClusterIP"), "ClusterIP is not a node of this cluster"),
    (("move", "Nope", "node-b"), "Nope is not a resource of this cluster"),
    (("move", "ClusterIP", "node-z"), "node-z is not a node of this cluster"),
    (("ban", "ClusterIP", "node-z", "--lifetime", "2h"), "node-z is not a node of this cluster"),
    (("move", "ClusterIP", "node-b", "--lifetime", "30x"), "malformed lifetime '30x'"),
    (("move", "ClusterIP", "node-b", "--lifetime", "-5m"), "malformed lifetime '-5m'"),
    (("ban", "ClusterIP", "node-b", "--lifetime=-5m"), "malformed lifetime '-5m'"),
    (("ban", "ClusterIP", "node-b", "--lifetime", "0m"), "lifetime '0m' is zero"),
    (("disable", "Nope", "--force"), "Nope is not a resource of this cluster"),
    (("enable", "Nope"), "Nope is not a resource of this cluster"),
    (("restart", "Nope"), "Nope is not a resource of this cluster"),
    (("refresh", "ClusterIP", "--node", "node-z"), "node-z is not a node of this cluster"),
    (("cleanup", "Nope"), "Nope is not a resource of this cluster"),
    (("clear", "Nope"), "Nope is not a resource of this cluster"),
    (("maintenance", "on", "--node", "node-z"), "node-z is not a node of this cluster"),
    (("maintenance", "on", "--resource", "Nope"), "Nope is not a resource of this cluster"),
    (("config", "threshold", "Nope", "3"), "Nope is not a resource of this cluster"),
    (("config", "prefer", "ClusterIP", "node-z=5"), "node-z is not a node of this cluster"),
    (("config", "prefer", "Nope", "node-a=INFINITY"), "Nope is not a resource of this cluster"),
])
async def test_bad_input_is_one_line_exit_2_and_the_cib_stays_untouched(
        capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], reason: str) -> None:
    async with running_demo() as demo:
        before = config_epochs(demo)
        assert await hacon_on(demo, *argv) == 2
        assert config_epochs(demo) == before
    err = capsys.readouterr().err
    assert err.startswith("hacon: ") and err.count("\n") == 1 and reason in err, err
    assert not audit.journal_path().exists()  # nothing was attempted


REFUSALS: dict[ActionKind, tuple[str | None, tuple[str, ...], str]] = {
    # kind: (the demo's start scenario, the command, what the refusal says)
    ActionKind.STANDBY: ("standby-left", ("standby", "node-a"), "node-b in standby"),
    ActionKind.ONLINE: (None, ("online", "node-a"), "node-a is not in standby"),
    ActionKind.CLEANUP: (None, ("cleanup", "ClusterIP"), "no failcount or failed operation"),
    ActionKind.CLEAR: (None, ("clear",), "no cli-prefer or cli-ban constraint to clear"),
    ActionKind.FAILBACK: (None, ("failback",), "already runs on its preferred node"),
    ActionKind.MAINTENANCE_ON: ("standby-left", ("maintenance", "on", "--node", "node-a"),
                                "could be recovered nowhere"),
    ActionKind.MAINTENANCE_OFF: (None, ("maintenance", "off"), "not in maintenance mode"),
    ActionKind.MOVE: (None, ("move", "ClusterIP", "node-a"), "already runs on node-a"),
    ActionKind.BAN: ("standby-left", ("ban", "ClusterIP", "node-a"), "stopped afterwards"),
    ActionKind.CLEAR_EXPIRED: (None, ("clear", "--expired"), "has expired"),
    ActionKind.DISABLE: (None, ("disable", "ClusterIP"), "add --force"),
    ActionKind.ENABLE: (None, ("enable", "ClusterIP"), "ClusterIP is not disabled"),
    ActionKind.REFRESH: ("split-brain", ("refresh", "ClusterIP"), "SPLIT BRAIN"),
    ActionKind.RESTART: (None, ("restart", "ClusterIP"), "add --force"),
    ActionKind.FENCE: (None, ("fence", "node-b"), "fencing is disabled"),
    ActionKind.FIX_COLOCATION: (None, ("fix", "vip-not-colocated"), "no vip-not-colocated"),
    ActionKind.FIX_ORDER: (None, ("fix", "vip-not-ordered"), "no vip-not-ordered"),
    ActionKind.FIX_STICKINESS: (None, ("fix", "no-stickiness"), "no no-stickiness"),
    ActionKind.FIX_PREFERRED: (None, ("fix", "no-preferred-node"), "no no-preferred-node"),
    ActionKind.FIX_THRESHOLD: (None, ("fix", "no-migration-threshold"),
                               "no no-migration-threshold"),
    ActionKind.CONFIG_STICKINESS: (None, ("config", "stickiness", "1"),
                                   "resource-stickiness is already 1"),
    ActionKind.CONFIG_PREFER: (None, ("config", "prefer", "ClusterIP", "node-a=1"),
                               "already gives ClusterIP score 1 on node-a"),
    ActionKind.CONFIG_THRESHOLD: (None, ("config", "threshold", "OSIPS", "3"),
                                  "OSIPS has migration-threshold=3 already"),
}


def test_every_action_kind_has_a_refusal_case() -> None:
    assert set(REFUSALS) == set(ACTIONS), f"give {set(ACTIONS) ^ set(REFUSALS)} a case"


@pytest.mark.parametrize("kind", list(REFUSALS), ids=[kind.value for kind in REFUSALS])
async def test_each_kind_of_refusal_is_exit_3_with_the_cib_unchanged(
        capsys: pytest.CaptureFixture[str], kind: ActionKind) -> None:
    scenario, argv, reason = REFUSALS[kind]
    async with running_demo(scenario=scenario) as demo:
        before = config_epochs(demo)
        assert await hacon_on(demo, *argv) == 3
        assert config_epochs(demo) == before
    err = capsys.readouterr().err
    assert reason in err, err
    [entry] = audit.read_entries()
    assert entry["outcome"] == "refused" and entry["action"] == ACTIONS[kind].verb
