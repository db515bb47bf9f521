"""Scripted faults, so a new user sees every screen of the console in a minute.

Each scenario is one thing that happens to the demo cluster, named for the CLI
(`hacon demo --scenario split-brain`) and offered in the console's demo menu. Each returns one
sentence saying what it did and what to watch for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.demo.config import SERVICE_ID, VIP_ID

if TYPE_CHECKING:  # the names serve `hacon demo --scenario`'s help; the machine loads on use
    from console.demo.cluster import DemoCluster


@dataclass(frozen=True, slots=True)
class Scenario:
    """One scripted fault (or its repair)."""

    name: str
    """The CLI name (`--scenario NAME`)."""
    title: str
    """What the demo menu shows."""
    run: Callable[[DemoCluster], str]
    """Make it happen; returns the sentence to show."""
    start_settled: bool = True
    """As a start state: fast-forward until the cluster is quiet (False: watch it live)."""


def _holder(cluster: DemoCluster) -> str:
    """Where the VIP runs; else the first node that is on (NoNodeRunning if none is)."""
    holders = cluster.holders(VIP_ID)
    running = [name for name in cluster.node_names if cluster.reachable(name)
               and any(name in p.members for p in cluster.partitions)]
    if holders and holders[0] in running:
        return holders[0]
    if not running:
        raise NoNodeRunning("No node is running: power one on first.")
    return running[0]


class NoNodeRunning(Exception):
    """A scenario needs a running node and there is none."""


def _peer(cluster: DemoCluster, node_name: str) -> str:
    peers = [name for name in cluster.node_names if name != node_name and cluster.reachable(name)]
    return peers[0] if peers else node_name


def power_loss(cluster: DemoCluster) -> str:
    """The VIP holder loses power."""
    node = _holder(cluster)
    cluster.power_off(node)
    return (f"{node} lost power: it is unreachable now; the survivors notice after the corosync "
            f"token timeout and take the VIP over in about 6.5 s.")


def power_on(cluster: DemoCluster) -> str:
    """Every powered-off node boots again."""
    down = [name for name in cluster.node_names if not cluster.reachable(name)]
    for name in down:
        cluster.power_on(name)
    if not down:
        return "Every node is already powered on."
    return (f"{', '.join(down)} powering on: rejoins in about 3.5 s; nothing moves back "
            f"(stickiness).")


def split_brain(cluster: DemoCluster) -> str:
    """Cut one node off from its peers (the console still reaches every node)."""
    if len(cluster.node_names) == 2:
        node = _peer(cluster, _holder(cluster))
        cluster.cut_network(node)
        return (f"Network between the nodes cut: in about 6.5 s {node} starts the VIP too; each "
                f"side looks healthy on its own, only comparing the views shows the split brain.")
    node = _holder(cluster)
    cluster.cut_network(node)
    return (f"{node} cut off from its peers: it loses quorum and stops the VIP; the majority "
            f"elects its own DC and starts it (two DCs, one VIP).")


def standby_then_split(cluster: DemoCluster) -> str:
    """The DC goes to standby (the VIP moves to its peer), then the network is cut."""
    if len(cluster.node_names) != 2:
        return "This one needs the 2-node demo (hacon demo without --nodes 3)."
    dc = cluster.partition_of(_holder(cluster)).dc
    cluster.set_standby(dc, dc, "on", "forever")
    cluster.timeline.settle(limit=30.0)  # the move first, as an operator would have done it
    cluster.cut_network(dc)
    return (f"{dc} (the DC) went to standby, the VIP moved to its peer, then the network was "
            f"cut: both sides stay quorate; {dc}'s side runs nothing while the other serves "
            f"every call. Each partition is shown on its own.")


def cable_pull(cluster: DemoCluster) -> str:
    """The holder's cable is pulled: hacon loses it too, and it keeps the VIP."""
    node = _holder(cluster)
    cluster.pull_cable(node)
    return (f"{node}'s cable pulled: neither its peer nor hacon can reach it. With fencing off "
            f"it keeps the VIP while the peer starts it too; hacon cannot see that, so it says "
            f"{node} may still hold it (uncertain).")


def heal(cluster: DemoCluster) -> str:
    """Reconnect the network."""
    if not cluster.isolated:
        return "The network is not cut."
    cluster.heal_network()
    return ("Network healed: the partitions merge, Pacemaker finds the VIP active on two nodes, "
            "stops both copies and starts one (about 10 s).")


