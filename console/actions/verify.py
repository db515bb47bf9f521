"""After a commit: follow the transition until the cluster is idle and check what it did.

Checked every `POLL_INTERVAL_S` until all hold (or the time is up):
  * Pacemaker's opinion (the CIB on the plan's node): every resource runs where the scheduler
    predicted, nothing is failed, the VIP's services run on the VIP's node;
  * the DC's controller is idle (`crmadmin -q -S DC` prints S_IDLE; skipped without crmadmin);
  * the kernel's truth: the VIP address is bound on the holder's interfaces and on no other
    node (`ip -o addr show` on every node).
The failover time is measured from the commit to the first moment all held, when the VIP moved.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from console.actions.client_reach import clients_reached
from console.actions.plans import ActionPlan
from console.model.cluster import ClusterSnapshot
from console.model.errors import CibParseError
from console.model.live.node_view import normalise_address, parse_ip_addresses
from console.model.snapshot import parse_cib
from console.model.types import CibVersion
from console.transport import argv as node_argv
from console.transport.base import CommandRunner, NodeUnreachable

POLL_INTERVAL_S = 0.2


@dataclass(frozen=True, slots=True)
class Verification:
    """The verdict on a committed plan."""

    ok: bool
    message: str
    failover_s: float | None = None
    version: CibVersion | None = None


async def follow_transition(plan: ActionPlan, runner: CommandRunner, nodes: Sequence[str],
                            timeout: float, committed_at: float,
                            say: Callable[[str], None] | None = None) -> Verification:
    """Poll until the predicted end state holds everywhere; the verdict with the time taken."""
    deadline = committed_at + timeout
    reach = _start_client_probe(plan, runner, nodes, committed_at, timeout)
    verdict = await _follow(plan, runner, nodes, deadline, committed_at, say)
    return await _with_clients(verdict, reach)


async def _follow(plan: ActionPlan, runner: CommandRunner, nodes: Sequence[str],
                  deadline: float, committed_at: float,
                  say: Callable[[str], None] | None) -> Verification:
    timeout = deadline - committed_at
    problem = "nothing checked yet"
    version: CibVersion | None = None
    while time.monotonic() < deadline:
        try:
            snapshot = parse_cib((await runner.run(plan.run_on, node_argv.cib_query(),
                                                   timeout=10.0)).stdout)
        except (CibParseError, NodeUnreachable) as error:
            problem = f"cannot read the CIB on {plan.run_on}: {error}"
        else:
            version = snapshot.version
            found = (placement_problem(snapshot, plan)
                     or await _idle_problem(runner, plan.run_on, snapshot)
                     or await _kernel_problem(runner, nodes or tuple(snapshot.nodes), snapshot,
                                              plan.vip))
            if found is None:
                return _verified(plan, snapshot, time.monotonic() - committed_at, version)
            if say is not None and found != problem:
                say(f"waiting: {found}")
            problem = found
        await asyncio.sleep(POLL_INTERVAL_S)
    return Verification(False, f"not verified after {timeout:.0f} s: {problem}", None, version)


def _start_client_probe(plan: ActionPlan, runner: CommandRunner, nodes: Sequence[str],
                        committed_at: float, timeout: float) -> asyncio.Task[str] | None:
    """Beside the verification: when clients first reach the VIP's predicted new holder."""
    prediction = plan.prediction
    holders = prediction.running_after.get(plan.vip or "", ()) if prediction else ()
    moves = prediction is not None and any(
        action.resource == plan.vip and action.action in ("move", "start", "recover")
        for action in prediction.actions)
    if plan.vip is None or len(holders) != 1 or not moves:
        return None
    return asyncio.create_task(clients_reached(runner, plan.run_on, nodes, holders[0], plan.vip,
                                               committed_at, timeout))


async def _with_clients(verdict: Verification, reach: asyncio.Task[str] | None) -> Verification:
    if reach is None:
        return verdict
    if not verdict.ok:
        reach.cancel()
        return verdict
    return replace(verdict, message=f"{verdict.message}; {await reach}")


