"""Benchmark: whole-process `hacon status --json` against `crm_mon -1 --output-as=xml`, big CIB.

Run on demand (pytest does not collect it), from the checkout, with hacon installed:

    python tests/bench/bench_status.py                  # 10 interleaved rounds each
    python tests/bench/bench_status.py --rounds 20 --keep /tmp/big.xml
    python tests/bench/bench_status.py --profile        # also cProfile one hacon run
    python tests/bench/bench_status.py --model-only     # also time parse_cib + export alone

It writes (with lxml, in about a second) a CIB of the size hacon is held to: 32 nodes, 500
`ocf:pacemaker:Dummy` primitives, 500 location and 450 colocation constraints, and 16,000
resource histories (a probe with rc 7 on every node, start + recurring monitor on the owner),
16,500 operations, 10 MB. crm_mon must read it and report 500 resources Started, or the run stops. Then it times
the two commands alternately, `--rounds` times each, as whole processes (start-up included: that
is what an operator or a monitoring script pays), and prints both medians, the ratio hacon /
crm_mon (target <= 0.5) and each command's peak resident memory (the child's own max RSS from
wait4). Target: hacon <= 0.5 x crm_mon.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

NODES = 32
PRIMITIVES = 500
LOCATIONS = 500
COLOCATIONS = 450
MONITOR_MS = 10000
UUID = "4f2c1a6e-0b7d-4c7e-9a55-2d3b1c0e8f10"
"""The controller uuid in every transition key (one DC wrote them all)."""
EPOCH_S = 1795900000
TARGET_RATIO = 0.5


def _sub(
    parent: etree._Element, tag: str, attrs: dict[str, str] | None = None, **simple: str
) -> etree._Element:
    """A child element; `attrs` for names that are not Python identifiers (call-id, class)."""
    return etree.SubElement(parent, tag, {**(attrs or {}), **simple})


def _configuration(cib: etree._Element, nodes: list[str], owners: list[int]) -> None:
    config = _sub(cib, "configuration")
    props = _sub(_sub(config, "crm_config"), "cluster_property_set", id="bootstrap-options")
    for name, value in (
        ("stonith-enabled", "false"),
        ("no-quorum-policy", "ignore"),
        ("cluster-name", "bench"),
    ):
        _sub(props, "nvpair", id=f"opt-{name}", name=name, value=value)
    node_block = _sub(config, "nodes")
    for number, name in enumerate(nodes, 1):
        _sub(node_block, "node", id=str(number), uname=name)
    resources = _sub(config, "resources")
    for index in range(PRIMITIVES):
        rid = f"dummy-{index}"
        prim = _sub(
            resources, "primitive", {"class": "ocf"}, id=rid, type="Dummy", provider="pacemaker"
        )
        ops = _sub(prim, "operations")
        _sub(ops, "op", id=f"{rid}-monitor", name="monitor", interval=f"{MONITOR_MS // 1000}s")
    _constraints(_sub(config, "constraints"), nodes, owners)


def _constraints(block: etree._Element, nodes: list[str], owners: list[int]) -> None:
    for index in range(LOCATIONS):
        _sub(
            block,
            "rsc_location",
            id=f"loc-{index}",
            rsc=f"dummy-{index}",
            node=nodes[owners[index]],
            score="100",
        )
    for index in range(1, COLOCATIONS + 1):
        # Scores low enough that no placement changes: crm_mon only reports, but the file
        # should still be a configuration Pacemaker would leave as it is.
        _sub(
            block,
            "rsc_colocation",
            {"with-rsc": f"dummy-{index - 1}"},
            id=f"col-{index}",
            rsc=f"dummy-{index}",
            score="10",
        )


def _op(
    lrm_resource: etree._Element,
    rid: str,
    node: str,
    task: str,
    call: int,
    rc: int,
    interval_ms: int = 0,
) -> None:
    """One `lrm_rsc_op` as the controller records it (expected rc in the transition key)."""
    expected = 7 if task == "monitor" and interval_ms == 0 else 0
    key = f"{call}:{call}:{expected}:{UUID}"
    op_key = f"{rid}_{task}_{interval_ms}"
    op_id = f"{rid}_monitor_{interval_ms}" if interval_ms else f"{rid}_last_0"
    stamp = str(EPOCH_S + call)
    _sub(
        lrm_resource,
        "lrm_rsc_op",
        {
            "id": op_id,
            "operation_key": op_key,
            "operation": task,
            "crm-debug-origin": "do_update_resource",
            "crm_feature_set": "3.16.1",
            "transition-key": key,
            "transition-magic": f"0:{rc};{key}",
            "exit-reason": "",
            "on_node": node,
            "call-id": str(call),
            "rc-code": str(rc),
            "op-status": "0",
            "interval": str(interval_ms),
            "last-rc-change": stamp,
            "exec-time": "12",
            "queue-time": "0",
            "op-digest": "f2317cad3d54cec5d7d7aa7d0bf35cf8",
        },
    )


def _status(cib: etree._Element, nodes: list[str], owners: list[int]) -> None:
    status = _sub(cib, "status")
    for number, node in enumerate(nodes, 1):
        state = _sub(
            status,
            "node_state",
            {"crm-debug-origin": "do_update_resource"},
            id=str(number),
            uname=node,
            in_ccm="true",
            crmd="online",
            join="member",
            expected="member",
        )
        lrm_resources = _sub(_sub(state, "lrm", id=str(number)), "lrm_resources")
        calls = iter(range(1, 4 * PRIMITIVES))  # the executor numbers calls per node
        for index in range(PRIMITIVES):
            rid = f"dummy-{index}"
            entry = _sub(
                lrm_resources,
                "lrm_resource",
                {"class": "ocf"},
                id=rid,
                type="Dummy",
                provider="pacemaker",
            )
            if owners[index] == number - 1:
                _op(entry, rid, node, "start", next(calls), 0)
                _op(entry, rid, node, "monitor", next(calls), 0, MONITOR_MS)
            else:
                _op(entry, rid, node, "monitor", next(calls), 7)


def build_big_cib(path: Path, seed: int = 7) -> None:
    """Write the benchmark CIB: configuration and a status a running cluster would have."""
    rng = random.Random(seed)
    nodes = [f"node-{n:02d}" for n in range(1, NODES + 1)]
    owners = [rng.randrange(NODES) for _ in range(PRIMITIVES)]
    cib = etree.Element(
        "cib",
        {
            "crm_feature_set": "3.16.1",
            "validate-with": "pacemaker-3.9",
            "epoch": "512",
            "num_updates": "16500",
            "admin_epoch": "0",
            "have-quorum": "1",
            "dc-uuid": "1",
        },
    )
    _configuration(cib, nodes, owners)
    _status(cib, nodes, owners)
    etree.ElementTree(cib).write(str(path), encoding="utf-8", pretty_print=True)


def crm_mon_started(path: Path) -> int:
    """How many resources crm_mon reports Started and active in `path` (checks the file)."""
    env = {**os.environ, "CIB_file": str(path)}
    out = subprocess.run(
        ["crm_mon", "-1", "--output-as=xml"], env=env, check=True, capture_output=True
    ).stdout
    entries = etree.fromstring(out).xpath("//resources/resource[@role='Started'][@active='true']")
    assert isinstance(entries, list)
    return len(entries)


def hacon_argv() -> list[str]:
    """The installed `hacon` entry point beside this interpreter, or `python -m console`."""
    script = Path(sys.executable).with_name("hacon")
    return [str(script)] if script.exists() else [sys.executable, "-m", "console"]


@dataclass(frozen=True)
class Sample:
    """One whole-process run: wall time, CPU time (user + sys) and peak resident memory."""

    wall_s: float
    cpu_s: float
    max_rss_kib: int


def run_once(argv: Sequence[str], env: dict[str, str], sink: Path) -> Sample:
    """Run one whole process and measure it (CPU and RSS are the child's own, from wait4)."""
    with sink.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {stderr.strip()}")
    if proc.stderr:
        proc.stderr.close()
    return Sample(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def check_outputs(hacon_out: Path, mon_out: Path) -> None:
    """Both commands must have said something sensible about the same 500 resources."""
    doc = json.loads(hacon_out.read_bytes())
    started = sum(1 for r in doc.get("resources", {}).values() if r.get("role") == "Started")
    print(
        f"hacon reports {len(doc.get('nodes', {}))} nodes, {started} resources Started; "
        f"crm_mon output {mon_out.stat().st_size / 1024:.0f} KiB"
    )


MODEL_ONLY = (
    "import json, sys\n"
    "from console.model.snapshot import parse_cib\n"
    "from console.model.export import status_document\n"
    "data = open(sys.argv[1], 'rb').read()\n"
    "sys.stdout.write(json.dumps(status_document(parse_cib(data)), indent=2))\n"
)
"""The same JSON from a process that imports only the model: what the CLI's wiring costs."""


def interleave(
    big: Path, rounds: int, workdir: Path, model_only: bool = False
) -> dict[str, list[Sample]]:
    """Time the commands alternately so drift (cache, CPU boost) hits them alike."""
    base_env = {k: v for k, v in os.environ.items() if k != "CIB_file"}
    commands = {
        "hacon": (hacon_argv() + ["status", "--cib-file", str(big), "--json"], base_env),
        "crm_mon": (["crm_mon", "-1", "--output-as=xml"], {**base_env, "CIB_file": str(big)}),
    }
    if model_only:
        commands["model"] = ([sys.executable, "-c", MODEL_ONLY, str(big)], base_env)
    results: dict[str, list[Sample]] = {name: [] for name in commands}
    for name, (argv, env) in commands.items():  # one warm-up each: page cache, .pyc files
        run_once(argv, env, workdir / f"{name}.out")
    for round_number in range(rounds):
        order = list(commands) if round_number % 2 == 0 else list(reversed(commands))
        for name in order:
            argv, env = commands[name]
            results[name].append(run_once(argv, env, workdir / f"{name}.out"))
    check_outputs(workdir / "hacon.out", workdir / "crm_mon.out")
    return results


def report(results: dict[str, list[Sample]]) -> float:
    """Print medians, spread, CPU time and peak RSS; return the wall-time ratio hacon / crm_mon.

    The CPU-time ratio is printed beside it: on a busy machine it moves less than wall time.
    """
    wall, cpu = {}, {}
    for name, samples in results.items():
        times = [sample.wall_s for sample in samples]
        wall[name] = statistics.median(times)
        cpu[name] = statistics.median(sample.cpu_s for sample in samples)
        peak_mib = max(sample.max_rss_kib for sample in samples) / 1024
        print(
            f"{name:8s} median {wall[name] * 1000:6.0f} ms (min {min(times) * 1000:.0f}, "
            f"max {max(times) * 1000:.0f}, n={len(times)}), CPU {cpu[name] * 1000:.0f} ms, "
            f"peak RSS {peak_mib:.1f} MiB"
        )
    if "model" in wall:
        print(f"model-only process / crm_mon = {wall['model'] / wall['crm_mon']:.2f} wall")
    ratio = wall["hacon"] / wall["crm_mon"]
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(
        f"ratio hacon / crm_mon = {ratio:.3f} wall ({verdict} the target <= {TARGET_RATIO}), "
        f"{cpu['hacon'] / cpu['crm_mon']:.3f} CPU"
    )
    return ratio


def profile_hacon(big: Path, top: int) -> None:
    """cProfile one in-process `hacon status --json` run and print the hottest functions."""
    from console.cli import main  # only needed (and imported) for --profile

    profiler = cProfile.Profile()
    with open(os.devnull, "w") as devnull:
        saved, sys.stdout = sys.stdout, devnull
        try:
            profiler.runcall(main, ["status", "--cib-file", str(big), "--json"])
        finally:
            sys.stdout = saved
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="runs of each command")
    parser.add_argument("--keep", type=Path, help="write the big CIB here and keep it")
    parser.add_argument("--profile", action="store_true", help="cProfile one hacon run too")
    parser.add_argument(
        "--model-only",
        action="store_true",
        help="also time a process that imports only the model (what the CLI wiring costs)",
    )
    parser.add_argument("--top", type=int, default=25, help="profile lines to print")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hacon-bench-") as tmp:
        workdir = Path(tmp)
        big = args.keep or workdir / "big.xml"
        started = time.perf_counter()
        build_big_cib(big)
        print(
            f"wrote {big} ({big.stat().st_size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        started_count = crm_mon_started(big)
        print(f"crm_mon reads it: {started_count} resources Started")
        if started_count != PRIMITIVES:
            raise SystemExit(f"expected {PRIMITIVES} Started, crm_mon says {started_count}")
        ratio = report(interleave(big, args.rounds, workdir, args.model_only))
        if args.profile:
            profile_hacon(big, args.top)
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
