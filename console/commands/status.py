"""`hacon status`: the cluster at a glance, or the JSON contract with --json."""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from collections.abc import Iterator
from pathlib import Path

from console.commands import status_fleet, status_live
from console.commands.errors import EXIT_OK, CommandError
from console.commands.sources import read_cib_file, snapshot_of
from console.commands.status_view import render_status
from console.commands.text import write_json
from console.presentation.advice_text import advisories_document
from console.model.cluster import ClusterSnapshot
from console.model.export import status_document, status_schema_text


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `hacon status` to the command line."""
    parser = subparsers.add_parser(
        "status",
        help="show the cluster: VIP holder, nodes, resources, leftovers, failures",
        description="Show the cluster as hacon reads it from a CIB. Exit status 0 on success, "
        "2 when the CIB cannot be read (missing file, malformed or hostile XML, not a CIB).",
    )
    parser.add_argument(
        "--cib-file",
        type=Path,
        metavar="FILE",
        help="read this CIB (e.g. saved with `cibadmin --query > cib.xml`)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the JSON contract instead of text (its schema: --json-schema)",
    )
    parser.add_argument(
        "--json-schema",
        action="store_true",
        help="print the JSON Schema of the --json output and exit",
    )
    status_live.add_arguments(parser, "live cluster (instead of --cib-file)")
    status_fleet.add_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the status of the CIB file named on the command line."""
    if args.json_schema:
        sys.stdout.write(status_schema_text())
        return EXIT_OK
    if args.all:
        return status_fleet.run(args)
    if args.prometheus is not None:
        raise CommandError("--prometheus needs --all")
    if args.cib_file is None:
        return status_live.run(args)
    if args.nodes or args.cluster:
        raise CommandError("give --cib-file or a live cluster (--nodes/--cluster), not both")
    with _cyclic_gc_paused():
        snapshot = snapshot_of(read_cib_file(args.cib_file))
        print_status(snapshot, as_json=args.json)
    return EXIT_OK


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    # A one-shot parse allocates hundreds of thousands of small objects and builds no cycles
    # worth collecting; the cyclic collector's passes cost ~20% of a big CIB's process time.
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def print_status(snapshot: ClusterSnapshot, *, as_json: bool) -> None:
    """Write the snapshot to stdout as text or as the JSON contract."""
    if as_json:
        write_json({**status_document(snapshot), "advisories": advisories_document(snapshot)})
    else:
        sys.stdout.write(render_status(snapshot))