def _verified(plan: ActionPlan, snapshot: ClusterSnapshot, elapsed: float,
              version: CibVersion) -> Verification:
    vip = snapshot.vips.get(plan.vip) if plan.vip else None
    moved = plan.prediction is not None and any(
        action.resource in (plan.vip, vip.top_level if vip else None)
        and action.action in ("move", "start", "recover", "restart")
        for action in plan.prediction.actions)
    # "VIP": after a cleanup of OSIPS, "; ClusterIP on node-a" read as the wrong resource.
    where = f"; VIP {vip.id} on {', '.join(vip.holder_nodes)}" if vip else ""
    if moved:
        return Verification(True, f"failover done in {elapsed:.1f} s{where}", elapsed, version)
    return Verification(True, f"done and verified in {elapsed:.1f} s{where}", None, version)


def placement_problem(snapshot: ClusterSnapshot, plan: ActionPlan) -> str | None:
    """What in the CIB differs from the predicted end state, or None."""
    expected = dict(plan.prediction.running_after) if plan.prediction else {}
    for resource_id, nodes in sorted(expected.items()):
        resource = snapshot.resources.get(resource_id)
        if resource is None:
            continue
        running = tuple(sorted(resource.active_on))
        if running != nodes:
            return (f"{resource_id} runs on {', '.join(running) or 'no node'}, expected "
                    f"{', '.join(nodes) or 'stopped'}")
        if resource.failed:
            return f"{resource_id} has failed"
    vip = snapshot.vips.get(plan.vip) if plan.vip else None
    if vip is None:
        return None
    if len(vip.holder_nodes) != 1:
        return f"{vip.id} runs on {len(vip.holder_nodes)} nodes"
    for service in plan.services:
        resource = snapshot.resources.get(service)
        if resource is not None and tuple(resource.active_on) != vip.holder_nodes:
            return f"{service} is not running beside {vip.id} on {vip.holder_nodes[0]}"
    return None


async def _idle_problem(runner: CommandRunner, run_on: str,
                        snapshot: ClusterSnapshot) -> str | None:
    dc = snapshot.info.dc
    if dc is None:
        return "no DC elected"
    result = await runner.run(run_on, node_argv.controller_state(dc), timeout=10.0)
    if result.exit_status == 127:
        return None  # no crmadmin on this node: the placement checks must do
    state = (result.stdout + result.stderr).decode("utf-8", "replace")
    return None if "S_IDLE" in state else f"the DC {dc} is busy ({state.strip() or 'no answer'})"


async def _kernel_problem(runner: CommandRunner, nodes: Sequence[str],
                          snapshot: ClusterSnapshot, vip_id: str | None) -> str | None:
    vip = snapshot.vips.get(vip_id) if vip_id else None
    if vip is None or vip.ip is None:
        return None
    bound: list[str] = []
    for node in nodes:
        try:
            result = await runner.run(node, node_argv.ip_addresses(), timeout=10.0)
        except NodeUnreachable as error:
            if node in vip.holder_nodes:
                return f"cannot check {vip.id}'s address on {node}: {error.reason}"
            continue
        if address_bound(result.stdout, vip.ip):
            bound.append(node)
    if tuple(sorted(bound)) != vip.holder_nodes:
        return (f"the kernel has {vip.ip} on {', '.join(bound) or 'no node'}, Pacemaker says "
                f"{', '.join(vip.holder_nodes) or 'nowhere'}")
    return None


def address_bound(ip_output: bytes, address: str) -> bool:
    """Whether `ip -o addr show` lists `address` as usable on some interface.

    The model's parser, as the banner reads it: IPv6 spellings compared normalised, and an
    address whose duplicate-address detection failed does not count as bound.
    """
    wanted = normalise_address(address)
    bound = parse_ip_addresses(ip_output.decode("utf-8", "replace"))
    return wanted is not None and wanted in bound
