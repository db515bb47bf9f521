"""The oracle reads crm_mon's XML into the contract's shape (so a wrong reading cannot hide)."""

from __future__ import annotations

from tests.oracle import compare, reference_document, star_fields

CRM_MON = b"""<pacemaker-result api-version="2.25" request="crm_mon -1 --output-as=xml">
  <summary>
    <current_dc present="true" name="node-a" id="1" with_quorum="true"/>
    <cluster_options stonith-enabled="true" maintenance-mode="false"/>
  </summary>
  <nodes>
    <node name="node-b" id="2" online="false" standby="true" standby_onfail="false"
          maintenance="false" pending="false" unclean="false" shutdown="false"
          expected_up="false" is_dc="false" resources_running="0" type="member"/>
    <node name="node-a" id="1" online="true" standby="false" standby_onfail="false"
          maintenance="false" pending="false" unclean="false" shutdown="false"
          expected_up="true" is_dc="true" resources_running="3" type="member"/>
  </nodes>
  <resources>
    <group id="g" number_resources="2" managed="true" disabled="false">
      <resource id="vip" resource_agent="ocf:heartbeat:IPaddr2" role="Started" active="true"
                orphaned="false" blocked="false" managed="true" failed="false"
                failure_ignored="false" nodes_running_on="1"><node name="node-a" id="1"
                cached="true"/></resource>
      <resource id="sip" resource_agent="systemd:opensips" role="Stopped" active="false"
                orphaned="false" blocked="false" managed="true" failed="false"
                failure_ignored="false" nodes_running_on="0"/>
    </group>
    <clone id="ms" multi_state="true" unique="false" managed="true" disabled="false"
           failed="false" failure_ignored="false">
      <resource id="db" resource_agent="ocf:pacemaker:Stateful" role="Promoted" active="true"
                orphaned="false" blocked="false" managed="true" failed="false"
                failure_ignored="false" nodes_running_on="1"><node name="node-a" id="1"
                cached="true"/></resource>
      <resource id="db" resource_agent="ocf:pacemaker:Stateful" role="Stopped" active="false"
                orphaned="false" blocked="false" managed="true" failed="true"
                failure_ignored="false" nodes_running_on="0"/>
    </clone>
  </resources>
  <node_history>
    <node name="node-a"><resource_history id="db" orphan="false" migration-threshold="3"
          fail-count="2"/></node>
  </node_history>
  <failures>
    <failure op_key="db:1_monitor_10000" node="node-a" exitstatus="not running"
             exitreason="" exitcode="7" call="9" status="complete" interval="10000"
             task="monitor"/>
  </failures>
  <bans>
    <ban id="cli-ban-vip-on-node-b" resource="vip" node="node-b" weight="-1000000"
         promoted-only="false"/>
  </bans>
  <status code="0" message="OK"/>
</pacemaker-result>"""

CIB = b"""<cib><configuration><resources><group id="g">
  <primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
    <instance_attributes id="vip-ia"><nvpair id="vip-ip" name="ip" value="192.0.2.10"/>
    </instance_attributes></primitive></group></resources></configuration></cib>"""


def reference() -> dict:  # type: ignore[type-arg]
    document = reference_document(CRM_MON, CIB)
    assert document is not None
    return document


def test_cluster_and_nodes() -> None:
    document = reference()
    cluster = document["cluster"]
    assert (cluster["dc"], cluster["have_quorum"]) == ("node-a", True)
    assert (cluster["stonith_enabled"], cluster["maintenance_mode"]) == (True, False)
    assert list(document["nodes"]) == ["node-a", "node-b"]
    assert document["nodes"]["node-b"]["state"] == "offline"
    assert document["nodes"]["node-b"]["standby"] is True


def test_group_and_clone_aggregate_by_configured_id() -> None:
    resources = reference()["resources"]
    assert resources["g"]["role"] == "Partial" and resources["g"]["children"] == ["vip", "sip"]
    assert resources["vip"]["parent"] == "g"
    assert resources["db"]["role"] == "Promoted" and resources["db"]["failed"] is True
    assert resources["ms"]["kind"] == "promotable_clone"
    assert resources["ms"]["promoted_on"] == ["node-a"] and resources["ms"]["failed"] is True


def test_vips_failures_failcounts_bans() -> None:
    document = reference()
    assert document["vips"]["vip"]["ip"] == "192.0.2.10"
    assert document["vips"]["vip"]["holder_nodes"] == ["node-a"]
    failure = document["failures"][0]
    assert (failure["resource"], failure["task"], failure["interval_ms"], failure["rc"]) == (
        "db", "monitor", 10000, 7)
    assert document["failcounts"] == {"db": {"node-a": 2}}
    assert document["bans"][0]["score"] == -1000000


def test_unreadable_cib_gives_no_reference() -> None:
    failed = b'<pacemaker-result api-version="2.25"><status code="103" message="x"/>' \
             b"</pacemaker-result>"
    assert reference_document(failed) is None


def test_compare_names_the_differing_field() -> None:
    theirs = reference()
    ours = reference()
    ours["resources"]["vip"]["active_on"] = []
    del ours["nodes"]["node-b"]
    differences = compare(ours, theirs)
    assert any(line.startswith("resources.vip.active_on:") for line in differences)
    assert any(line.startswith("nodes.node-b: missing in hacon") for line in differences)
    assert compare(theirs, reference()) == []
    assert "constraints" not in star_fields(theirs)
