"""Fencing: the history every partition keeps, merged; failures flagged or superseded; devices
and the advisories about them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from console.model.cluster import ClusterSnapshot
from console.model.errors import CibParseError
from console.model.live.fencing import (
    event_text,
    fence_devices,
    fence_time,
    merge_histories,
    parse_fence_history,
)
from console.model.live.live_advisories import live_advisories
from console.model.live.verdict import build_live_snapshot
from tests.support.live_views import view
from tests.support import snapshots as b
# The shape `stonith_admin --history '*' --verbose --output-as=xml` prints on a 2.1.5 lab node.
HISTORY = b"""<pacemaker-result api-version="2.25" request="stonith_admin --history * --output-as=xml">
  <fence_history>
    <fence_event action="reboot" target="node-b" client="pacemaker-controld.51" origin="node-a"
                 status="failed" delegate="node-a" completed="2026-12-06 08:09:20Z"
                 exit-reason="fence_lab: switch unreachable"/>
    <fence_event action="reboot" target="node-b" client="pacemaker-controld.51" origin="node-a"
                 status="success" delegate="node-a" completed="2026-12-06 08:09:34Z"/>
  </fence_history>
  <status code="0" message="OK"/>
</pacemaker-result>"""


def test_history_is_read_with_who_asked_who_executed_result_and_time() -> None:
    failed, success = parse_fence_history(HISTORY)
    assert (success.target, success.action, success.origin, success.delegate) == (
        "node-b", "reboot", "node-a", "node-a")
    assert success.status == "success" and success.fenced
    assert success.completed_at == fence_time("2026-12-06 08:09:34+00:00")
    assert failed.failed and failed.exit_reason == "fence_lab: switch unreachable"


def test_an_empty_history_is_an_answer_and_garbage_is_an_error() -> None:
    assert parse_fence_history(b"<pacemaker-result><fence_history/></pacemaker-result>") == ()
    with pytest.raises(CibParseError):
        parse_fence_history(b"stonith_admin: command not found")


def test_both_sides_histories_merge_once_and_a_replaced_failure_is_superseded() -> None:
    events = parse_fence_history(HISTORY)
    merged = merge_histories([events, events[1:]])
    assert len(merged) == 2
    failed, success = merged
    assert failed.superseded and not success.superseded
    assert event_text(failed).endswith("(superseded by a later success)")
    assert event_text(success) == "reboot of node-b by node-a: success at 2026-12-06 08:09:34Z"


def test_a_failure_nothing_replaced_stays_flagged() -> None:
    failed = parse_fence_history(HISTORY)[0]
    (only,) = merge_histories([[failed]])
    assert only.failed and not only.superseded


def fence_cluster(*, delay: dict[str, str] | None = None, running: bool = True,
                  properties: dict[str, str] | None = None) -> ClusterSnapshot:
    cluster = b.cluster(stonith=True)
    device = b.primitive("fence-lab", "stonith:fence_lab", ("node-a",) if running else (),
                         params=delay or {})
    info = replace(cluster.info, properties=properties or {})
    return replace(cluster, info=info, resources={**cluster.resources, "fence-lab": device})


def advisory_codes(cluster: ClusterSnapshot) -> set[str]:
    views = {name: replace(view(name, bound=["192.168.122.100"] if name == "node-a" else []),
                           fence_history=()) for name in ("node-a", "node-b")}
    live = build_live_snapshot(views, {"node-a": cluster, "node-b": cluster}, 0.0)
    return {advisory.code for advisory in live_advisories(live)}


def test_devices_with_their_state() -> None:
    (device,) = fence_devices(fence_cluster())
    assert (device.id, device.agent, device.role, device.active_on) == (
        "fence-lab", "stonith:fence_lab", "Started", ("node-a",))


def test_two_nodes_with_fencing_and_no_delay_is_a_fence_race() -> None:
    assert "fence-race" in advisory_codes(fence_cluster())
    assert "fence-race" not in advisory_codes(fence_cluster(delay={"pcmk_delay_max": "5s"}))
    assert "fence-race" not in advisory_codes(
        fence_cluster(properties={"priority-fencing-delay": "10s"}))


def test_fencing_enabled_without_a_running_device() -> None:
    assert "no-fence-device" not in advisory_codes(fence_cluster())
    assert "no-fence-device" in advisory_codes(fence_cluster(running=False))
    assert "no-fence-device" in advisory_codes(b.cluster(stonith=True))


def test_a_node_view_carries_its_fencer_history_and_a_missing_fencer_is_no_problem() -> None:
    from console.model.live.node_view import ProbeSection, Section, build_node_view

    fencing = ProbeSection.FENCING
    read = build_node_view("node-a", {fencing: Section(fencing, HISTORY.decode(), "", 0)}, 1.0)
    assert read.fence_history is not None and len(read.fence_history) == 2
    missing = Section(fencing, "", "sh: stonith_admin: not found", 127)
    view_without = build_node_view("node-a", {fencing: missing}, 1.0)
    assert view_without.fence_history is None
    assert "stonith_admin" not in (view_without.stack_error or "")
