"""Scenarios: each builds one kind of cluster situation and returns the claims it must meet.

A scenario gets a fresh `CibBuilder`, the case's seeded `random.Random`, its node count and a
`tags` set to record what it built. Everything is done with Pacemaker's tools; the scenario steers
by crm_mon's view between steps (`b.where`), as an operator would.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from tests.cases import claims as c
from tests.cases.builder import CibBuilder
from tests.cases.claims import Claim
from tests.cases.stacks import (
    SERVICE,
    VIP,
    fillers,
    new_cluster,
    promotable,
    promotion_scores,
    sip_stack,
)

Scenario = Callable[[CibBuilder, random.Random, int, set[str]], list[Claim]]


def healthy(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """Everything online and started, a DC named; the baseline for 2 to 32 nodes."""
    new_cluster(b, rng, count, tags)
    sip_stack(b, rng, tags)
    fillers(b, rng, max(1, min(6, 48 // count)), tags)
    b.bring_up()
    b.set_dc(rng.choice(b.nodes))
    return [
        c.node_count(count),
        c.every_node("online"),
        c.resource_has(VIP, "role", "Started"),
        c.Claim("a DC", "/pacemaker-result/summary/current_dc[@present='true']"),
    ]


def all_standby(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """Every node in standby (permanent or transient, seeded): nothing can run."""
    new_cluster(b, rng, count, tags)
    sip_stack(b, rng, tags)
    fillers(b, rng, min(3, 32 // count), tags)
    b.bring_up()
    for node in b.nodes:
        b.set_node_attribute(node, "standby", "on", rng.choice(["forever", "reboot"]))
    b.settle()
    tags.add("all-standby")
    return [c.node_count(count), c.every_node("standby"), c.stopped(VIP), c.stopped(SERVICE)]


def standby_lifetimes(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """Transient standby overrides permanent, in both directions, beside a plain permanent one."""
    new_cluster(b, rng, count, tags)
    sip_stack(b, rng, tags)
    b.bring_up()
    overridden, transient_only, permanent_only = rng.sample(b.nodes, 3)
    b.set_node_attribute(overridden, "standby", "on", "forever")
    b.set_node_attribute(overridden, "standby", "off", "reboot")
    b.set_node_attribute(transient_only, "standby", "off", "forever")
    b.set_node_attribute(transient_only, "standby", "on", "reboot")
    b.set_node_attribute(permanent_only, "standby", "on", "forever")
    b.settle()
    tags.add("standby-lifetimes")
    return [
        c.node_has(overridden, "standby", "false"),
        c.node_has(transient_only, "standby", "true"),
        c.node_has(permanent_only, "standby", "true"),
        c.in_cib(
            f"{overridden} has a permanent standby=on",
            f"//nodes/node[@uname='{overridden}']//nvpair[@name='standby'][@value='on']",
        ),
    ]


def service_failed_everywhere(
    b: CibBuilder, rng: random.Random, count: int, tags: set[str]
) -> list[Claim]:
    """The service fails on every node until migration-threshold bans it; the VIP stops with it.

    Seeded style: failed recurring monitors injected where the service runs, one node after the
    other, or failing starts (`--op-fail`) on every node while the cluster recovers.
    """
    threshold = rng.choice([1, 2])
    new_cluster(b, rng, count, tags)
    sip_stack(b, rng, tags, grouped=False, service_meta={"migration-threshold": str(threshold)})
    b.bring_up()
    if rng.random() < 0.5:
        tags.add("failed-monitors")
        _fail_monitors_until_stopped(b, count * threshold)
    else:
        tags.add("failed-starts")
        failing = [f"--op-fail={SERVICE}_start_0@{n}=1" for n in b.nodes]
        holder = b.where(SERVICE)[0]
        b.settle(f"--op-inject={SERVICE}_monitor_30000@{holder}=7", repeat=failing)
    tags.add("vip-stopped-service-failed-everywhere")
    return [
        c.stopped(SERVICE),
        c.stopped(VIP),
        *(
            c.Claim(
                f"{SERVICE} failed on {n}",
                f"/pacemaker-result/node_history/node[@name='{n}']"
                f"/resource_history[@id='{SERVICE}'][@fail-count>={threshold}]",
            )
            for n in b.nodes
        ),
    ]


def _fail_monitors_until_stopped(b: CibBuilder, rounds: int) -> None:
    """Inject a failed monitor where the service runs, let the cluster react, repeat."""
    for _ in range(rounds):
        holders = b.where(SERVICE)
        if not holders:
            return
        b.settle(f"--op-inject={SERVICE}_monitor_30000@{holders[0]}=7")
    if b.where(SERVICE):
        raise AssertionError(f"{SERVICE} still runs after {rounds} injected failures")


def vip_two_nodes(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """A successful VIP monitor found on a second node: the VIP is active on two nodes."""
    new_cluster(b, rng, count, tags)
    sip_stack(b, rng, tags)
    b.bring_up()
    holder = b.where(VIP)[0]
    second = rng.choice([n for n in b.nodes if n != holder])
    b.simulate(f"--op-inject={VIP}_monitor_10000@{second}=0", execute=False)
    tags.add("vip-multi-active")
    return [c.active_on(VIP, sorted([holder, second]))]


def unclean(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """Nodes fail with stonith enabled and are not fenced yet: UNCLEAN, resources stay there."""
    new_cluster(b, rng, count, tags, stonith=True)
    sip_stack(b, rng, tags)
    fillers(b, rng, 2, tags)
    b.bring_up()
    holder = b.where(VIP)[0]
    others = [n for n in b.nodes if n != holder]
    failed = [holder, *rng.sample(others, rng.randint(0, min(2, len(others) - 1)))]
    b.simulate(*(f"--node-fail={n}" for n in failed), execute=False)
    tags.add("unclean")
    return [*(c.node_has(n, "unclean") for n in failed), c.active_on(VIP, [holder])]


def nodes_down(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """Some nodes shut down cleanly (stonith disabled); their resources move away."""
    new_cluster(b, rng, count, tags)
    sip_stack(b, rng, tags)
    fillers(b, rng, 3, tags)
    b.bring_up()
    down = rng.sample(b.nodes, rng.randint(1, count - 1))
    b.settle(*(f"--node-down={n}" for n in down))
    tags.add("offline")
    return [
        *(c.node_has(n, "online", "false") for n in down),
        *(c.node_has(n, "unclean", "false") for n in down),
        c.resource_has(VIP, "active", "true"),
    ]


def node_maintenance(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """The VIP holder in node maintenance: its resources become unmanaged where they are."""
    new_cluster(b, rng, count, tags)
    sip_stack(b, rng, tags)
    b.bring_up()
    holder = b.where(VIP)[0]
    b.set_node_attribute(holder, "maintenance", "on", rng.choice(["forever", "reboot"]))
    b.settle()
    tags.add("node-maintenance")
    return [
        c.node_has(holder, "maintenance"),
        c.active_on(VIP, [holder]),
        c.resource_has(VIP, "managed", "false"),
    ]


def maintenance_mode(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """The cluster property maintenance-mode=true: nothing is managed."""
    new_cluster(b, rng, count, tags)
    sip_stack(b, rng, tags)
    fillers(b, rng, 2, tags)
    b.bring_up()
    b.set_property("maintenance-mode", "true")
    b.settle()
    tags.add("maintenance-mode")
    return [c.cluster_option("maintenance-mode", "true"), c.every_resource("managed", "false")]


def failed_stop(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """The VIP is banned from its node and its stop fails there.

    Without stonith the VIP is blocked where it is; with stonith the node becomes UNCLEAN.
    """
    stonith = rng.random() < 0.5
    new_cluster(b, rng, count, tags, stonith=stonith)
    top = sip_stack(b, rng, tags)
    b.bring_up()
    holder = b.where(VIP)[0]
    b.ban(top, holder)
    b.simulate(f"--op-fail={VIP}_stop_0@{holder}=1")
    tags.add("failed-stop")
    found = [c.failure(VIP, "stop", holder), c.active_on(VIP, [holder])]
    if stonith:
        tags.add("failed-stop-fenceable")
        return [*found, c.node_has(holder, "unclean")]
    tags.add("failed-stop-blocked")
    return [*found, c.resource_has(VIP, "blocked", "true")]


def promoted(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """A promotable Stateful clone with one Promoted instance; sometimes its monitor failed."""
    new_cluster(b, rng, count, tags)
    sip_stack(b, rng, tags, grouped=False)
    rid = promotable(b, rng, tags)
    b.bring_up()
    winner = promotion_scores(b, rng, rid)
    b.settle()
    result = [
        c.instances_in_role(rid, "Promoted", 1),
        c.instances_in_role(rid, "Unpromoted", count - 1),
        c.active_on(rid, b.nodes),
    ]
    if rng.random() < 0.5:
        b.settle(f"--op-inject={rid}_monitor_10000@{winner}=7")
        result.append(c.failcount(rid, winner, 1))
    return result


def cli_leftovers(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """Leftover cli-prefer / cli-ban constraints from crm_resource and pcs, some rule-based."""
    new_cluster(b, rng, count, tags)
    top = sip_stack(b, rng, tags)
    db = fillers(b, rng, 2, tags)
    b.bring_up()
    # crm_resource refuses to move a resource to the node it already runs on.
    target = rng.choice([n for n in b.nodes if n not in b.where(VIP)])
    timed = rng.choice([n for n in b.nodes if n not in b.where(db[1]) and n != target])
    banned = rng.choice([n for n in b.nodes if n not in (target, timed)])
    b.move(top, target)
    b.ban(db[0], banned)
    b.move(db[1], timed, lifetime="P2D")  # rule-based: #uname eq + date_expression
    b.ban(db[1], banned, lifetime="P2D")
    b.pcs("resource", "ban", db[0], target)
    b.settle()
    tags.update({"cli-prefer", "cli-ban", "cli-rule"})
    return [
        c.active_on(VIP, [target]),
        c.ban_listed(f"cli-ban-{db[0]}-on-{banned}"),
        c.ban_listed(f"cli-ban-{db[0]}-on-{target}"),
        c.in_cib(
            "cli-prefer of the VIP stack",
            f"//rsc_location[@id='cli-prefer-{top}'][@node='{target}']",
        ),
        c.in_cib(
            "rule-based cli-prefer",
            f"//rsc_location[@id='cli-prefer-{db[1]}']/rule/date_expression",
        ),
    ]


def near_threshold(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """The VIP failed threshold-1 times where it runs: recovered in place, one failure from moving."""
    threshold = rng.randint(2, 4)
    new_cluster(b, rng, count, tags)
    sip_stack(b, rng, tags)
    b.bring_up()
    b.set_meta(VIP, "migration-threshold", str(threshold))
    holder = b.where(VIP)[0]
    for _ in range(threshold - 1):
        b.settle(f"--op-inject={VIP}_monitor_10000@{holder}=7")
    tags.add("failcount-near-threshold")
    return [
        c.failcount(VIP, holder, threshold - 1),
        c.active_on(VIP, [holder]),
        c.failure(VIP, "monitor", holder),
    ]


def mixed(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """A seeded mixture of the situations above, for breadth."""
    stonith = rng.random() < 0.3
    new_cluster(b, rng, count, tags, stonith=stonith)
    top = sip_stack(b, rng, tags)
    db = fillers(b, rng, max(2, min(8, 64 // count)), tags)
    if rng.random() < 0.3:
        promotable(b, rng, tags)
    b.bring_up()
    for action in rng.sample(_MIXED_ACTIONS, rng.randint(2, 4)):
        tags.add(action.__name__.strip("_").replace("_", "-"))
        action(b, rng, top, db)
    b.settle()
    if rng.random() < 0.5:
        b.set_dc(rng.choice(b.nodes))
    return [c.node_count(count)]


def _standby_some(b: CibBuilder, rng: random.Random, top: str, db: list[str]) -> None:
    for node in rng.sample(b.nodes, max(1, len(b.nodes) // 3)):
        b.set_node_attribute(node, "standby", "on", rng.choice(["forever", "reboot"]))


def _down_one(b: CibBuilder, rng: random.Random, top: str, db: list[str]) -> None:
    b.settle(f"--node-down={rng.choice(b.nodes)}")


def _disable_one(b: CibBuilder, rng: random.Random, top: str, db: list[str]) -> None:
    b.set_meta(rng.choice(db), "target-role", "Stopped")


def _unmanage_one(b: CibBuilder, rng: random.Random, top: str, db: list[str]) -> None:
    b.set_meta(rng.choice(db), "is-managed", "false")


def _fail_monitor(b: CibBuilder, rng: random.Random, top: str, db: list[str]) -> None:
    rid = rng.choice(db[:2])
    for node in b.where(rid)[:1]:
        b.settle(f"--op-inject={rid}_monitor_10000@{node}=7")


def _fail_node(b: CibBuilder, rng: random.Random, top: str, db: list[str]) -> None:
    # With stonith the node is fenced in the transition; without, it is simply gone.
    b.settle(f"--node-fail={rng.choice(b.nodes)}")


def _ban_vip(b: CibBuilder, rng: random.Random, top: str, db: list[str]) -> None:
    b.ban(top, rng.choice(b.nodes))


def _maintain_node(b: CibBuilder, rng: random.Random, top: str, db: list[str]) -> None:
    b.set_node_attribute(rng.choice(b.nodes), "maintenance", "on")


_MIXED_ACTIONS = [
    _standby_some,
    _down_one,
    _fail_node,
    _disable_one,
    _unmanage_one,
    _fail_monitor,
    _ban_vip,
    _maintain_node,
]