def service_failure(cluster: DemoCluster) -> str:
    """The service dies once on the VIP holder."""
    if not cluster.fail_service():
        return f"{SERVICE_ID} is not running anywhere: nothing to fail."
    node = _holder(cluster)
    return (f"{SERVICE_ID} died on {node}: its monitor fails, the fail-count goes up and "
            f"Pacemaker restarts it in place.")


def flapping(cluster: DemoCluster) -> str:
    """A broken service configuration on the VIP holder: it dies after every start."""
    node = _holder(cluster)
    cluster.break_service(node)
    return (f"{SERVICE_ID}'s configuration on {node} is broken: it dies a few seconds after each "
            f"start; at the migration-threshold (3) both resources move to the peer.")


def repair(cluster: DemoCluster) -> str:
    """Fix every broken configuration and clean up the service's failures."""
    for name in cluster.node_names:
        cluster.break_service(name, broken=False)
    via = _holder(cluster)
    cluster.cleanup(via, SERVICE_ID)
    return f"Configurations repaired and {SERVICE_ID}'s failures cleaned up."


def leftover_ban(cluster: DemoCluster) -> str:
    """Someone ran `crm_resource --move ClusterIP` and never cleared it."""
    node = _holder(cluster)
    cluster.ban(node, VIP_ID, node)
    return (f"crm_resource --move {VIP_ID} left cli-ban-{VIP_ID}-on-{node}: the VIP moves away, "
            f"and {node} can never take it back until the ban is cleared.")


def standby_left(cluster: DemoCluster) -> str:
    """The idle node was put in standby for maintenance and forgotten there."""
    node = _peer(cluster, _holder(cluster))
    cluster.set_standby(node, node, "on", "forever")
    return (f"{node} was left in standby after maintenance: a standby of the VIP holder now "
            f"would leave the VIP nowhere to run.")


def back_to_healthy(cluster: DemoCluster) -> str:
    """Undo every fault: power on, heal, repair, clear bans and standby."""
    powering = power_on(cluster)
    cluster.heal_network()
    try:
        repair(cluster)
    except NoNodeRunning:
        return f"{powering} Choose this again once a node is up to clear the rest."
    via = _holder(cluster)
    partition = cluster.partition_of(via)
    for resource in {ban.resource for ban in partition.config.bans}:
        cluster.clear(via, resource)
    for name in cluster.node_names:
        if partition.config.standby_value(name) is not None:
            cluster.set_standby(via, name, None, "forever")
        if name in partition.members and "standby" in cluster.runtime(name).transient:
            cluster.set_standby(via, name, None, "reboot")
    return ("Back to healthy: every node on, the network whole, the service repaired, no "
            "leftover constraint, no standby. The VIP stays where it is (stickiness).")


SCENARIOS: dict[str, Scenario] = {scenario.name: scenario for scenario in (
    Scenario("power-loss", "Power loss of the VIP holder", power_loss),
    Scenario("power-on", "Power the dead node on again", power_on),
    Scenario("split-brain", "Split brain: cut the network between the nodes", split_brain),
    Scenario("standby-split", "Standby of the DC, then cut the network", standby_then_split),
    Scenario("cable-pull", "Pull the VIP holder's cable (hacon loses it too)", cable_pull),
    Scenario("heal", "Heal the network", heal),
    Scenario("service-failure", "The service fails once (fail-count, recovery)", service_failure),
    Scenario("flapping", "Broken service configuration (flapping)", flapping, False),
    Scenario("repair", "Repair the service and clean up its failures", repair),
    Scenario("cli-ban", "A leftover cli-ban from crm_resource --move", leftover_ban),
    Scenario("standby-left", "A node left in standby", standby_left),
    Scenario("reset", "Back to healthy (undo every fault)", back_to_healthy),
)}
"""Every scenario by CLI name, in menu order."""


def start_in(cluster: DemoCluster, name: str) -> str:
    """Bring a fresh demo cluster into a scenario's state (fast-forwarded unless live).

    Raises:
        KeyError: unknown scenario name.
    """
    scenario = SCENARIOS[name]
    sentence = scenario.run(cluster)
    if scenario.start_settled:
        cluster.timeline.settle(limit=60.0)
    return sentence
