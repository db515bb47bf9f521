"""The JSON Schema of `hacon status --json` ships in the package and catches a broken document."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from console.commands.sources import sample_cib
from console.model.export import status_document, status_schema_text
from console.model.snapshot import parse_cib
from tests.hacon_process import hacon
from tests.support.status_schema import schema_errors


@pytest.fixture(scope="module")
def sample_document() -> dict[str, Any]:
    return status_document(parse_cib(sample_cib()))


def test_json_schema_option_prints_the_shipped_schema() -> None:
    result = hacon("status", "--json-schema")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(status_schema_text())
    assert json.loads(result.stdout)["$schema"].endswith("2020-12/schema")


def test_the_sample_conforms(sample_document: dict[str, Any]) -> None:
    assert schema_errors(sample_document) == []


@pytest.mark.parametrize(("path", "value"), [
    (("cluster", "dc"), 1),
    (("nodes", "node-a", "online"), "yes"),
    (("nodes", "node-a", "state"), "asleep"),
    (("resources", "ClusterIP", "active_on"), "node-a"),
    (("vips", "ClusterIP", "holder_nodes"), None),
    (("failcounts",), {"OSIPS": {"node-a": 10**7}}),
    (("schema_version",), 2),
])
def test_a_wrong_type_or_value_is_caught(sample_document: dict[str, Any], path: tuple[str, ...],
                                         value: object) -> None:
    document = copy.deepcopy(sample_document)
    *parents, last = path
    target = document
    for key in parents:
        target = target[key]
    target[last] = value
    assert schema_errors(document) != [], f"{'/'.join(path)} = {value!r} passed the schema"


@pytest.mark.parametrize("path", [
    ("nodes", "node-a", "unclean"), ("resources", "OSIPS", "managed"), ("bans",),
    ("cluster", "stonith_enabled"), ("constraints", "location"),
])
def test_a_missing_required_key_is_caught(sample_document: dict[str, Any],
                                          path: tuple[str, ...]) -> None:
    document = copy.deepcopy(sample_document)
    *parents, last = path
    target = document
    for key in parents:
        target = target[key]
    del target[last]
    assert schema_errors(document) != [], f"without {'/'.join(path)} the document passed"


def test_a_live_document_may_carry_more_than_the_schema_names(
        sample_document: dict[str, Any]) -> None:
    live = {"verdict": "consistent", "split_brain": False, "source_node": "node-a",
            "reached": ["node-a"], "unreachable": {}, "views": {}, "partitions": [["node-a"]],
            "vip_bound": {}, "vip_truth": {}, "fetched_at": 1.0, "built_at": 1.0,
            "partition_views": [], "client_view": {}}
    assert schema_errors({**sample_document, "live": live}) == []
    assert schema_errors({"schema_version": 1, "live": live}) == []
    assert schema_errors({"schema_version": 1, "live": {**live, "views": {"a": {}}}}) != []
