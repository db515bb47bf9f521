"""`hacon status` on a live cluster at the worst moments: each side, the doubt, fencing."""

from __future__ import annotations

from dataclasses import replace

from console.commands.status_live import render_live
from console.model.live.fencing import parse_fence_history
from console.model.live.verdict import build_live_snapshot
from tests.support.live_views import view
from tests.model.test_fencing import HISTORY, fence_cluster
from tests.model.test_partitions import SEEN, cut_holder, fenced_node_a, standby_dc_cut


def test_a_cut_between_a_standby_dc_and_its_peer_shows_both_sides() -> None:
    views, cibs = standby_dc_cut()
    text = render_live(build_live_snapshot(views, cibs, 1.0), color=False, now=1.0)
    assert "Live: partitioned; cluster as node-b sees it" in text
    assert ("{node-a}  DC node-a  quorate  runs NOTHING  ClusterIP bound on no member"
            in text)
    assert ("{node-b}  DC node-b  quorate  runs ClusterIP on node-b; OSIPS on node-b  "
            "ClusterIP bound on node-b") in text
    assert "NOT RUNNING" not in text


def test_the_cut_holder_is_stated_as_doubt_in_words_first() -> None:
    text = render_live(cut_holder(), color=False, now=SEEN + 21)
    first = text.splitlines()[0]
    assert first.startswith("DOUBT: node-a unreachable since ")
    assert first.endswith("; it held 192.168.122.100 then; with fencing off it may still hold "
                          "it: split brain cannot be ruled out")
    assert "Live: uncertain; cluster as node-b sees it" in text
    assert "Fencing OFF (stonith-enabled=false)" in text


def test_a_fencing_since_resolves_the_doubt_and_the_node_row_says_who_fenced_it() -> None:
    live = cut_holder(fencing=(fenced_node_a("2026-12-06 12:01:10Z"),), stonith=True)
    lines = render_live(live, color=False, now=SEEN + 21).splitlines()
    assert lines[0].startswith("RESOLVED: node-a unreachable since ")
    assert "; fenced by node-b at " in lines[0] and lines[0].endswith(": it no longer holds it")
    node_a = next(line for line in lines if line.startswith("  node-a "))
    assert "UNREACHABLE" in node_a and "fenced by node-b at " in node_a
    assert "  reboot of node-a by node-b: success at 2026-12-06 12:01:10Z" in lines


def test_fencing_devices_and_a_failed_then_superseded_fencing() -> None:
    cluster = fence_cluster()
    events = parse_fence_history(HISTORY)
    views = {name: replace(view(name), fence_history=events) for name in ("node-a", "node-b")}
    text = render_live(build_live_snapshot(views, {"node-a": cluster, "node-b": cluster}, 1.0),
                       color=False, now=1.0)
    assert "Fencing enabled\n  device fence-lab (stonith:fence_lab) Started on node-a" in text
    assert ("  reboot of node-b by node-a: failed at 2026-12-06 08:09:20Z "
            "(fence_lab: switch unreachable) (superseded by a later success)") in text
    assert "FAILED" not in text


def test_a_failed_fencing_nothing_replaced_is_flagged() -> None:
    cluster = fence_cluster()
    failed = parse_fence_history(HISTORY)[:1]
    views = {name: replace(view(name), fence_history=failed) for name in ("node-a", "node-b")}
    text = render_live(build_live_snapshot(views, {"node-a": cluster, "node-b": cluster}, 1.0),
                       color=False, now=1.0)
    assert "  FAILED reboot of node-b by node-a: failed at 2026-12-06 08:09:20Z" in text
