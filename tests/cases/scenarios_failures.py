"""Scenarios where Pacemaker's answer differs most from a naive reading of the status section.

on-fail policies, a live migration that failed half-way, a group stopped part-way, Pacemaker
Remote nodes, globally-unique clones with expiring failures. Same contract as scenarios.py.
"""

from __future__ import annotations

import random
import time

from tests.cases import claims as c
from tests.cases.builder import CibBuilder
from tests.cases.claims import Claim
from tests.cases.stacks import SERVICE, SIP_GROUP, VIP, new_cluster, vip_params
from tests.support.cib_xml import clone, element, group, primitive

ON_FAIL_POLICIES = ("block", "standby", "ignore", "stop", "restart")


def on_fail_policies(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """One resource per on-fail policy, each with a failed monitor where it runs."""
    new_cluster(b, rng, count, tags)
    for policy in ON_FAIL_POLICIES:
        made = primitive(f"r-{policy}", "ocf:pacemaker:Dummy", monitor_s=10,
                         monitor_attrs={"on-fail": policy})
        b.create("resources", made)
    b.bring_up()
    holders = {policy: b.where(f"r-{policy}")[0] for policy in ON_FAIL_POLICIES}
    rc = rng.choice([1, 7])
    b.settle(*(f"--op-inject=r-{p}_monitor_10000@{node}={rc}" for p, node in holders.items()))
    tags.add("on-fail-policies")
    return [
        c.resource_has("r-block", "blocked", "true"),
        c.node_has(holders["standby"], "standby_onfail"),
        c.resource_has("r-ignore", "failure_ignored", "true"),
        c.stopped("r-stop"),
        c.failure("r-restart", "monitor", holders["restart"]),
    ]


def half_migrated(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """A live migration (allow-migrate) whose migrate_to or migrate_from failed."""
    new_cluster(b, rng, count, tags)
    b.create("resources", primitive("vm", "ocf:pacemaker:Dummy", meta={"allow-migrate": "true"},
                                    monitor_s=10))
    b.bring_up()
    source = b.where("vm")[0]
    target = rng.choice([n for n in b.nodes if n != source])
    b.move("vm", target)
    step, node = rng.choice([("migrate_to", source), ("migrate_from", target)])
    b.simulate(f"--op-fail=vm_{step}_0@{node}=1")
    tags.add(f"failed-{step.replace('_', '-')}")
    return [c.failure("vm", step, node), c.resource_has("vm", "failed", "true")]


def group_partly_started(
    b: CibBuilder, rng: random.Random, count: int, tags: set[str]
) -> list[Claim]:
    """The SIP group whose service cannot start anywhere: the VIP runs, the rest is stopped."""
    new_cluster(b, rng, count, tags)
    vip = primitive(VIP, "ocf:heartbeat:IPaddr2", vip_params(rng, rng.random() < 0.5), monitor_s=10)
    service = primitive(SERVICE, "systemd:opensips", meta={"migration-threshold": "1"},
                        monitor_s=10)
    cdr = primitive("cdr", "ocf:pacemaker:Dummy", monitor_s=10)
    b.create("resources", group(SIP_GROUP, [vip, service, cdr]))
    failing = [f"--op-fail={SERVICE}_start_0@{n}=1" for n in b.nodes]
    b.settle(*(f"--node-up={n}" for n in b.nodes), repeat=failing)
    tags.update({"group", "group-partial"})
    return [
        c.resource_has(VIP, "active", "true"),
        c.stopped(SERVICE),
        c.stopped("cdr"),
        *(c.failure(SERVICE, "start", n) for n in b.nodes),
    ]


def remote_nodes(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """Pacemaker Remote nodes carrying resources; sometimes one connection fails."""
    new_cluster(b, rng, count, tags)
    remotes = [f"remote-{i}" for i in range(1, rng.randint(1, 2) + 1)]
    for number, name in enumerate(remotes, 50):
        params = {"server": f"192.0.2.{number}"}
        b.create("resources", primitive(name, "ocf:pacemaker:remote", params, monitor_s=30))
    b.bring_up()
    for name in remotes:
        rid = f"app-{name}"
        b.create("resources", primitive(rid, "ocf:pacemaker:Dummy", monitor_s=10))
        location = {"id": f"loc-{rid}", "rsc": rid, "node": name, "score": "INFINITY"}
        b.create("constraints", element("rsc_location", location))
    b.settle()
    tags.add("remote-nodes")
    found = [c.node_has(name, "type", "remote") for name in remotes]
    found += [c.active_on(f"app-{name}", [name]) for name in remotes]
    if rng.random() < 0.5:
        broken = remotes[0]
        host = b.where(broken)[0]
        b.simulate(f"--op-inject={broken}_monitor_30000@{host}=7", execute=False)
        tags.add("remote-connection-failed")
        found.append(c.failure(broken, "monitor", host))
    return found


def unique_clone(b: CibBuilder, rng: random.Random, count: int, tags: set[str]) -> list[Claim]:
    """A globally-unique clone whose instance failed; a node announces its shutdown.

    Seeded: the failure is recent (failure-timeout 1 h), or already expired when anyone reads
    the file (failure-timeout 2 s, then the generator waits 3 s; crm_simulate stamps injected
    results with the real time, so waiting is the only way to age them).
    """
    expired = rng.random() < 0.5
    new_cluster(b, rng, count, tags)
    timeout = "2s" if expired else "3600s"
    member = primitive("worker", "ocf:pacemaker:Dummy", meta={"failure-timeout": timeout},
                       monitor_s=10)
    instances = str(min(4, 2 * count))
    meta = {"globally-unique": "true", "clone-max": instances, "clone-node-max": "2"}
    b.create("resources", clone("workers", member, meta))
    b.bring_up()
    failed_on = b.where("worker:1")[0]
    b.settle(f"--op-inject=worker:1_monitor_10000@{failed_on}=7")
    leaving = rng.choice(b.nodes)
    b.set_node_attribute(leaving, "shutdown", "1795900000", "reboot")
    tags.update({"unique-clone", "shutdown"})
    found = [c.node_has(leaving, "shutdown")]
    if expired:
        time.sleep(3)
        tags.add("failure-expired")
        return [*found, c.Claim("no failure listed", "not(/pacemaker-result/failures/failure)")]
    return [
        *found,
        c.failcount("worker:1", failed_on, 1),
        c.failure("worker:1", "monitor", failed_on),
    ]
