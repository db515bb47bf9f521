"""clusters.toml: the clusters an operator watches, read from the XDG config dir.

Example (``~/.config/hacon/clusters.toml``)::

    default = "sip"                      # what `hacon` / `hacon status` open without options

    [clusters.sip]
    nodes = ["node-a", "node-b"]         # ssh config Host aliases or host names
    jump = "bastion.example.net"         # optional, like `ssh -J` (comma-separated chain)
    user = "root"                        # optional, overrides the ssh config's User
    ssh_config = "~/.ssh/cluster.conf"   # optional, one path or a list; relative to this file
    service = "opensips"                 # optional: systemd unit colocated with the VIP
    # service_process = "opensips"       # or: a process name (`pgrep -x`) where no systemd runs
    # read_only = true                   # optional: offer no action (as `hacon --read-only`)

    [notify]                             # optional: run a command when a verdict or VIP holder
    command = ["/usr/local/bin/page", "--team", "sip"]   # changes (argv, never a shell string;
    debounce = 5                         # the JSON event on stdin); a change must hold this
    timeout = 10                         # long (s) to be told; the command may run this long

Parsing is pure (tomllib, no network, nothing started); a mistake is a `ConfigError` whose text
names the file and the key, for the CLI to print as one line.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "hacon"
CONFIG_FILE = "clusters.toml"
_CLUSTER_KEYS = {"nodes", "jump", "user", "ssh_config", "service", "service_process",
                 "read_only"}


class ConfigError(ValueError):
    """clusters.toml cannot be used; `str(error)` is one line naming the file and the key."""


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """One cluster: how to reach its nodes and what to probe on them."""

    name: str
    nodes: tuple[str, ...]
    jump: str | None = None
    user: str | None = None
    ssh_config: tuple[str, ...] = ()
    service: str | None = None
    """A systemd unit to probe with `systemctl is-active`."""
    service_process: str | None = None
    """A process name to probe with `pgrep -x` (nodes without systemd)."""
    read_only: bool = False
    """No action that changes this cluster is offered (as `hacon --read-only`)."""


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    """`[notify]`: the command told about verdict and VIP holder changes."""

    command: tuple[str, ...]
    """argv of the command; the event is written to its stdin as one JSON object."""
    debounce: float = 5.0
    """Seconds a change must hold before the command is run (a failover passes through
    "stopped" on its way; only where it settles is reported)."""
    timeout: float = 10.0
    """Seconds the command may run before it is killed and reported as failed."""


@dataclass(frozen=True, slots=True)
class ConsoleConfig:
    """Every configured cluster and the default one."""

    clusters: Mapping[str, ClusterConfig] = field(default_factory=dict)
    default: str | None = None
    source: str = CONFIG_FILE
    notify: NotifyConfig | None = None

    def cluster(self, name: str | None = None) -> ClusterConfig:
        """The cluster called `name`, or the default one.

        Raises:
            ConfigError: no such cluster, or no name and no usable default.
        """
        wanted = name or self.default or (next(iter(self.clusters)) if len(self.clusters) == 1
                                          else None)
        if wanted is None:
            known = ", ".join(sorted(self.clusters)) or "none"
            raise ConfigError(f"{self.source}: no default cluster (set `default = \"NAME\"`); "
                              f"clusters: {known}")
        if wanted not in self.clusters:
            known = ", ".join(sorted(self.clusters)) or "none"
            raise ConfigError(f"{self.source}: no cluster named {wanted!r} (clusters: {known})")
        return self.clusters[wanted]


def config_path() -> Path:
    """Where clusters.toml lives: $XDG_CONFIG_HOME/hacon/clusters.toml (platformdirs)."""
    return platformdirs.user_config_path(APP_NAME) / CONFIG_FILE


def load_config(path: Path | None = None) -> ConsoleConfig:
    """Read clusters.toml; a missing file is an empty configuration, not an error.

    Raises:
        ConfigError: unreadable file, TOML syntax error, or a wrong key/value.
    """
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ConsoleConfig(source=str(path))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    return parse_config(text, source=str(path), base_dir=path.parent)


def parse_config(text: str, *, source: str = CONFIG_FILE,
                 base_dir: Path | None = None) -> ConsoleConfig:
    """Parse clusters.toml text; relative ssh_config paths are taken from `base_dir`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML: {error}") from None
    except RecursionError:  # tomllib recurses once per level of nested arrays or tables
        raise ConfigError(f"{source}: arrays or tables nested too deeply") from None
    unknown = set(data) - {"default", "clusters", "notify"}
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}")
    tables = data.get("clusters", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{source}: `clusters` must be a table of [clusters.NAME] tables")
    clusters = {name: _cluster(name, table, source, base_dir) for name, table in tables.items()}
    default = data.get("default")
    if default is not None and (not isinstance(default, str) or default not in clusters):
        raise ConfigError(f"{source}: default = {default!r} names no [clusters.*] table")
    notify = _notify(data["notify"], source) if "notify" in data else None
    return ConsoleConfig(clusters=clusters, default=default, source=source, notify=notify)


def _notify(table: Any, source: str) -> NotifyConfig:
    where = f"{source}: [notify]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = set(table) - {"command", "debounce", "timeout"}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    command = table.get("command")
    if (not isinstance(command, list) or not command
            or not all(isinstance(part, str) and part for part in command)):
        raise ConfigError(f"{where}: `command` must be a non-empty list of strings (argv, "
                          "never one shell string)")
    return NotifyConfig(tuple(command), _seconds(table.get("debounce", 5.0), f"{where} debounce"),
                        _seconds(table.get("timeout", 10.0), f"{where} timeout", positive=True))


def _seconds(value: Any, where: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (
            positive and value == 0):
        raise ConfigError(f"{where}: must be a number of seconds")
    return float(value)


def _cluster(name: str, table: Any, source: str, base_dir: Path | None) -> ClusterConfig:
    where = f"{source}: [clusters.{name}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = set(table) - _CLUSTER_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    nodes = table.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        raise ConfigError(f"{where}: `nodes` must be a non-empty list of node names")
    if table.get("service") and table.get("service_process"):
        raise ConfigError(f"{where}: set `service` or `service_process`, not both")
    return ClusterConfig(
        name=name,
        nodes=tuple(_name(node, f"{where} nodes") for node in nodes),
        jump=_optional_name(table.get("jump"), f"{where} jump"),
        user=_optional_name(table.get("user"), f"{where} user"),
        ssh_config=_paths(table.get("ssh_config"), f"{where} ssh_config", base_dir),
        service=_optional_name(table.get("service"), f"{where} service"),
        service_process=_optional_name(table.get("service_process"),
                                       f"{where} service_process"),
        read_only=_flag(table.get("read_only", False), f"{where} read_only"),
    )


def _name(value: Any, where: str) -> str:
    """A host, user or unit name: one printable word that cannot pass for an option."""
    if (not isinstance(value, str) or not value or value.startswith("-")
            or any(char.isspace() or not char.isprintable() for char in value)):
        raise ConfigError(f"{where}: {value!r} is not a usable name")
    return value


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: must be true or false")
    return value


def _optional_name(value: Any, where: str) -> str | None:
    return None if value is None else _name(value, where)


def _paths(value: Any, where: str, base_dir: Path | None) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value if value is not None else []
    if not isinstance(items, list) or not all(isinstance(item, str) and item for item in items):
        raise ConfigError(f"{where}: must be a path or a list of paths")
    resolved = []
    for item in items:
        path = Path(os.path.expanduser(item))
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        resolved.append(str(path))
    return tuple(resolved)
