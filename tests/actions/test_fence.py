"""Fence: the guard's refusals and the plan (Pacemaker's stonith_admin, run on another node)."""

from __future__ import annotations

import pytest
from cib_edits import edited, lab_cib, standby
from lxml import etree
from test_plans import pytestmark  # noqa: F401 - skip without Pacemaker's tools

from console.actions import fence
from console.actions.execute import COMMAND_TIMEOUT_S
from console.actions.plans import ActionKind, ActionRefused
from console.model import parse_cib
from tests.support.cib_xml import op

TWO = lab_cib("healthy-2node")  # ClusterIP + OSIPS on node-a
DEVICE = ('<primitive id="fence-lab" class="stonith" type="fence_lab">'
          '<instance_attributes id="fence-lab-ia"><nvpair id="fence-lab-hosts" '
          'name="pcmk_host_list" value="{hosts}"/></instance_attributes></primitive>')


def fenced(cib: bytes = TWO, *, hosts: str = "node-a node-b", enabled: bool = True,
           started: bool = True) -> bytes:
    """`cib` with fencing on and one fence_lab device for `hosts` (started on node-b)."""
    root = etree.fromstring(cib)
    for pair in root.iter("nvpair"):
        if pair.get("name") == "stonith-enabled":
            pair.set("value", "true" if enabled else "false")
    root.find("configuration/resources").append(etree.fromstring(DEVICE.format(hosts=hosts)))
    if started:
        state = next(s for s in root.iterfind("status/node_state") if s.get("uname") == "node-b")
        history = etree.fromstring(f'<lrm_resource id="fence-lab" class="stonith" '
                                   f'type="fence_lab">{op("fence-lab", "start", call=9, node="node-b")}'
                                   "</lrm_resource>")
        state.find("lrm/lrm_resources").append(history)
    return etree.tostring(root)


def test_fence_plan_is_stonith_admin_reboot_run_on_another_node_with_the_name_typed() -> None:
    plan = fence.plan_fence(fenced(), "node-b", run_on="node-b")
    assert plan.kind is ActionKind.FENCE and plan.node == "node-b"
    assert plan.argv == ("stonith_admin", "--reboot", "node-b", "--timeout", "20")
    assert plan.run_on == "node-a" and plan.stdin is None
    assert plan.typed_confirmation == "node-b"
    assert "Pacemaker's own tool, stonith_admin --reboot" in plan.consequences[0]
    assert "checked again on a fresh CIB just before it runs" in plan.consequences[0]
    # The preview sees the node down: the scheduler is asked what moves without it.
    down = parse_cib(plan.simulate_cib)
    assert not down.nodes["node-b"].online and down.nodes["node-a"].online


def test_stonith_admin_reports_a_slow_fencing_itself_before_hacon_stops_waiting() -> None:
    # The fencer allows 1.2 x --timeout for the whole operation; the executor waits 30 s for
    # the command: past that the operator would get "no answer" instead of the fencer's reason.
    plan = fence.plan_fence(fenced(), "node-b", run_on="node-a")
    timeout = int(plan.argv[plan.argv.index("--timeout") + 1])
    assert 1.2 * timeout < COMMAND_TIMEOUT_S


def test_the_vip_holder_may_be_fenced_when_the_other_node_can_take_the_vip() -> None:
    plan = fence.plan_fence(fenced(), "node-a", run_on="node-a")
    assert plan.run_on == "node-b" and plan.vip == "ClusterIP"


@pytest.mark.parametrize(("cib", "node", "reason"), [
    (fenced(enabled=False), "node-b", "fencing is disabled (stonith-enabled=false)"),
    (TWO, "node-b", "fencing is disabled (stonith-enabled=false)"),
    (fenced(hosts="node-a"), "node-b", "no started fence device can fence node-b"),
    (fenced(started=False), "node-b", "no started fence device can fence node-b"),
    (edited(fenced(), standby("node-b")), "node-a",
     "node-a holds ClusterIP and no other node could take it over (node-b "),
    (fenced(), "node-z", "node-z is not a node of this cluster"),
])
def test_fence_is_refused(cib: bytes, node: str, reason: str) -> None:
    found = fence.fence_blocked_reason(parse_cib(cib), node)
    assert found is not None and found.startswith(reason), found
    with pytest.raises(ActionRefused):
        fence.plan_fence(cib, node, run_on="node-a")


def test_a_host_map_names_the_nodes_a_device_can_fence() -> None:
    cib = fenced().replace(b'name="pcmk_host_list" value="node-a node-b"',
                           b'name="pcmk_host_map" value="node-a:1;node-b:2"')
    assert fence.fencing_devices_for(parse_cib(cib), "node-b") == ("fence-lab",)
    cib = cib.replace(b"node-b:2", b"node-c:2")
    assert fence.fence_blocked_reason(parse_cib(cib), "node-b") is not None
