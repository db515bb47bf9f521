"""What parse_cib tells an operator, on hand-written CIBs with one tricky situation each."""

from __future__ import annotations

import pytest

from console.model import NodeState, NotACibError, parse_cib, status_document
from tests.model.agree import derive
from tests.support.cib_xml import (
    cib,
    lrm_resource,
    node_state,
    op,
    primitive,
    started,
    stopped_probe,
)
from tests.support.status_schema import assert_conforms


class TestStandby:
    def test_transient_off_beats_permanent_on(self) -> None:
        data = cib(node_attrs={"node-a": {"standby": "on"}},
                   status=node_state("node-a", transient={"standby": "off"}))
        node = derive(data).nodes["node-a"]
        assert not node.standby
        assert node.state is NodeState.ONLINE

    def test_transient_on_beats_permanent_off(self) -> None:
        data = cib(node_attrs={"node-b": {"standby": "off"}},
                   status=node_state("node-a") + node_state("node-b", transient={"standby": "on"}))
        assert derive(data).nodes["node-b"].state is NodeState.STANDBY

    def test_permanent_standby_alone_counts(self) -> None:
        data = cib(node_attrs={"node-a": {"standby": "true"}}, status=node_state("node-a"))
        assert derive(data).nodes["node-a"].standby

    def test_offline_node_in_standby_shows_offline_with_the_flag(self) -> None:
        data = cib(node_attrs={"node-b": {"standby": "on"}},
                   status=node_state("node-a") + node_state("node-b", online=False,
                                                            expected="down"))
        node = derive(data).nodes["node-b"]
        assert node.standby and node.state is NodeState.OFFLINE


class TestFailures:
    def test_failed_start_is_active_and_failed(self) -> None:
        history = lrm_resource("web", [op("web", "start", call=2, rc=1, node="node-b")])
        data = cib(resources=primitive("web"),
                   status=node_state("node-a") + node_state("node-b", resources=[history]))
        snapshot = derive(data)
        web = snapshot.resources["web"]
        assert web.active_on == ("node-b",) and web.role == "Started"
        assert web.failed and web.managed
        assert [(f.resource, f.node, f.task, f.rc) for f in snapshot.failures] == [
            ("web", "node-b", "start", 1)]

    def test_failed_stop_without_fencing_blocks_and_unmanages(self) -> None:
        history = lrm_resource("web", [op("web", "start", call=2, node="node-a"),
                                       op("web", "stop", call=3, rc=1, node="node-a")])
        data = cib(resources=primitive("web"), status=node_state("node-a", resources=[history]))
        web = derive(data).resources["web"]
        assert web.blocked and not web.managed and web.failed
        assert web.active_on == ("node-a",)

    def test_failed_stop_with_fencing_makes_the_node_unclean(self) -> None:
        history = lrm_resource("web", [op("web", "start", call=2, node="node-a"),
                                       op("web", "stop", call=3, rc=1, node="node-a")])
        data = cib(stonith=True, resources=primitive("web"),
                   status=node_state("node-a", resources=[history]) + node_state("node-b"))
        snapshot = derive(data)
        assert snapshot.nodes["node-a"].state is NodeState.UNCLEAN
        assert snapshot.resources["web"].active_on == ("node-a",)
        assert not snapshot.resources["web"].blocked

    def test_recurring_monitor_failure_is_listed_with_its_interval(self) -> None:
        history = lrm_resource("web", [op("web", "start", call=2, node="node-a"),
                                       op("web", "monitor", call=3, rc=7, interval=10000,
                                          node="node-a")])
        snapshot = derive(cib(resources=primitive("web"),
                                 status=node_state("node-a", resources=[history])))
        assert [(f.task, f.interval_ms, f.rc) for f in snapshot.failures] == [
            ("monitor", 10000, 7)]
        assert snapshot.resources["web"].failed

    def test_on_fail_ignore_keeps_the_resource_healthy(self) -> None:
        config = primitive("web", ops='<op id="web-mon" name="monitor" interval="10s" '
                                      'on-fail="ignore"/>')
        history = lrm_resource("web", [op("web", "start", call=2, node="node-a"),
                                       op("web", "monitor", call=3, rc=1, interval=10000,
                                          node="node-a")])
        web = derive(cib(resources=config, status=node_state("node-a", resources=[history]))
                        ).resources["web"]
        assert not web.failed and web.failure_ignored and web.active_on == ("node-a",)

    def test_fail_counts_come_from_node_attributes(self) -> None:
        status = node_state("node-a", resources=[started("web", "node-a")],
                            transient={"fail-count-web#monitor_10000": "3",
                                       "last-failure-web#monitor_10000": "1700000000"})
        snapshot = derive(cib(resources=primitive("web"), status=status))
        assert snapshot.failcounts == {"web": {"node-a": 3}}
        assert snapshot.resources["web"].failcount == {"node-a": 3}


