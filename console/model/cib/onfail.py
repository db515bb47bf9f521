"""How Pacemaker reacts to a failed operation: the effective `on-fail` of an operation.

Follows pe_actions.c unpack_operation / unpack_operation_on_fail: the matching `<op>` of the
resource (by name and interval), its meta-attributes and `<op_defaults>` give a value; without
one, stops default to fence (block without fencing), remote connections to a reset, resources
in a container to restarting the container, everything else to recover.
"""

from __future__ import annotations

from lxml import etree

from console.model.cib.properties import unpack_sets
from console.model.cib.resources_config import interval_ms
from console.model.cib.runtime import OnFail, Rsc
from console.model.cib.setrules import RuleScope
from console.model.cib.world import World

_VALUES = {
    "block": OnFail.BLOCK, "fence": OnFail.FENCE, "standby": OnFail.STANDBY,
    "ignore": OnFail.IGNORE, "nothing": OnFail.IGNORE, "migrate": OnFail.MIGRATE,
    "stop": OnFail.STOP, "restart": OnFail.RECOVER, "demote": OnFail.DEMOTE,
}


def op_key(rsc_id: str, name: str, interval: int) -> str:
    return f"{rsc_id}_{name}_{interval}"


def _enabled(op: etree._Element) -> bool:
    value = (op.get("enabled") or "true").lower()
    return value not in ("false", "off", "no", "n", "0")


def find_op_config(rsc: Rsc, key: str) -> etree._Element | None:
    """find_rsc_op_entry_helper(include_disabled): the <op> whose name and interval give key.

    Actions look their definition up including disabled ops, so a disabled monitor's on-fail
    still applies to its recorded results.
    """
    wanted = key.lower()
    for attempt in range(2):
        for op in rsc.ops_xml if rsc.ops_xml is not None else ():
            if op.tag != "op":
                continue
            interval = interval_ms(op.get("interval"))
            for rsc_id in (rsc.id, rsc.clone_name):
                if rsc_id and op_key(rsc_id, op.get("name") or "", interval).lower() == wanted:
                    return op
        if attempt == 0:
            if "migrate_to" in key or "migrate_from" in key:
                wanted = op_key(rsc.id, "migrate", 0).lower()
            elif "_notify_" in key:
                wanted = op_key(rsc.id, "notify", 0).lower()
            else:
                return None
    return None


def _configured_value(world: World, rsc: Rsc, task: str, interval: int,
                      op_config: etree._Element | None) -> str | None:
    meta: dict[str, str] = {}
    scope = RuleScope(rsc_agent=(rsc.agent_class, rsc.agent_provider, rsc.agent_type),
                      op=(task, interval))
    unpack_sets(world.op_defaults, "meta_attributes", meta, id_index=world.id_index,
                rule_holds=world.set_rules.checker(scope))
    if op_config is not None:
        unpack_sets(op_config, "meta_attributes", meta, overwrite=True, id_index=world.id_index)
        for name, value in op_config.attrib.items():
            meta[str(name)] = str(value)
    return meta.get("on-fail")


def _demote_default(rsc: Rsc) -> str | None:
    """A demote without on-fail inherits the promoted-role monitor's value."""
    for op in rsc.ops_xml if rsc.ops_xml is not None else ():
        value = op.get("on-fail")
        if op.tag != "op" or not value or not _enabled(op):
            continue
        if op.get("name") != "monitor" or (op.get("role") or "").lower() not in (
                "promoted", "master"):
            continue
        if interval_ms(op.get("interval")) == 0 or value.lower() == "demote":
            continue
        return value
    return None


def _allowed(value: str | None, task: str, op_config: etree._Element | None,
             rsc: Rsc) -> str | None:
    if value is None:
        return _demote_default(rsc) if task == "demote" else None
    word = value.lower()
    if task == "stop" and word in ("standby", "demote", "stop"):
        return None
    if word == "demote":
        name = op_config.get("name") if op_config is not None else task
        role = (op_config.get("role") if op_config is not None else "") or ""
        interval = interval_ms(op_config.get("interval")) if op_config is not None else 0
        if name != "promote" and (name != "monitor" or role.lower() not in (
                "promoted", "master") or interval == 0):
            return None
    return value


def action_on_fail(world: World, rsc: Rsc, op: etree._Element) -> OnFail:
    """The failure handling Pacemaker applies to this recorded operation."""
    task = op.get("operation") or ""
    key = op.get("operation_key") or op.get("id") or ""
    interval_text = op.get("interval") or "0"
    interval = int(interval_text) if interval_text.isdigit() else 0
    op_config = find_op_config(rsc, key)
    value = _allowed(_configured_value(world, rsc, task, interval, op_config), task,
                     op_config, rsc)
    word = (value or "").lower()
    result: OnFail | None = _VALUES.get(word)
    if result == OnFail.FENCE and not world.stonith_enabled:
        result = OnFail.STOP
    if word == "restart-container" and rsc.container is not None:
        result = OnFail.RESTART_CONTAINER
    if result is None and rsc.container is not None:
        return OnFail.RESTART_CONTAINER
    if (result is None or not rsc.managed) and _is_remote_connection(world, rsc) \
            and not (task == "monitor" and interval == 0) and task != "start":
        return OnFail.RESET_REMOTE if rsc.managed else OnFail.STOP
    if result is not None:
        return result
    if task == "stop":
        return OnFail.FENCE if world.stonith_enabled else OnFail.BLOCK
    return OnFail.RECOVER


def _is_remote_connection(world: World, rsc: Rsc) -> bool:
    if not rsc.is_remote_node:
        return False
    node = world.nodes.by_name.get(rsc.id)
    return node is not None and node.type == "remote"
