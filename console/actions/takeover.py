"""The switchover's verify step, pure: does the node that took over serve?

On one fresh look at every node (`LiveSnapshot`): Pacemaker's word (the VIP and its colocated
services run there), the kernel's (the VIP's address is bound there and on no other node), the
service probe where one is configured, and the SIP probe of the VIP where the client probes ran.
The ARP and SIP probe from the node in standby is I/O and runs in `console.actions.switchover`.
"""

from __future__ import annotations

from console.actions.eligibility import colocated_services
from console.actions.runbook import Switchover
from console.model.cluster import ClusterSnapshot
from console.model.live.snapshot import KernelTruth, LiveSnapshot


def takeover_check(state: Switchover, snapshot: LiveSnapshot) -> tuple[tuple[str, ...],
                                                                      tuple[str, ...]]:
    """The verify step on one fresh look at every node: (what holds, what does not).

    Pacemaker's word (the VIP and its services on the peer), the kernel's (the VIP's address
    bound on the peer only), the service probe where one is configured, and the SIP probe of
    the VIP where the client probes ran.
    """
    cluster = snapshot.cluster
    vip = cluster.vips.get(state.vip) if cluster is not None else None
    if cluster is None or vip is None or state.peer is None:
        return (), ("no node gave its CIB, or the VIP is gone: nothing to check",)
    checks = [_pacemaker_check(vip.id, vip.holder_nodes, state.peer)]
    checks += [_service_check(cluster, service, state.peer)
               for service in colocated_services(cluster, vip)]
    checks.append(_kernel_check(snapshot, vip.id, state.peer))
    checks.append(_probe_check(snapshot, state.peer))
    checks.append(_sip_check(snapshot, vip.id))
    held = tuple(text for ok, text in checks if ok)
    failed = tuple(text for ok, text in checks if not ok)
    return held, failed


def _pacemaker_check(vip: str, holders: tuple[str, ...], peer: str) -> tuple[bool, str]:
    if holders == (peer,):
        return True, f"Pacemaker runs {vip} on {peer}"
    return False, f"Pacemaker runs {vip} on {', '.join(holders) or 'no node'}, not on {peer}"


def _service_check(cluster: ClusterSnapshot, service: str, peer: str) -> tuple[bool, str]:
    resource = cluster.resources.get(service)
    running = tuple(resource.active_on) if resource is not None else ()
    if running == (peer,) and resource is not None and not resource.failed:
        return True, f"Pacemaker runs {service} on {peer}"
    return False, f"{service} runs on {', '.join(running) or 'no node'}, not on {peer}"


def _kernel_check(snapshot: LiveSnapshot, vip: str, peer: str) -> tuple[bool, str]:
    truth = snapshot.vip_truth.get(vip)
    if truth is None or truth.truth is KernelTruth.UNKNOWN:
        return False, f"the nodes' address lists do not tell where {vip} is bound"
    address = truth.address or vip
    if truth.bound_on == (peer,):
        return True, f"the kernel has {address} on {peer} only"
    return False, f"the kernel has {address} on {', '.join(truth.bound_on) or 'no node'}"


def _probe_check(snapshot: LiveSnapshot, peer: str) -> tuple[bool, str]:
    view = snapshot.views.get(peer)
    running = view.service_running if view is not None else None
    if running is None:
        return True, "the service process is not probed (no --service): Pacemaker's word only"
    if running:
        return True, f"the service's process runs on {peer}"
    return False, f"the service's process does not run on {peer}"


def _sip_check(snapshot: LiveSnapshot, vip: str) -> tuple[bool, str]:
    view = snapshot.client_view.get(vip)
    answers = dict(view.service) if view is not None else {}
    if not answers:
        return True, "SIP on the VIP is not probed here (--probe-clients)"
    silent = sorted(origin for origin, answer in answers.items() if not answer.answered)
    if silent:
        return False, f"SIP OPTIONS on the VIP got no answer from {', '.join(silent)}"
    return True, f"SIP OPTIONS on the VIP answered ({', '.join(sorted(answers))})"
