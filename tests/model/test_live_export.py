"""The `live` object of `hacon status --json`: what scripts read about every node's view."""

from __future__ import annotations

import json

from console.model.live.export import live_status_document
from console.model.live.verdict import build_live_snapshot
from tests.support.live_views import VIP_IP, cluster_snapshot, unreachable, view
from tests.support.status_schema import assert_conforms


def test_live_object_for_a_split_brain_with_an_unreachable_third_node() -> None:
    views = {"node-a": view("node-a", online=["node-a"], dc="node-a", bound=[VIP_IP]),
             "node-b": view("node-b", online=["node-b"], dc="node-b", bound=[VIP_IP]),
             "node-c": unreachable("node-c", "connection refused (is sshd running?)",
                                   last=view("node-c", fetched_at=3.0))}
    cibs = {"node-a": cluster_snapshot(online=["node-a"], vip_on=["node-a"], dc="node-a"),
            "node-b": cluster_snapshot(online=["node-b"], vip_on=["node-b"], dc="node-b")}
    document = assert_conforms(live_status_document(build_live_snapshot(views, cibs, now=200.0)))
    json.dumps(document)  # serialisable as is
    live = document["live"]
    assert document["schema_version"] == 1 and document["cluster"]["dc"] == "node-a"
    assert live["split_brain"] is True and live["verdict"] == "split_brain"
    assert live["reached"] == ["node-a", "node-b"]
    assert live["unreachable"] == {"node-c": "connection refused (is sshd running?)"}
    assert live["vip_bound"] == {"ClusterIP": ["node-a", "node-b"]}
    a = live["views"]["node-a"]
    assert (a["dc"], a["quorate"], a["online"], a["cib_version"]) == (
        "node-a", True, ["node-a"], "0.9.14")
    assert a["vip_interfaces"] == {"ClusterIP": ["eth0"]}
    c = live["views"]["node-c"]
    assert c["reachable"] is False and c["fetched_at"] == 3.0, "old data, marked as old"
    assert live["partitions"] == [["node-a"], ["node-b"]]
    assert live["vip_truth"]["ClusterIP"]["truth"] == "bound on several"


def test_no_node_answered_still_gives_a_document() -> None:
    document = assert_conforms(live_status_document(build_live_snapshot(
        {"node-a": unreachable("node-a", "host key changed")}, {}, now=1.0)))
    assert document == {"schema_version": 1, "live": document["live"]}
    assert document["live"]["reached"] == [] and document["live"]["verdict"] == "unknown"
    assert document["live"]["source_node"] is None
