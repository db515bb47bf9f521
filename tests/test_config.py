"""clusters.toml: clusters, the default one, paths, and one-line errors for mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.config import ConfigError, config_path, load_config, parse_config

EXAMPLE = """
default = "sip"

[clusters.sip]
nodes = ["node-a", "node-b"]
jump = "root@bastion.example.net:2222"
user = "hacluster"
ssh_config = "cluster.conf"
service = "opensips"

[clusters.lab]
nodes = ["10.213.47.11", "10.213.47.12", "10.213.47.13"]
ssh_config = ["~/lab/ssh/config", "/etc/hacon/ssh.conf"]
service_process = "fake-opensips"
"""


def test_clusters_and_the_default(tmp_path: Path) -> None:
    config = parse_config(EXAMPLE, source="clusters.toml", base_dir=tmp_path)
    sip = config.cluster()
    assert sip.name == "sip" and sip.nodes == ("node-a", "node-b")
    assert sip.jump == "root@bastion.example.net:2222" and sip.user == "hacluster"
    assert sip.ssh_config == (str(tmp_path / "cluster.conf"),), "relative to the config file"
    assert sip.service == "opensips" and sip.service_process is None
    lab = config.cluster("lab")
    assert lab.nodes == ("10.213.47.11", "10.213.47.12", "10.213.47.13")
    assert lab.ssh_config == (str(Path.home() / "lab/ssh/config"), "/etc/hacon/ssh.conf")
    assert lab.service_process == "fake-opensips" and lab.jump is None


def test_the_only_cluster_is_the_default() -> None:
    config = parse_config('[clusters.one]\nnodes = ["a"]\n')
    assert config.cluster().name == "one"


def test_file_in_the_xdg_config_dir_is_read() -> None:
    # tests/conftest.py points XDG_CONFIG_HOME into the test's own home
    path = config_path()
    assert path.name == "clusters.toml" and path.parent.name == "hacon"
    assert load_config().clusters == {}, "no file: no clusters, not an error"
    path.parent.mkdir(parents=True)
    path.write_text(EXAMPLE)
    assert load_config().cluster("lab").service_process == "fake-opensips"


@pytest.mark.parametrize(("text", "message"), [
    ("default = [", "not valid TOML"),
    ('colour = "red"', "unknown key(s) colour"),
    ('[clusters.x]\nnodes = []', "`nodes` must be a non-empty list"),
    ('[clusters.x]\nnodes = ["a"]\nport = 22', "unknown key(s) port"),
    ('[clusters.x]\nnodes = ["-oProxyCommand=sh"]', "is not a usable name"),
    ('[clusters.x]\nnodes = ["a b"]', "is not a usable name"),
    ('[clusters.x]\nnodes = ["a\\u001b[31m"]', "is not a usable name"),
    ('[clusters.x]\nnodes = ["a"]\nservice = "s"\nservice_process = "p"', "not both"),
    ('default = "y"\n[clusters.x]\nnodes = ["a"]', "names no [clusters.*] table"),
    ('[clusters.x]\nnodes = ["a"]\nssh_config = 3', "must be a path or a list of paths"),
])
def test_mistakes_are_one_line_errors_naming_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="/home/op/.config/hacon/clusters.toml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("/home/op/.config/hacon/clusters.toml")
    assert "\n" not in str(caught.value)


def test_unknown_cluster_or_no_default_lists_what_exists() -> None:
    config = parse_config('[clusters.a]\nnodes = ["x"]\n[clusters.b]\nnodes = ["y"]\n')
    with pytest.raises(ConfigError, match="no default cluster.*clusters: a, b"):
        config.cluster()
    with pytest.raises(ConfigError, match="no cluster named 'c' \\(clusters: a, b\\)"):
        config.cluster("c")


def test_an_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(path)


@pytest.mark.parametrize("nesting", ["x = " + "[" * 5000 + "]" * 5000,
                                     "x = " + "{a = " * 3000 + "1" + "}" * 3000],
                         ids=["arrays", "tables"])
def test_absurdly_nested_toml_is_a_one_line_error_with_exit_2(
        nesting: str, capsys: pytest.CaptureFixture[str]) -> None:
    from console.cli import main

    with pytest.raises(ConfigError, match="nested too deeply"):
        parse_config(nesting)
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nesting)
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hacon: ") and "nested too deeply" in err and err.count("\n") == 1
