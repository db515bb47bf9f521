"""Ticket constraints: what losing a ticket does to the status crm_mon shows.

crm_mon unpacks constraints after the status (pcmk_status.c), and rsc_ticket constraints have
visible effects (pcmk_sched_tickets.c): with the ticket not granted, loss-policy=fence makes
the nodes running the resource unclean, loss-policy=freeze leaves it unmanaged and blocked.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from console.model.cib.nodes import fence_node
from console.model.cib.runtime import Role, Rsc, role_from_text
from console.model.cib.world import World
from console.model.types import is_true


@dataclass
class Ticket:
    granted: bool = False
    standby: bool = False


def ticket_states(status: etree._Element | None) -> dict[str, Ticket]:
    tickets: dict[str, Ticket] = {}
    section = status.find("tickets") if status is not None else None
    for state in section if section is not None else ():
        if state.tag == "ticket_state" and state.get("id"):
            tickets[state.get("id") or ""] = Ticket(is_true(state.get("granted")),
                                                    is_true(state.get("standby")))
    return tickets


def _constraint_resource(world: World, rsc_id: str) -> Rsc | None:
    match = world.find_resource(rsc_id)
    if match is not None and match.id != rsc_id:
        match = match.top()
    return match


def _policy(loss_policy: str | None, role: Role, stonith_enabled: bool) -> str:
    word = (loss_policy or "").lower()
    if word == "fence" and not stonith_enabled:
        word = "stop"
    if word in ("fence", "freeze", "demote", "stop"):
        return word
    return "demote" if role == Role.PROMOTED else "stop"


def _apply(world: World, rsc: Rsc, ticket: Ticket, role: Role, policy: str) -> None:
    """constraints_for_ticket (the parts visible in status)."""
    if ticket.granted and not ticket.standby:
        return
    if rsc.children:
        for child in rsc.children:
            _apply(world, child, ticket, role, policy)
        return
    if ticket.granted or not rsc.running_on:
        return
    matches = role == Role.UNKNOWN or role == rsc.role
    if policy == "fence" and matches:
        for name in rsc.running_on:
            node = world.nodes.by_name.get(name)
            if node is not None:
                fence_node(node)
    elif policy == "freeze" and matches:
        rsc.managed = False
        rsc.blocked = True


def apply_ticket_constraints(world: World, constraints: etree._Element | None,
                             status: etree._Element | None) -> None:
    tickets = ticket_states(status)
    for xml in constraints if constraints is not None else ():
        if xml.tag != "rsc_ticket" or not xml.get("id") or not xml.get("ticket"):
            continue
        ticket = tickets.setdefault(xml.get("ticket") or "", Ticket())
        sets = [child for child in xml if child.tag == "resource_set"]
        if sets:
            for resource_set in sets:
                role_text = resource_set.get("role")
                for ref in resource_set:
                    if ref.tag == "resource_ref" and ref.get("id"):
                        _one(world, ref.get("id") or "", role_text, ticket, xml)
        elif xml.get("rsc"):
            _one(world, xml.get("rsc") or "", xml.get("rsc-role"), ticket, xml)


def _one(world: World, rsc_id: str, role_text: str | None, ticket: Ticket,
         xml: etree._Element) -> None:
    rsc = _constraint_resource(world, rsc_id)
    if rsc is None:
        return
    role = Role.UNKNOWN if role_text is None or role_text.lower() == "started" \
        else role_from_text(role_text)
    _apply(world, rsc, ticket, role, _policy(xml.get("loss-policy"), role,
                                             world.stonith_enabled))
