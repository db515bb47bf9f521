"""`hacon switchover`: the runbook "switch the active node", step by step (the command line side).

Standby of the VIP holder, a check that the VIP and the service answer on the other node, a
pause for the maintenance, online, and an optional failback. Each action step is the guarded
action itself (previewed, confirmed, applied with compare-and-swap, verified, journaled). The
flow is saved in hacon's state dir after every step: running `hacon switchover` again (or
opening the console, key S) continues where it stopped; `--status` shows it; `--abandon`
forgets it. When the cluster changed under the saved flow (the node onlined by hand, the VIP
not where the runbook left it), hacon says so and does not go on (exit 3).

With `--yes` the steps run without questions up to the maintenance pause, and the command
ends there (exit 0): the next `hacon switchover --yes` brings the node online (and fails back
with `--failback`). `--step` runs one step only.

Only the arguments are declared here; the work lives in `console.commands.switchover_run`.
"""

from __future__ import annotations

import argparse

from console.commands import status_live

HELP = "switch the active node: standby, verify, maintenance pause, online, failback"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `hacon switchover`."""
    parser = subparsers.add_parser(
        "switchover", help=HELP,
        description=f"Runbook: {HELP}. Saved between steps; run it again to continue. Exit "
                    "status 0 done (or paused for the maintenance), 3 refused or the cluster "
                    "changed under it (nothing changed), 1 failed, 2 usage.")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--status", action="store_true",
                      help="show the saved switchover and whether the cluster still matches it")
    what.add_argument("--abandon", action="store_true",
                      help="forget the saved switchover (the cluster stays as it is)")
    parser.add_argument("--step", action="store_true", help="run the next step only, then stop")
    parser.add_argument("--failback", action=argparse.BooleanOptionalAction, default=None,
                        help="fail the VIP back to its preferred node at the end (default: "
                             "ask; skipped with --yes)")
    parser.add_argument("-y", "--yes", action="store_true",
                        help="no questions: start or continue, and confirm every action")
    status_live.add_arguments(parser)
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    from console.commands.switchover_run import run_switchover

    return run_switchover(args)
