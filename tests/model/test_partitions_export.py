"""`hacon status --json`: each partition, the doubt, the last facts and fencing, for scripts."""

from __future__ import annotations

import json

from console.model.live.export import live_status_document
from tests.support.status_schema import assert_conforms
from tests.model.test_fencing import HISTORY, fence_cluster
from tests.model.test_partitions import cut_holder, standby_dc_cut
from console.model.live.fencing import parse_fence_history
from console.model.live.verdict import build_live_snapshot


def test_partition_views_show_the_idle_side_and_the_serving_side() -> None:
    views, cibs = standby_dc_cut()
    live = json.loads(json.dumps(assert_conforms(live_status_document(build_live_snapshot(views, cibs, 1.0)))))
    assert live["live"]["partition_views"] == [
        {"members": ["node-a"], "dc": "node-a", "quorate": True, "running": {},
         "vip_holders": {"ClusterIP": []}, "vip_bound": {"ClusterIP": []},
         "reporters": ["node-a"], "source_node": "node-a"},
        {"members": ["node-b"], "dc": "node-b", "quorate": True,
         "running": {"ClusterIP": ["node-b"], "OSIPS": ["node-b"]},
         "vip_holders": {"ClusterIP": ["node-b"]}, "vip_bound": {"ClusterIP": ["node-b"]},
         "reporters": ["node-b"], "source_node": "node-b"},
    ]
    assert live["live"]["verdict"] == "partitioned" and live["live"]["vip_may_be_on"] == {}


def test_the_cut_holder_is_uncertain_with_what_it_held_when_last_seen() -> None:
    document = assert_conforms(live_status_document(cut_holder()))
    live = document["live"]
    assert live["verdict"] == "uncertain"
    assert live["vip_may_be_on"] == {"ClusterIP": ["node-a"]}
    seen = live["last_seen"]["node-a"]
    assert seen["vips_held"] == ["ClusterIP"] and seen["running"] == ["ClusterIP", "OSIPS"]
    assert seen["fenced_by"] is None and seen["quorate"] is True
    assert document["fencing"]["enabled"] is False


def test_fencing_lists_devices_and_the_merged_history_with_superseded_failures() -> None:
    from dataclasses import replace

    from tests.support.live_views import view

    cluster = fence_cluster()
    events = parse_fence_history(HISTORY)
    views = {"node-a": replace(view("node-a"), fence_history=events),
             "node-b": replace(view("node-b"), fence_history=events[1:])}
    fencing = assert_conforms(live_status_document(build_live_snapshot(
        views, {"node-a": cluster, "node-b": cluster}, 1.0)))["fencing"]
    assert fencing["enabled"] is True and fencing["history_from"] == ["node-a", "node-b"]
    assert fencing["devices"] == [{"id": "fence-lab", "agent": "stonith:fence_lab",
                                   "role": "Started", "active_on": ["node-a"]}]
    failed, success = fencing["history"]
    assert failed["status"] == "failed" and failed["superseded"] is True
    assert success == {"target": "node-b", "action": "reboot", "origin": "node-a",
                       "delegate": "node-a", "client": "pacemaker-controld.51",
                       "status": "success", "completed": "2026-12-06 08:09:34Z",
                       "exit_reason": None, "superseded": False}