class TestNodesGoingAway:
    def test_unclean_node_keeps_its_resources(self) -> None:
        # Fencing on, node-b vanished unexpectedly: it needs fencing, and until then Pacemaker
        # must assume the resource still runs there.
        data = cib(stonith=True, resources=primitive("web"),
                   status=node_state("node-a")
                   + node_state("node-b", online=False, expected="member",
                                resources=[started("web", "node-b")]))
        snapshot = derive(data)
        assert snapshot.nodes["node-b"].unclean
        assert snapshot.resources["web"].active_on == ("node-b",)
        assert snapshot.resources["web"].role == "Started"

    def test_cleanly_offline_node_loses_its_resources(self) -> None:
        data = cib(resources=primitive("web"),
                   status=node_state("node-a")
                   + node_state("node-b", online=False, expected="down",
                                resources=[started("web", "node-b")]))
        snapshot = derive(data)
        assert snapshot.nodes["node-b"].state is NodeState.OFFLINE
        assert snapshot.resources["web"].active_on == ()
        assert snapshot.resources["web"].role == "Stopped"

    def test_joining_node_is_pending(self) -> None:
        data = cib(stonith=True, status=node_state("node-a")
                   + node_state("node-b", join="pending"))
        assert derive(data).nodes["node-b"].state is NodeState.PENDING


class TestMaintenance:
    def test_node_maintenance_unmanages_what_runs_there(self) -> None:
        status = node_state("node-a", resources=[started("web", "node-a")],
                            transient={"maintenance": "on"})
        snapshot = derive(cib(resources=primitive("web"), status=status))
        assert snapshot.nodes["node-a"].state is NodeState.MAINTENANCE
        assert not snapshot.resources["web"].managed

    def test_maintenance_mode_unmanages_everything(self) -> None:
        snapshot = derive(cib(resources=primitive("web"),
                                 properties={"maintenance-mode": "true"},
                                 status=node_state("node-a", resources=[started("web",
                                                                                "node-a")])))
        assert snapshot.info.maintenance_mode
        assert not snapshot.resources["web"].managed


class TestPlacement:
    def test_vip_active_on_two_nodes_lists_both(self) -> None:
        vip = primitive("vip", "ocf:heartbeat:IPaddr2", params={"ip": "192.0.2.10"})
        status = (node_state("node-a", resources=[started("vip", "node-a")])
                  + node_state("node-b", resources=[started("vip", "node-b")]))
        snapshot = derive(cib(resources=vip, status=status))
        assert snapshot.resources["vip"].active_on == ("node-a", "node-b")
        assert snapshot.vips["vip"].holder_nodes == ("node-a", "node-b")
        assert snapshot.vips["vip"].ip == "192.0.2.10"

    def test_probe_that_finds_nothing_leaves_it_stopped(self) -> None:
        snapshot = derive(cib(resources=primitive("web"),
                                 status=node_state("node-a",
                                                   resources=[stopped_probe("web", "node-a")])))
        assert snapshot.resources["web"].role == "Stopped"
        assert snapshot.failures == ()

    def test_group_half_running_is_partial(self) -> None:
        group = f'<group id="g">{primitive("a")}{primitive("b")}</group>'
        status = node_state("node-a", resources=[started("a", "node-a"),
                                                 stopped_probe("b", "node-a")])
        snapshot = derive(cib(resources=group, status=status))
        assert snapshot.resources["g"].role == "Partial"
        assert snapshot.resources["a"].parent == "g"
        assert snapshot.resources["g"].children == ("a", "b")

    def test_resource_history_without_configuration_is_an_orphan(self) -> None:
        snapshot = derive(cib(status=node_state("node-a",
                                                   resources=[started("gone", "node-a")])))
        assert snapshot.resources["gone"].orphaned
        assert snapshot.resources["gone"].active_on == ("node-a",)


