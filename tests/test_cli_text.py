"""The text of `hacon status` in the situations an operator must not misread."""

from __future__ import annotations

from lxml import etree

from console.commands.status_view import render_status
from console.model.snapshot import parse_cib
from tests.support.paths import REPO_ROOT

SAMPLE = (REPO_ROOT / "console" / "data" / "sample-cib.xml").read_bytes()


def sample_with(*edits: str) -> etree._Element:
    root = etree.fromstring(SAMPLE)
    for edit in edits:
        parent_path, xml = edit.split(" ", 1)
        parent = root.find(parent_path)
        assert parent is not None, parent_path
        parent.append(etree.fromstring(xml))
    return root


def status_text(root: etree._Element) -> str:
    return render_status(parse_cib(etree.tostring(root)))


def history(rid: str, op: str, interval: str, rc: str, call: str) -> str:
    key = f"{rid}_{op}_{interval}"
    return (
        f'<lrm_rsc_op id="{key}" operation_key="{key}" operation="{op}" interval="{interval}" '
        f'call-id="{call}" rc-code="{rc}" op-status="0" '
        f'transition-key="1:1:0:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" '
        f'transition-magic="0:{rc};1:1:0:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" '
        f'last-rc-change="1767600000" exec-time="0" queue-time="0"/>'
    )


def test_sample_reads_at_a_glance() -> None:
    lines = status_text(etree.fromstring(SAMPLE)).splitlines()
    assert lines[0] == "VIP 192.0.2.10/24 (ClusterIP) on node-a"
    assert lines[1] == "Cluster osips, DC node-a, quorum, fencing OFF, CIB 0.11.13"
    assert "Leftover move/ban constraints" not in lines and "Failures" not in lines


def test_disabled_vip_still_running_says_where_and_disabled() -> None:
    root = sample_with(
        "configuration/resources/primitive[@id='ClusterIP'] "
        '<meta_attributes id="m"><nvpair id="m1" name="target-role" value="Stopped"/>'
        "</meta_attributes>"
    )
    # Until the stop has run, the address is still up there: say so, and say it is disabled.
    first = status_text(root).splitlines()[0]
    assert first == "VIP 192.0.2.10/24 (ClusterIP) on node-a  disabled"


def test_stopped_vip_says_not_running() -> None:
    root = etree.fromstring(SAMPLE)
    entry = root.find(
        "status/node_state[@uname='node-a']/lrm/lrm_resources/lrm_resource[@id='ClusterIP']"
    )
    assert entry is not None
    entry.append(etree.fromstring(history("ClusterIP", "stop", "0", "0", "20")))
    first = status_text(root).splitlines()[0]
    assert first == "VIP 192.0.2.10/24 (ClusterIP) NOT RUNNING"


def test_vip_active_on_two_nodes_names_both() -> None:
    root = etree.fromstring(SAMPLE)
    entry = root.find(
        "status/node_state[@uname='node-b']/lrm/lrm_resources/lrm_resource[@id='ClusterIP']"
    )
    assert entry is not None
    for op in list(entry):
        entry.remove(op)
    entry.append(etree.fromstring(history("ClusterIP", "start", "0", "0", "5")))
    first = status_text(root).splitlines()[0]
    assert first.startswith("VIP 192.0.2.10/24 (ClusterIP) on 2 nodes: node-a, node-b")


def test_leftover_ban_is_listed_with_how_to_clear_it() -> None:
    root = sample_with(
        "configuration/constraints "
        '<rsc_location id="cli-ban-ClusterIP-on-node-b" rsc="ClusterIP" node="node-b" '
        'score="-INFINITY" role="Started"/>'
    )
    text = status_text(root)
    assert (
        "  cli-ban-ClusterIP-on-node-b: ClusterIP is banned from node-b "
        "(clear with: hacon clear ClusterIP)"
    ) in text.splitlines()
    assert "Other bans" not in text


def test_user_ban_is_listed_as_a_ban() -> None:
    root = sample_with(
        "configuration/constraints "
        '<rsc_location id="never-b" rsc="OSIPS" node="node-b" score="-INFINITY"/>'
    )
    lines = status_text(root).splitlines()
    index = lines.index("Other bans")
    assert lines[index + 1].split() == [
        "OSIPS",
        "not",
        "on",
        "node-b",
        "score",
        "-INFINITY",
        "never-b",
    ]


def test_failed_monitor_shows_in_resources_and_failures() -> None:
    root = etree.fromstring(SAMPLE)
    entry = root.find(
        "status/node_state[@uname='node-a']/lrm/lrm_resources/lrm_resource[@id='OSIPS']"
    )
    assert entry is not None
    monitor = entry.find("lrm_rsc_op[@operation='monitor']")
    assert monitor is not None
    entry.remove(monitor)
    entry.append(etree.fromstring(history("OSIPS", "monitor", "10000", "7", "9")))
    state = root.find("status/node_state[@uname='node-a']")
    assert state is not None
    state.append(
        etree.fromstring(
            '<transient_attributes id="1"><instance_attributes id="t">'
            '<nvpair id="t1" name="fail-count-OSIPS#monitor_10000" value="1"/>'
            "</instance_attributes></transient_attributes>"
        )
    )
    lines = status_text(root).splitlines()
    osips = next(line for line in lines if line.strip().startswith("OSIPS"))
    assert "FAILED" in osips and "failcount node-a 1" in osips
    index = lines.index("Failures")
    assert lines[index + 1].startswith(
        "  OSIPS on node-a: monitor every 10s returned 7 (not running)"
    )


def test_timed_ban_from_crm_resource_is_a_leftover_not_another_ban() -> None:
    # crm_resource --ban --lifetime writes a rule; crm_mon lists the ban under the rule's id.
    root = sample_with(
        "configuration/constraints "
        '<rsc_location id="cli-ban-OSIPS-on-node-b" rsc="OSIPS" role="Started">'
        '<rule id="cli-ban-OSIPS-on-node-b-rule" score="-INFINITY" boolean-op="and">'
        '<expression id="cli-ban-OSIPS-on-node-b-expr" attribute="#uname" operation="eq" '
        'value="node-b" type="string"/>'
        '<date_expression id="cli-ban-OSIPS-on-node-b-lifetime" operation="lt" '
        'end="2999-01-01 00:00:00 +00:00"/></rule></rsc_location>'
    )
    snapshot = parse_cib(etree.tostring(root))
    assert [ban.id for ban in snapshot.bans] == ["cli-ban-OSIPS-on-node-b-rule"]
    lines = render_status(snapshot).splitlines()
    assert (
        "  cli-ban-OSIPS-on-node-b: OSIPS is banned from node-b until 2999-01-01 00:00:00 "
        "+00:00 (clear with: hacon clear OSIPS)"  # the lifetime's end is shown
    ) in lines
    assert "Other bans" not in lines
