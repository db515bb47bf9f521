"""VIPs: every IPaddr2 primitive, where it is held, and what contains it."""

from __future__ import annotations

from console.model.cib.vips import derive_vips
from console.model.cluster import Resource, ResourceKind


def resource(
    rid: str,
    kind: ResourceKind = ResourceKind.PRIMITIVE,
    *,
    agent: str | None = "ocf:heartbeat:IPaddr2",
    parent: str | None = None,
    active_on: tuple[str, ...] = (),
    role: str = "Started",
    params: dict[str, str] | None = None,
) -> Resource:
    return Resource(
        id=rid,
        kind=kind,
        agent=agent,
        parent=parent,
        children=(),
        role=role,
        active_on=active_on,
        node_roles={},
        failed=False,
        managed=True,
        blocked=False,
        orphaned=False,
        failure_ignored=False,
        target_role=None,
        instances=1,
        failcount={},
        params=params or {},
    )


def catalog(*resources: Resource) -> dict[str, Resource]:
    return {item.id: item for item in resources}


def test_vip_in_a_group_reports_address_holder_group_and_top_level() -> None:
    resources = catalog(
        resource("g-sip", ResourceKind.GROUP, agent=None, active_on=("node-a",)),
        resource(
            "vip",
            parent="g-sip",
            active_on=("node-a",),
            params={"ip": "192.0.2.10", "cidr_netmask": "24", "nic": "eth0"},
        ),
        resource("osips", parent="g-sip", agent="ocf:heartbeat:Dummy", active_on=("node-a",)),
    )
    (vip,) = derive_vips(resources).values()
    assert (vip.id, vip.ip, vip.cidr_netmask, vip.nic) == ("vip", "192.0.2.10", "24", "eth0")
    assert vip.holder_nodes == ("node-a",)
    assert (vip.group, vip.top_level, vip.role) == ("g-sip", "g-sip", "Started")


def test_stopped_vip_has_no_holder_and_a_lone_vip_is_its_own_top_level() -> None:
    vips = derive_vips(catalog(resource("vip6", role="Stopped", params={"ip": "2001:db8::10"})))
    assert vips["vip6"].holder_nodes == ()
    assert vips["vip6"].ip == "2001:db8::10"
    assert (vips["vip6"].group, vips["vip6"].top_level) == (None, "vip6")
    assert vips["vip6"].cidr_netmask is None and vips["vip6"].nic is None


def test_vip_active_on_two_nodes_lists_both_sorted() -> None:
    vips = derive_vips(catalog(resource("vip", active_on=("node-b", "node-a"), params={"ip": "x"})))
    assert vips["vip"].holder_nodes == ("node-a", "node-b")


def test_cloned_group_vip_has_group_parent_and_clone_top_level() -> None:
    resources = catalog(
        resource("vip-clone", ResourceKind.CLONE, agent=None),
        resource("g", ResourceKind.GROUP, agent=None, parent="vip-clone"),
        resource("vip", parent="g", params={"ip": "192.0.2.7"}),
    )
    assert (derive_vips(resources)["vip"].group, derive_vips(resources)["vip"].top_level) == (
        "g",
        "vip-clone",
    )


def test_vip_directly_in_a_clone_has_no_group() -> None:
    resources = catalog(
        resource("vip-clone", ResourceKind.CLONE, agent=None),
        resource("vip", parent="vip-clone", params={"ip": "192.0.2.7"}),
    )
    assert derive_vips(resources)["vip"].group is None


def test_only_ipaddr2_primitives_are_vips() -> None:
    resources = catalog(
        resource("old-ip", agent="ocf:heartbeat:IPaddr", params={"ip": "192.0.2.1"}),
        resource("sip", agent="ocf:heartbeat:Dummy"),
        resource("vip", params={}),
    )
    vips = derive_vips(resources)
    assert list(vips) == ["vip"]
    assert vips["vip"].ip is None
