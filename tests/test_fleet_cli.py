"""`hacon status --all` and `hacon check` as processes, on three demo clusters over real SSH."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from console.demo.fleet import running_demo_fleet
from tests.support.paths import REPO_ROOT


async def hacon(*argv: str) -> tuple[int, str, str]:
    """The real entry point in a child process (the demo servers run in this test's loop)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "console", *argv, cwd=REPO_ROOT, env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


@pytest.fixture
async def three_clusters() -> AsyncIterator[list[str]]:
    """sip-ams healthy, sip-fra with a node left in standby, sip-lon in split brain, all in
    clusters.toml."""
    async with running_demo_fleet(3) as runtimes:
        home = Path(os.environ["XDG_CONFIG_HOME"]) / "hacon"
        home.mkdir(parents=True, exist_ok=True)
        tables = [f'[clusters.{name}]\nnodes = {list(runtime.cluster.node_names)!r}\n'
                  f'ssh_config = "{runtime.config_dir / "config"}"\n'
                  f'service_process = "opensips"\n'
                  for name, runtime in runtimes.items()]
        (home / "clusters.toml").write_text("\n".join(tables).replace("'", '"'))
        yield list(runtimes)


async def test_status_all_prints_one_row_per_cluster_worst_first(three_clusters) -> None:
    status, out, err = await hacon("status", "--all")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["STATE", "CLUSTER", "VERDICT"]
    assert [line.split()[:3] for line in lines[1:4]] == [
        ["CRITICAL", "sip-lon", "split_brain"], ["WARNING", "sip-fra", "consistent"],
        ["OK", "sip-ams", "consistent"]]
    assert "node-b standby" in lines[2] and "2/2" in lines[3]
    assert any(line.startswith("sip-lon: split brain") for line in lines)


async def test_status_all_json_and_an_atomic_prometheus_file(three_clusters,
                                                             tmp_path: Path) -> None:
    target = tmp_path / "textfile" / "hacon.prom"
    target.parent.mkdir()
    status, out, err = await hacon("status", "--all", "--json", "--prometheus", str(target))
    assert status == 0, err
    clusters = json.loads(out)["clusters"]
    assert [c["name"] for c in clusters] == ["sip-lon", "sip-fra", "sip-ams"]
    assert clusters[0]["vips"][0]["bound_on"] == ["node-a", "node-b"]
    assert clusters[0]["live"]["split_brain"] is True
    families = {f.name: f for f in text_string_to_metric_families(target.read_text())}
    states = {s.labels["cluster"]: s.value for s in families["hacon_cluster_state"].samples}
    assert states == {"sip-lon": 2, "sip-fra": 1, "sip-ams": 0}
    assert [p.name for p in target.parent.iterdir()] == ["hacon.prom"], "no temporary file left"


async def test_an_unwritable_prometheus_file_is_one_line_and_exit_2(three_clusters,
                                                                   tmp_path: Path) -> None:
    status, _, err = await hacon("status", "--all", "--prometheus",
                                 str(tmp_path / "missing" / "x.prom"))
    # (the last line: asyncssh's import may still warn on stderr before it)
    assert status == 2 and err.splitlines()[-1].startswith("hacon: cannot write ")


@pytest.mark.parametrize(("cluster", "code", "word"), [
    ("sip-ams", 0, "OK"), ("sip-fra", 1, "WARNING"), ("sip-lon", 2, "CRITICAL")])
async def test_check_by_cluster_name(three_clusters, cluster: str, code: int,
                                     word: str) -> None:
    status, out, err = await hacon("check", "--cluster", cluster)
    assert status == code, out + err
    assert out.startswith(f"HACON {word} - {cluster}: ") and " | nodes_online=" in out


async def test_check_with_bad_options_is_unknown_not_critical() -> None:
    status, out, _ = await hacon("check", "--warning-away", "many")
    assert status == 3 and out.startswith("HACON UNKNOWN - bad options")


async def test_check_with_an_unknown_option_is_unknown_too() -> None:
    status, out, _ = await hacon("check", "--cluster", "x", "--bogus")
    assert status == 3 and out.startswith("HACON UNKNOWN - bad options: unrecognized arguments")


TWO = '[clusters.a]\nnodes = ["n1"]\n[clusters.b]\nnodes = ["n2"]\n'
ONE = '[clusters.a]\nnodes = ["n1"]\n'


@pytest.mark.parametrize(("argv", "toml", "expected"), [
    ([], TWO, "overview a,b"),
    ([], 'default = "a"\n' + TWO, "overview a,b"),
    (["--all"], ONE, "overview a"),
    ([], ONE, "console n1"),
    (["--cluster", "b"], TWO, "console n2"),
])
def test_hacon_alone_opens_the_overview_when_clusters_toml_lists_several(
        monkeypatch: pytest.MonkeyPatch, argv: list[str], toml: str, expected: str) -> None:
    from console import cli
    from console.commands import fleet_console, tui

    home = Path(os.environ["XDG_CONFIG_HOME"]) / "hacon"
    home.mkdir(parents=True)
    (home / "clusters.toml").write_text(toml)
    opened: list[str] = []
    monkeypatch.setattr(fleet_console, "run_fleet", lambda config, **_: opened.append(
        "overview " + ",".join(config.clusters)) or 0)
    monkeypatch.setattr(tui, "_run_live", lambda args, target, **_: opened.append(
        "console " + ",".join(target.nodes)) or 0)
    assert cli.main(argv) == 0
    assert opened == [expected]
