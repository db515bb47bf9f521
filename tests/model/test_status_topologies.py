"""Live migration, remote and guest nodes, bundles: where things run, checked against crm_mon."""

from __future__ import annotations

from console.model import NodeState, NodeType
from tests.model.agree import derive
from tests.support.cib_xml import cib, lrm_resource, node_state, op, primitive, started

MIGRATABLE = {"allow-migrate": "true"}


def migrate_op(task: str, call: int, node: str, source: str, target: str) -> str:
    return op("vm", task, call=call, node=node).replace(
        "/>", f' migrate_source="{source}" migrate_target="{target}"/>')


def remote_state(name: str, resources: list[str]) -> str:
    return (f'<node_state id="{name}" uname="{name}" remote_node="true">'
            f'<lrm id="{name}"><lrm_resources>{"".join(resources)}</lrm_resources></lrm>'
            "</node_state>")


class TestMigration:
    def test_completed_migration_runs_on_the_target_only(self) -> None:
        source = lrm_resource("vm", [op("vm", "start", call=2, node="node-a"),
                                     migrate_op("migrate_to", 3, "node-a", "node-a", "node-b")])
        target = lrm_resource("vm", [migrate_op("migrate_from", 2, "node-b", "node-a",
                                                "node-b")])
        snapshot = derive(cib(resources=primitive("vm", meta=MIGRATABLE),
                              status=node_state("node-a", resources=[source])
                              + node_state("node-b", resources=[target])))
        assert snapshot.resources["vm"].active_on == ("node-b",)

    def test_migration_without_result_on_a_known_target_counts_both_nodes(self) -> None:
        source = lrm_resource("vm", [op("vm", "start", call=2, node="node-a"),
                                     migrate_op("migrate_to", 3, "node-a", "node-a", "node-b")])
        target = lrm_resource("vm", [op("vm", "monitor", call=1, rc=7, node="node-b")])
        snapshot = derive(cib(resources=primitive("vm", meta=MIGRATABLE),
                              status=node_state("node-a", resources=[source])
                              + node_state("node-b", resources=[target])))
        assert snapshot.resources["vm"].active_on == ("node-a", "node-b")

    def test_failed_migrate_to_keeps_it_on_the_source(self) -> None:
        source = lrm_resource("vm", [op("vm", "start", call=2, node="node-a"),
                                     migrate_op("migrate_to", 3, "node-a", "node-a", "node-b")
                                     .replace('rc-code="0"', 'rc-code="1"')])
        snapshot = derive(cib(resources=primitive("vm", meta=MIGRATABLE),
                              status=node_state("node-a", resources=[source])
                              + node_state("node-b")))
        vm = snapshot.resources["vm"]
        assert vm.active_on == ("node-a",) and vm.failed


class TestRemoteNodes:
    def test_remote_node_is_online_while_its_connection_runs(self) -> None:
        config = primitive("remote1", "ocf:pacemaker:remote") + primitive("app")
        status = (node_state("node-a", resources=[started("remote1", "node-a")])
                  + node_state("node-b")
                  + remote_state("remote1", [started("app", "remote1")]))
        snapshot = derive(cib(resources=config, status=status))
        remote = snapshot.nodes["remote1"]
        assert remote.type is NodeType.REMOTE and remote.online
        assert snapshot.resources["app"].active_on == ("remote1",)

    def test_remote_node_without_connection_is_offline(self) -> None:
        config = primitive("remote1", "ocf:pacemaker:remote")
        status = node_state("node-a") + node_state("node-b")
        snapshot = derive(cib(resources=config, status=status))
        assert snapshot.nodes["remote1"].state is NodeState.OFFLINE

    def test_guest_node_follows_its_virtual_machine(self) -> None:
        vm = primitive("vm1", meta={"remote-node": "guest1"})
        config = vm + primitive("app")
        status = (node_state("node-a", resources=[started("vm1", "node-a"),
                                                  started("guest1", "node-a")])
                  + node_state("node-b")
                  + remote_state("guest1", [started("app", "guest1")]))
        snapshot = derive(cib(resources=config, status=status))
        assert snapshot.nodes["guest1"].online
        assert snapshot.resources["guest1"].agent == "ocf:pacemaker:remote"
        assert snapshot.resources["app"].active_on == ("guest1",)


class TestBundles:
    def bundle(self) -> str:
        return ('<bundle id="web"><docker image="registry/web" replicas="2"/>'
                '<network ip-range-start="192.0.2.50" control-port="3121"/>'
                f'{primitive("httpd", "ocf:heartbeat:apache")}</bundle>')

    def test_bundle_replicas_and_their_guest_nodes(self) -> None:
        host_a = [started("web-docker-0", "node-a"), started("web-0", "node-a"),
                  started("web-ip-192.0.2.50", "node-a")]
        status = (node_state("node-a", resources=host_a) + node_state("node-b")
                  + remote_state("web-0", [lrm_resource("httpd", [
                      op("httpd", "start", call=2, node="web-0")], "ocf:heartbeat:apache")]))
        snapshot = derive(cib(resources=self.bundle(), status=status))
        web, httpd = snapshot.resources["web"], snapshot.resources["httpd"]
        assert web.kind.value == "bundle" and web.children == ("httpd",)
        assert web.active_on == ("node-a",) and web.role == "Started"
        assert httpd.parent == "web" and httpd.active_on == ("web-0",)
        assert snapshot.nodes["web-0"].online and not snapshot.nodes["web-1"].online
