"""Pure presentation: the words and the tree the console shows."""

from __future__ import annotations

from dataclasses import replace

from console.model.cluster import ResourceKind
from console.presentation.banner import alert_lines, source_text, vip_lines
from console.presentation.rows import age_text, node_rows, resource_rows
from tests.support import snapshots as b


def test_group_members_are_drawn_as_a_tree() -> None:
    base = b.cluster()
    group = replace(b.primitive("g-sip", "", ()), kind=ResourceKind.GROUP, agent=None,
                    children=("ClusterIP", "OSIPS"), role="Started", active_on=("node-a",))
    members = {rid: replace(r, parent="g-sip") for rid, r in base.resources.items()}
    rows = resource_rows(replace(base, resources={"g-sip": group, **members}))
    assert [cells[0].text for _, cells in rows] == ["g-sip", "├ ClusterIP", "└ OSIPS"]
    assert rows[0][1][6].text == "group"


def test_vip_line_names_address_holder_and_kernel_truth() -> None:
    [line] = vip_lines(b.live())
    text = "".join(cell.text for cell in line.text)
    assert text == "VIP 192.168.122.100/24 ClusterIP on node-a · kernel: bound on node-a"
    assert not line.alert


def test_vip_bound_twice_is_an_alert_naming_both_holders() -> None:
    [line] = vip_lines(b.live(b.cluster(vip_on=("node-a", "node-b")),
                              bound_on=("node-a", "node-b")))
    text = "".join(cell.text for cell in line.text)
    assert line.alert and "on node-a, node-b" in text and "BOUND ON SEVERAL" in text


def test_stopped_vip_says_so_in_words() -> None:
    [line] = vip_lines(b.live(b.cluster(vip_on=()), bound_on=()))
    assert line.alert and "NO NODE (stopped)" in "".join(c.text for c in line.text)


def test_file_snapshot_is_never_called_stale() -> None:
    live = b.file_live()
    assert alert_lines(live, now=live.fetched_at + 86_400, stale_after=15) == []  # type: ignore[operator]
    assert "read-only, captured" in source_text(live, "file: cib.xml", 0)


def test_stale_live_data_is_an_alert_with_its_age() -> None:
    live = b.live()
    assert alert_lines(live, now=b.FETCHED_AT + 10, stale_after=15) == []
    [line] = alert_lines(live, now=b.FETCHED_AT + 200, stale_after=15)
    assert line.alert and line.text[0].text.startswith("STALE: data is 3 min old")


def test_node_states_are_words() -> None:
    nodes = [b.node("node-a", dc=True), b.node("node-b", standby=True),
             b.node("node-c", online=False), b.node("node-d", unclean=True, online=False)]
    rows = dict(node_rows(b.live(b.cluster(nodes=nodes)), b.FETCHED_AT))
    assert [rows[n][1].text for n in ("node-a", "node-b", "node-c", "node-d")] == [
        "online", "standby", "OFFLINE", "UNCLEAN"]
    assert rows["node-a"][2].text == "DC"


def test_ages() -> None:
    assert [age_text(s) for s in (0, 4.9, 89, 90, 3600, 5400, 7500)] == [
        "0 s", "4 s", "89 s", "1 min", "60 min", "1 h 30 min", "2 h 5 min"]