class TestPromotable:
    def promotable(self) -> bytes:
        clone = (f'<clone id="db-clone">{primitive("db", "ocf:pacemaker:Stateful")}'
                 '<meta_attributes id="db-clone-meta"><nvpair id="p" name="promotable" '
                 'value="true"/></meta_attributes></clone>')
        a = lrm_resource("db", [op("db", "start", call=2, node="node-a"),
                                op("db", "promote", call=3, node="node-a")],
                         "ocf:pacemaker:Stateful")
        b = lrm_resource("db", [op("db", "start", call=2, node="node-b")],
                         "ocf:pacemaker:Stateful")
        return cib(resources=clone, status=node_state("node-a", resources=[a])
                   + node_state("node-b", resources=[b]))

    def test_roles_per_node(self) -> None:
        snapshot = derive(self.promotable())
        clone, db = snapshot.resources["db-clone"], snapshot.resources["db"]
        assert clone.role == "Promoted" and db.role == "Promoted"
        assert clone.promoted_on == ("node-a",) and clone.unpromoted_on == ("node-b",)
        assert db.node_roles == {"node-a": "Promoted", "node-b": "Unpromoted"}
        assert db.parent == "db-clone"

    def test_probe_finding_it_promoted(self) -> None:
        history = lrm_resource("db", [op("db", "monitor", call=1, rc=8, node="node-a")],
                               "ocf:pacemaker:Stateful")
        clone = (f'<master id="ms">{primitive("db", "ocf:pacemaker:Stateful")}</master>')
        snapshot = derive(cib(resources=clone,
                                 status=node_state("node-a", resources=[history])))
        assert snapshot.resources["db"].node_roles == {"node-a": "Promoted"}
        assert snapshot.resources["ms"].kind.value == "promotable_clone"


class TestTickets:
    def test_lost_ticket_with_loss_policy_fence_makes_nodes_unclean(self) -> None:
        ticket = '<rsc_ticket id="t" rsc="web" ticket="ticketA" loss-policy="fence"/>'
        data = cib(stonith=True, resources=primitive("web"), constraints=ticket,
                   status=node_state("node-a", resources=[started("web", "node-a")])
                   + node_state("node-b"))
        assert derive(data).nodes["node-a"].unclean


class TestContract:
    def test_cluster_facts(self) -> None:
        snapshot = derive(cib(status=node_state("node-a") + node_state("node-b")))
        assert snapshot.info.dc == "node-a"
        assert not snapshot.info.stonith_enabled
        assert str(snapshot.version) == "0.5.7"
        assert snapshot.nodes["node-a"].is_dc

    def test_document_has_every_star_field(self) -> None:
        document = assert_conforms(status_document(derive(cib(
            resources=primitive("vip", "ocf:heartbeat:IPaddr2", params={"ip": "2001:db8::1"}),
            status=node_state("node-a", resources=[started("vip", "node-a")])))))
        assert document["cluster"]["dc"] == "node-a"
        assert set(document["nodes"]["node-a"]) >= {"online", "standby", "maintenance",
                                                    "unclean", "state"}
        assert set(document["resources"]["vip"]) >= {"kind", "agent", "parent", "role",
                                                     "active_on", "failed", "managed",
                                                     "blocked"}
        assert document["vips"]["vip"] == {
            "ip": "2001:db8::1", "cidr_netmask": None, "nic": None, "holder_nodes": ["node-a"],
            "role": "Started", "group": None, "top_level": "vip"}
        assert {"failures", "failcounts", "bans", "constraints"} <= set(document)


@pytest.mark.parametrize(("data", "reason"), [
    (b"<configuration/>", "root is <configuration>"),
    (b"<cib/>", "no <configuration>"),
])
def test_not_a_cib_has_a_one_line_reason(data: bytes, reason: str) -> None:
    with pytest.raises(NotACibError) as caught:
        parse_cib(data)
    assert "\n" not in str(caught.value) and "not a CIB" in str(caught.value)
