"""Hand-built snapshots of the SIP cluster (ClusterIP + OSIPS) for the tests of every room.

Each builder returns a frozen object with sensible defaults; a test names only what it changes
(`dataclasses.replace`). The shape mirrors the real lab: two nodes, an IPaddr2 VIP colocated with
and ordered before a SIP proxy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from console.model.cluster import (
    Ban,
    ClusterInfo,
    ClusterSnapshot,
    ColocationConstraint,
    Constraints,
    FailedOperation,
    LocationConstraint,
    Node,
    NodeType,
    OrderConstraint,
    Resource,
    ResourceKind,
    Vip,
)
from console.model.live.snapshot import KernelTruth, LiveSnapshot, NodeView, Verdict, VipTruth
from console.model.types import INFINITY, CibVersion, score_to_int

DEFAULT_VERSION = CibVersion(0, 42, 7)
FETCHED_AT = 1_800_000_000.0
"""A fixed wall-clock time for every snapshot (2027-01-15 08:00:00 UTC)."""


def node(name: str, *, node_id: str = "1", dc: bool = False, **changes: object) -> Node:
    base = Node(name=name, id=node_id, type=NodeType.MEMBER, online=True, standby=False,
                standby_onfail=False, maintenance=False, pending=False, unclean=False,
                shutdown=False, expected_up=True, is_dc=dc, resources_running=0)
    return replace(base, **changes)  # type: ignore[arg-type]


def primitive(rid: str, agent: str, on: Iterable[str] = (), **changes: object) -> Resource:
    active = tuple(sorted(on))
    base = Resource(id=rid, kind=ResourceKind.PRIMITIVE, agent=agent, parent=None, children=(),
                    role="Started" if active else "Stopped", active_on=active,
                    node_roles={n: "Started" for n in active}, failed=False, managed=True,
                    blocked=False, orphaned=False, failure_ignored=False, target_role=None,
                    instances=1, failcount={})
    return replace(base, **changes)  # type: ignore[arg-type]


def location(cid: str, resource: str, node_name: str, score: str, origin: str = "user"
             ) -> LocationConstraint:
    return LocationConstraint(id=cid, resource=resource, resource_pattern=None, node=node_name,
                              score=score, score_int=score_to_int(score), role=None,
                              resource_discovery=None, origin=origin, rules=None, sets=None)


def colocation(cid: str, resource: str, with_resource: str, score: str = "INFINITY"
               ) -> ColocationConstraint:
    return ColocationConstraint(id=cid, resource=resource, with_resource=with_resource,
                                score=score, score_int=score_to_int(score), resource_role=None,
                                with_resource_role=None, sets=None)


def order(cid: str, first: str, then: str) -> OrderConstraint:
    return OrderConstraint(id=cid, first=first, then=then, first_action=None, then_action=None,
                           kind="Mandatory", symmetrical=None, sets=None)


def failure(resource: str, node_name: str, task: str = "monitor", rc: int = 7,
            reason: str = "not running", call: int = 42) -> FailedOperation:
    return FailedOperation(resource=resource, instance=resource, node=node_name, task=task,
                           interval_ms=10_000 if task == "monitor" else 0, rc=rc,
                           rc_text=reason, status="complete", exit_reason=None, call=call,
                           op_key=f"{resource}_{task}_10000")


def cluster(
    *,
    nodes: Iterable[Node] | None = None,
    vip_on: Iterable[str] = ("node-a",),
    service_on: Iterable[str] | None = None,
    constraints: Constraints | None = None,
    failcounts: Mapping[str, Mapping[str, int]] | None = None,
    failures: tuple[FailedOperation, ...] = (),
    bans: tuple[Ban, ...] = (),
    stonith: bool = True,
    stickiness: str | None = "100",
    threshold: int | None = 3,
    version: CibVersion = DEFAULT_VERSION,
    service_changes: Mapping[str, object] | None = None,
) -> ClusterSnapshot:
    """The lab's cluster: ClusterIP (IPaddr2) and OSIPS (systemd) colocated and ordered."""
    node_list = list(nodes) if nodes is not None else [node("node-a", dc=True),
                                                        node("node-b", node_id="2")]
    vip_nodes = tuple(sorted(vip_on))
    service_nodes = tuple(sorted(service_on if service_on is not None else vip_on))
    counts = {k: dict(v) for k, v in (failcounts or {}).items()}
    meta = {"resource-stickiness": stickiness} if stickiness else {}
    vip = primitive("ClusterIP", "ocf:heartbeat:IPaddr2", vip_nodes,
                    params={"ip": "192.168.122.100", "cidr_netmask": "24", "nic": "eth0"},
                    failcount=counts.get("ClusterIP", {}), migration_threshold=threshold)
    service = primitive("OSIPS", "systemd:opensips", service_nodes, meta=meta,
                        failcount=counts.get("OSIPS", {}), migration_threshold=threshold,
                        **dict(service_changes or {}))
    running = {n.name: vip_nodes.count(n.name) + service_nodes.count(n.name) for n in node_list}
    node_map = {n.name: replace(n, resources_running=running[n.name]) for n in node_list}
    return ClusterSnapshot(
        info=ClusterInfo(name="sipcluster", version=version,
                            dc=next((n.name for n in node_list if n.is_dc), None),
                            have_quorum=True, stonith_enabled=stonith, symmetric_cluster=True,
                            no_quorum_policy="stop", maintenance_mode=False,
                            stop_all_resources=False, nodes_configured=len(node_list),
                            resources_configured=2, resources_disabled=0, resources_blocked=0),
        nodes=node_map,
        resources={"ClusterIP": vip, "OSIPS": service},
        vips={"ClusterIP": Vip(id="ClusterIP", ip="192.168.122.100", cidr_netmask="24",
                               nic="eth0", holder_nodes=vip_nodes,
                               role="Started" if vip_nodes else "Stopped", group=None,
                               top_level="ClusterIP")},
        failures=failures,
        failcounts=counts,
        bans=bans,
        constraints=constraints if constraints is not None else Constraints(
            location=(location("prefer-node-a", "ClusterIP", "node-a", "50"),),
            colocation=(colocation("osips-with-ip", "OSIPS", "ClusterIP"),),
            order=(order("ip-then-osips", "ClusterIP", "OSIPS"),)),
    )


