"""The guarded action commands (standby ... fence, fix, config) and `hacon audit`: the command line side.

Each action connects like `hacon status --nodes/--cluster`, takes one look at every node, asks
the action's guard, plans the change on a fresh CIB, previews it with Pacemaker's scheduler,
shows the plan and asks (unless --yes), applies it with compare-and-swap, and verifies it.
`--dry-run` stops after the preview. Every attempt, refused ones too, goes to the audit journal
(`hacon audit` prints it).

Exit status: 0 done and verified; 3 refused by a guard or the preview (reason on stderr,
nothing changed); 1 failed (or not confirmed); 2 usage or bad input (an unknown node or
resource, a malformed lifetime, a score or threshold that is not a number: one line, nothing
changed). `hacon --read-only ...` refuses every
action with exit 2.

Only the arguments are declared here; the work lives in `console.commands.actions_run`, imported
when an action runs, so that `hacon status` does not load the executor, the planner and the audit.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence

from console.commands import status_live


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the action commands and `hacon audit`."""
    _action_parser(subparsers, "standby", "put a node in standby (its resources move away)",
                   _node_argument)
    _action_parser(subparsers, "online", "bring a node out of standby", _node_argument)
    _action_parser(subparsers, "cleanup", "forget a resource's failures (failcount)",
                   _cleanup_arguments)
    _action_parser(subparsers, "clear", "remove leftover cli-prefer / cli-ban constraints",
                   _clear_arguments)
    _action_parser(subparsers, "failback",
                   "move the VIP and its service back to the preferred node", lambda p: None)
    _action_parser(subparsers, "maintenance",
                   "switch maintenance on or off: the cluster, one node (--node) or one "
                   "resource (--resource, is-managed)", _maintenance_arguments)
    _action_parser(subparsers, "move", "move a resource to a node (a cli-prefer constraint; "
                   "without NODE: away from where it runs, a cli-ban)", _move_arguments)
    _action_parser(subparsers, "ban", "keep a resource off a node (a cli-ban constraint)",
                   _ban_arguments)
    _action_parser(subparsers, "disable", "stop a resource and keep it stopped "
                   "(target-role=Stopped)", _disable_arguments)
    _action_parser(subparsers, "enable", "let a disabled resource run again",
                   lambda p: p.add_argument("resource", metavar="RESOURCE"))
    _action_parser(subparsers, "restart", "stop a resource and start it again on the same "
                   "node, each step verified", _disable_arguments)
    _action_parser(subparsers, "refresh", "forget a resource's history and re-probe it "
                   "(crm_resource --refresh)", _cleanup_arguments)
    _action_parser(subparsers, "fence", "power-cycle a node through its fence device "
                   "(stonith_admin --reboot; asks to type the node's name, even with --yes)",
                   _node_argument)
    _action_parser(subparsers, "fix", "fix a configuration advisory by its code (--list: the "
                   "codes); two-node-missing is shown as a command, never applied", _fix_arguments)
    _config_parsers(subparsers)
    parser = subparsers.add_parser(
        "audit", help="print the audit journal of actions",
        description="Print the audit journal (hacon/audit.jsonl in the XDG state directory).")
    parser.add_argument("--json", action="store_true", help="the raw JSON lines")
    parser.set_defaults(run=_run_audit)


def _node_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("node", metavar="NODE")


def _fix_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("fix_id", metavar="ID", nargs="?", help="the advisory's code")
    parser.add_argument("--list", action="store_true", help="the codes hacon can fix")


CONFIG_SETTINGS = {
    "stickiness": ("set rsc_defaults resource-stickiness (how strongly resources stay where "
                   "they run)", lambda p: p.add_argument("value", metavar="N")),
    "prefer": ("give a resource a preferred node: a location constraint (an existing one for "
               "that node gets the new score)", lambda p: (
                   p.add_argument("resource", metavar="RESOURCE"),
                   p.add_argument("preference", metavar="NODE=SCORE",
                                  help="an integer, INFINITY or -INFINITY"))),
    "threshold": ("set a resource's migration-threshold (failures on a node before it moves "
                  "away)", lambda p: (p.add_argument("resource", metavar="RESOURCE"),
                                     p.add_argument("value", metavar="N"))),
}
"""`hacon config SETTING ...`: what each edits, and its arguments."""


def _config_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "config", help="edit stickiness, a preferred node or a migration-threshold (guarded)",
        description="Edit a placement value through the same guard, preview (what would move), "
                    "confirmation, compare-and-swap patch, verification and journal as the "
                    "other actions.")
    settings = parser.add_subparsers(dest="setting", metavar="SETTING", required=True)
    for name, (help_text, add_target) in CONFIG_SETTINGS.items():
        _action_parser(settings, name, help_text, add_target)
        settings.choices[name].set_defaults(action="config")


def _clear_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("resource", metavar="RESOURCE", nargs="?")
    parser.add_argument("--expired", action="store_true",
                        help="only the move/ban constraints whose lifetime has ended")


def _maintenance_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("state", choices=("on", "off"))
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--node", metavar="NODE", help="only this node")
    scope.add_argument("--resource", metavar="RESOURCE",
                       help="only this resource (is-managed=false)")


NEGATIVE_VALUE = re.compile(r"-\d")
"""A value argparse would take for an option ("-5m") and answer with its usage."""


def glue_negative_values(argv: Sequence[str]) -> list[str]:
    """`--lifetime -5m` as `--lifetime=-5m`, so that the lifetime's own check says in one line
    why it is wrong (argparse would print its usage and "expected one argument")."""
    glued: list[str] = []
    for word in argv:
        if glued and glued[-1] == "--lifetime" and NEGATIVE_VALUE.match(word):
            glued[-1] = f"--lifetime={word}"
        else:
            glued.append(word)
    return glued


def _lifetime_argument(parser: argparse.ArgumentParser, example: str) -> None:
    parser.add_argument("--lifetime", metavar="DURATION",
                        help=f"the constraint stops applying after this long ({example}, 90s, "
                             "1d or ISO PT30M); it stays until cleared (`clear --expired`)")


def _move_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("resource", metavar="RESOURCE")
    parser.add_argument("node", metavar="NODE", nargs="?")
    _lifetime_argument(parser, "30m")


def _ban_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("resource", metavar="RESOURCE")
    parser.add_argument("node", metavar="NODE")
    _lifetime_argument(parser, "2h")


def _disable_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("resource", metavar="RESOURCE")
    parser.add_argument("--force", action="store_true",
                        help="allow stopping the VIP or its service (an outage): asks to type "
                             "the resource's name, even with --yes")


def _cleanup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("resource", metavar="RESOURCE")
    parser.add_argument("--node", metavar="NODE", help="only on this node (default: every node)")


def _action_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
                   help_text: str, add_target: Callable[[argparse.ArgumentParser], object]) -> None:
    parser = subparsers.add_parser(
        name, help=help_text, description=f"{help_text[0].upper()}{help_text[1:]}. Exit status "
        "0 done and verified, 3 refused (nothing changed), 1 failed, 2 usage.")
    add_target(parser)
    parser.add_argument("--dry-run", action="store_true",
                        help="show the plan and the scheduler's prediction, change nothing")
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    status_live.add_arguments(parser)
    parser.set_defaults(run=_run_action, action=name)


def _run_action(args: argparse.Namespace) -> int:
    from console.commands.actions_run import run_action

    return run_action(args)


def _run_audit(args: argparse.Namespace) -> int:
    from console.commands.actions_run import run_audit

    return run_audit(args)
