"""The fleet's rows (overview, `status --all`) and their Prometheus text, from captured lab states."""

from __future__ import annotations

from dataclasses import replace

from prometheus_client.parser import text_string_to_metric_families

from console.model.fleet.check import CheckState
from console.model.fleet.prometheus import exposition
from console.model.fleet.rows import RowCache, cluster_row, fleet_rows, vip_text
from tests.support.lab_live import NOW, lab_live


def fleet() -> dict[str, object]:
    return {"ams": lab_live("healthy-2node"), "fra": lab_live("standby-node-a"),
            "lon": lab_live("split-brain"), "par": None,
            "ber": lab_live("healthy-2node", unreachable=("node-a", "node-b"))}


def test_rows_come_worst_first_critical_unknown_warning_ok() -> None:
    rows = fleet_rows(fleet(), NOW)  # type: ignore[arg-type]
    assert [(row.name, row.state) for row in rows] == [
        ("lon", CheckState.CRITICAL), ("ber", CheckState.UNKNOWN), ("par", CheckState.UNKNOWN),
        ("fra", CheckState.WARNING), ("ams", CheckState.OK)]
    assert [row.verdict for row in rows] == ["split_brain", "unreachable", "connecting",
                                             "consistent", "consistent"]


def test_a_row_has_vips_with_holder_and_kernel_truth_nodes_and_leftovers() -> None:
    standby = cluster_row("fra", lab_live("standby-node-a"), NOW)
    assert (standby.nodes_up, standby.nodes_total) == (2, 2)
    assert standby.leftovers == ("node-a standby",)
    assert vip_text(standby.vips[0]) == "ClusterIP node-b"
    split = cluster_row("lon", lab_live("split-brain"), NOW)
    assert vip_text(split.vips[0]) == "ClusterIP node-b (kernel: node-a,node-b)"
    ban = cluster_row("x", lab_live("cli-ban"), NOW)
    assert ban.leftovers == ("cli-ban-ClusterIP-on-node-a",)
    assert cluster_row("x", lab_live("healthy-2node", fetched_at=NOW - 7), NOW).data_age == 7


def test_the_prometheus_file_parses_with_the_reference_parser_and_carries_the_facts() -> None:
    rows = fleet_rows(fleet(), NOW)  # type: ignore[arg-type]
    rows.append(replace(rows[-1], name='odd "name"\\ with\nnewline'))
    families = {family.name: family
                for family in text_string_to_metric_families(exposition(rows, NOW))}
    for family in families.values():
        assert family.type == "gauge" and family.documentation
    def value(name: str, **labels: str) -> float:
        (sample,) = [s for s in families[name].samples
                     if all(s.labels.get(k) == v for k, v in labels.items())]
        return sample.value
    assert value("hacon_cluster_state", cluster="lon") == 2
    assert value("hacon_cluster_split_brain", cluster="lon") == 1
    assert value("hacon_cluster_verdict", cluster="ber", verdict="unreachable") == 1
    assert value("hacon_vip_holder", cluster="fra", vip="ClusterIP", node="node-b") == 1
    assert {s.labels["node"] for s in families["hacon_vip_bound"].samples
            if s.labels["cluster"] == "lon"} == {"node-a", "node-b"}
    assert value("hacon_vip_kernel_agrees", cluster="lon", vip="ClusterIP") == 0
    assert value("hacon_leftovers", cluster="fra") == 1
    assert value("hacon_nodes_online", cluster='odd "name"\\ with\nnewline') == 2
    assert value("hacon_data_age_seconds", cluster="ams") == 1
    assert value("hacon_last_update_timestamp_seconds") == NOW


def test_the_row_cache_judges_a_snapshot_once_and_still_follows_age_and_staleness() -> None:
    cache = RowCache()
    live = lab_live("healthy-2node", fetched_at=NOW - 1)
    first = cache.rows({"ams": live}, NOW)[0]
    later = cache.rows({"ams": live}, NOW + 5)[0]
    assert later.data_age == 6 and later.summary is first.summary  # not judged again
    old = cache.rows({"ams": live}, NOW + 100)[0]
    assert old.state is CheckState.WARNING and "data age" in old.summary
    fresh = cache.rows({"ams": lab_live("split-brain")}, NOW)[0]
    assert fresh.state is CheckState.CRITICAL
