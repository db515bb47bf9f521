"""`hacon status --all [--json] [--prometheus FILE]`: every cluster of clusters.toml at once.

One round over every node of every cluster, all concurrently (each cluster as `hacon status`
takes it), then one row per cluster, worst first: verdict, VIPs with holder and kernel truth,
nodes up/total, failures, leftovers, data age. `--prometheus FILE` writes the same facts in the
Prometheus text format, atomically (a temporary file in the same directory, renamed over FILE),
so node_exporter's textfile collector never reads half a file.
Exit status 0 when every cluster gave a CIB, 1 when one did not, 2 for bad options or config.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from console.commands import status_live
from console.commands.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, CommandError
from console.commands.text import printable, write_json
from console.config import ClusterConfig, ConfigError, ConsoleConfig, load_config
from console.model.export import SCHEMA_VERSION
from console.model.fleet.prometheus import exposition
from console.model.fleet.rows import ClusterRow, fleet_rows, row_document, vip_text
from console.model.live.snapshot import LiveSnapshot
from console.model.live.export import live_document


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`--all` and `--prometheus` on `hacon status`."""
    group = parser.add_argument_group("every cluster of clusters.toml")
    group.add_argument("--all", action="store_true",
                       help="one row per cluster in clusters.toml, worst first")
    group.add_argument("--prometheus", type=Path, metavar="FILE",
                       help="with --all: also write the Prometheus text format to FILE "
                       "(atomically; for node_exporter's textfile collector)")


def run(args: argparse.Namespace) -> int:
    """Take one snapshot of every cluster; print rows (or JSON); write the Prometheus file."""
    if args.cib_file is not None or args.nodes or args.cluster:
        raise CommandError("--all reads every cluster of clusters.toml: give no --cib-file, "
                           "--nodes or --cluster with it")
    config = _config()
    import asyncio

    snapshots = asyncio.run(take_all(config))
    now = time.time()
    rows = fleet_rows(snapshots, now)
    if args.prometheus is not None:
        write_atomically(args.prometheus, exposition(rows, now))
    if args.json:
        write_json(fleet_document(rows, snapshots))
    else:
        sys.stdout.write(render_rows(rows))
    reached = all(live is not None and live.cluster is not None for live in snapshots.values())
    return EXIT_OK if reached else EXIT_FAILURE


def _config() -> ConsoleConfig:
    try:
        config = load_config()
    except ConfigError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    if not config.clusters:
        raise CommandError(f"--all needs clusters in {config.source} ([clusters.NAME] tables)",
                           EXIT_BAD_INPUT)
    return config


def target_of(cluster: ClusterConfig) -> status_live.Target:
    """How to reach one configured cluster."""
    return status_live.Target(cluster.nodes, cluster.ssh_config, cluster.jump, cluster.user,
                              cluster.service, cluster.service_process)


async def take_all(config: ConsoleConfig) -> dict[str, LiveSnapshot | None]:
    """Every cluster's first snapshot, taken concurrently (None: that cluster failed to start,
    e.g. a malformed jump host, which the row then shows as not reached)."""
    import asyncio

    names = list(config.clusters)
    results = await asyncio.gather(
        *(status_live.take_snapshot(target_of(config.clusters[name])) for name in names),
        return_exceptions=True)
    return {name: (result if isinstance(result, LiveSnapshot) else None)
            for name, result in zip(names, results)}


def render_rows(rows: list[ClusterRow]) -> str:
    """A text table, one cluster per line, worst first."""
    header = ("STATE", "CLUSTER", "VERDICT", "VIP", "NODES", "FAIL", "LEFTOVERS", "AGE")
    table = [header] + [_cells(row) for row in rows]
    widths = [max(len(line[column]) for line in table) for column in range(len(header) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)) + "  " + line[-1]
             for line in table]
    details = [f"{row.name}: {printable(row.summary)}" for row in rows if row.state.value]
    return "\n".join([*lines, *([""] + details if details else [])]) + "\n"


def _cells(row: ClusterRow) -> tuple[str, ...]:
    age = f"{row.data_age:.0f}s" if row.data_age is not None else "-"
    return (row.state.name, printable(row.name), row.verdict,
            printable("; ".join(vip_text(vip) for vip in row.vips) or "-"),
            f"{row.nodes_up}/{row.nodes_total}", str(row.failures),
            printable(", ".join(row.leftovers) or "-"), age)


def fleet_document(rows: list[ClusterRow],
                   snapshots: Mapping[str, LiveSnapshot | None]) -> dict[str, object]:
    """`--json`: every row, worst first, each with the cluster's `live` object."""
    clusters = []
    for row in rows:
        document = row_document(row)
        live = snapshots.get(row.name)
        document["live"] = live_document(live) if live is not None else None
        clusters.append(document)
    return {"schema_version": SCHEMA_VERSION, "clusters": clusters}


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so a reader sees the old file or the new one, never half.

    Raises:
        CommandError: the directory cannot be written (one line naming the file).
    """
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o644)  # the collector runs as another user
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise CommandError(f"cannot write {printable(str(path))}: "
                           f"{error.strerror or error}") from None
