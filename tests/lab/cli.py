"""`python -m tests.lab VERB ...`: drive a lab by hand (as root).

python -m tests.lab up 2            # prints HACON_LAB=/tmp/hacon-lab-PID; keeps running
export HACON_LAB=/tmp/hacon-lab-PID  # or pass --lab DIR; with one lab running, it is found
python -m tests.lab status | vip | wait 30 | ssh-config > lab.ssh
python -m tests.lab exec node-a crm_mon -1
python -m tests.lab standby node-a on | kill node-a | start node-a
python -m tests.lab partition node-a [--hard] | heal node-a
python -m tests.lab stop-sshd node-b | start-sshd node-b
python -m tests.lab down
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .harness import Lab
from .operations import LabError
from .settings import LabSettings
from .views import NodeView


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except LabError as error:
        print(f"lab: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.lab",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--lab", type=Path, help="state dir of the lab (default: $HACON_LAB)")
    verbs = parser.add_subparsers(required=True, metavar="VERB")
    up = verbs.add_parser("up", help="create and boot N nodes, return when converged")
    up.add_argument("count", type=int, nargs="?", default=2)
    up.add_argument("--subnet", default="auto", help="a free /24 (default: first free 10.213.x)")
    up.add_argument("--token", type=int, default=1000, help="corosync token in ms")
    up.add_argument("--state-dir", type=Path)
    up.set_defaults(handler=_up)
    _verb(verbs, "down", _down, "end the lab (idempotent)")
    _verb(verbs, "status", _status, "each node's own view")
    wait = _verb(verbs, "wait", _wait, "wait until converged")
    wait.add_argument("seconds", type=float, nargs="?", default=60)
    run = _verb(verbs, "exec", _exec, "run a command inside a node", node=True)
    run.add_argument("command", nargs=argparse.REMAINDER)
    _verb(verbs, "ssh-config", lambda a: print(_attach(a).ssh_config(), end=""), "ssh config")
    _verb(verbs, "vip", lambda a: print(" ".join(_attach(a).vip())), "nodes holding the VIP")
    _verb(verbs, "kill", lambda a: _attach(a).kill(a.node), "power loss", node=True)
    _verb(verbs, "start", lambda a: _attach(a).start(a.node), "power on", node=True)
    cut = _verb(verbs, "partition", _partition, "isolate a node", node=True)
    cut.add_argument("--hard", action="store_true", help="bridge port down (cable pulled)")
    _verb(verbs, "heal", lambda a: _attach(a).heal(a.node), "undo a partition", node=True)
    _verb(
        verbs,
        "block-host",
        lambda a: _attach(a).block_host(a.node),
        "host cannot reach NODE directly (only via a jump host)",
        node=True,
    )
    _verb(verbs, "stop-sshd", lambda a: _attach(a).stop_sshd(a.node), "stop sshd", node=True)
    _verb(verbs, "start-sshd", lambda a: _attach(a).start_sshd(a.node), "start sshd", node=True)
    standby = _verb(verbs, "standby", _standby, "crm_attribute standby", node=True)
    standby.add_argument("value", choices=["on", "off"])
    return parser


def _verb(
    verbs: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Callable[[argparse.Namespace], object],
    help_text: str,
    node: bool = False,
) -> argparse.ArgumentParser:
    parser = verbs.add_parser(name, help=help_text)
    if node:
        parser.add_argument("node")
    parser.set_defaults(handler=handler)
    return parser


def _attach(args: argparse.Namespace) -> Lab:
    state_dir = args.lab or os.environ.get("HACON_LAB")
    if state_dir is None:
        found = glob.glob("/tmp/hacon-lab-*/state.json")
        if len(found) != 1:
            raise LabError(f"{len(found)} labs found; say which with --lab or $HACON_LAB")
        state_dir = os.path.dirname(found[0])
    try:
        return Lab.attach(Path(state_dir))
    except FileNotFoundError as error:
        raise LabError(f"no lab in {state_dir}") from error


def _up(args: argparse.Namespace) -> None:
    settings = LabSettings(
        nodes=args.count, subnet=args.subnet, token_ms=args.token, state_dir=args.state_dir
    )
    lab = Lab(settings)
    seconds = lab.up()
    print(
        f"lab up in {seconds:.1f} s: {' '.join(lab.nodes)} on {lab.state.subnet}, "
        f"VIP {lab.vip_address} on {' '.join(lab.vip())}"
    )
    print(f"export HACON_LAB={lab.files.root}")
    print(f"ssh -F {lab.files.ssh_config} node-a")


def _down(args: argparse.Namespace) -> None:
    try:
        _attach(args).down()
    except LabError as error:
        print(f"lab: nothing to end ({error})", file=sys.stderr)


def _status(args: argparse.Namespace) -> None:
    for node, view in _attach(args).status().items():
        if isinstance(view, NodeView):
            running = ", ".join(f"{rsc}@{'+'.join(where)}" for rsc, where in view.running.items())
            print(
                f"{node}: DC {view.dc} quorate={view.quorate} "
                f"online={','.join(sorted(view.online))} standby={','.join(sorted(view.standby))}"
                f" running: {running}"
            )
        else:
            print(f"{node}: {view}")


def _wait(args: argparse.Namespace) -> None:
    print(f"converged; VIP and service on {_attach(args).wait(args.seconds)}")


def _exec(args: argparse.Namespace) -> int:
    result = _attach(args).exec(args.node, args.command)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


def _partition(args: argparse.Namespace) -> None:
    _attach(args).partition(args.node, hard=args.hard)


def _standby(args: argparse.Namespace) -> None:
    _attach(args).set_standby(args.node, args.value == "on")