def live(
    snapshot: ClusterSnapshot | None = None,
    *,
    fetched_at: float = FETCHED_AT,
    unreachable: Mapping[str, str] | None = None,
    verdict: Verdict = Verdict.CONSISTENT,
    bound_on: Iterable[str] | None = None,
    partitions: tuple[tuple[str, ...], ...] = (),
    service_running: Mapping[str, bool] | None = None,
) -> LiveSnapshot:
    """A live snapshot where every node answered (unless named in `unreachable`)."""
    snapshot = snapshot if snapshot is not None else cluster()
    gone = dict(unreachable or {})
    vip = snapshot.vips["ClusterIP"]
    bound = tuple(sorted(bound_on if bound_on is not None else vip.holder_nodes))
    running = service_running or {}
    views = {name: _view(snapshot, name, fetched_at, gone.get(name), bound, running.get(name))
             for name in snapshot.nodes}
    return LiveSnapshot(cluster=snapshot, source_node=snapshot.info.dc, views=views,
                        verdict=verdict, split_brain=verdict is Verdict.SPLIT_BRAIN,
                        vip_truth={"ClusterIP": VipTruth("ClusterIP", vip.ip, vip.holder_nodes,
                                                         bound, _truth(vip.holder_nodes, bound))},
                        fetched_at=fetched_at, partitions=partitions)


def _view(snapshot: ClusterSnapshot, name: str, fetched_at: float, reason: str | None,
          bound: tuple[str, ...], service_running: bool | None) -> NodeView:
    if reason is not None:
        return NodeView(node=name, reachable=False, reason=reason, fetched_at=fetched_at - 30)
    return NodeView(node=name, reachable=True, cib_version=snapshot.version,
                    dc=snapshot.info.dc, quorate=True, online=tuple(sorted(snapshot.nodes)),
                    vip_interfaces={"ClusterIP": ("eth0",) if name in bound else ()},
                    service_running=service_running, fetched_at=fetched_at)


def _truth(holders: tuple[str, ...], bound: tuple[str, ...]) -> KernelTruth:
    if not bound:
        return KernelTruth.NOWHERE
    if len(bound) > 1:
        return KernelTruth.SEVERAL
    return KernelTruth.ON_HOLDER if bound == holders else KernelTruth.ELSEWHERE


def file_live(snapshot: ClusterSnapshot | None = None, captured_at: float = FETCHED_AT
              ) -> LiveSnapshot:
    """What the file source yields: no views, verdict unknown."""
    return LiveSnapshot(cluster=snapshot if snapshot is not None else cluster(),
                        source_node=None, views={}, verdict=Verdict.UNKNOWN, split_brain=False,
                        vip_truth={}, fetched_at=captured_at)


def cli_ban(resource: str = "ClusterIP", node_name: str = "node-a") -> LocationConstraint:
    """What `crm_resource --ban` leaves behind."""
    return location(f"cli-ban-{resource}-on-{node_name}", resource, node_name, "-INFINITY",
                    origin="cli-ban")


def ban_of(constraint: LocationConstraint) -> Ban:
    return Ban(id=constraint.id, resource=constraint.resource or "", node=constraint.node or "",
               score=constraint.score_int or -INFINITY, promoted_only=False)
