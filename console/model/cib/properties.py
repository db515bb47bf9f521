"""Name/value sets (nvpairs) and cluster properties, read the way Pacemaker 2.1.5 reads them.

Pacemaker keeps attributes in *sets* (`cluster_property_set`, `meta_attributes`,
`instance_attributes`): sets are applied in descending `score` order (a named set may be forced
first), and the first value a name receives wins unless the caller asks for overwriting.
Sets guarded by a rule are applied only when the rule holds; hacon evaluates the simple rules
Pacemaker's own regression CIBs use (see `console.model.cib.setrules`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from lxml import etree

from console.model.types import is_true, parse_bool, score_to_int

RuleCheck = Callable[[etree._Element], bool]
"""Decides whether a `<rule>` element holds; sets whose rule fails are skipped."""


def _always(_rule: etree._Element) -> bool:
    return True


def ordered_sets(
    parent: etree._Element | None, set_tag: str, first_id: str | None = None
) -> list[etree._Element]:
    """The `set_tag` children of `parent` in the order Pacemaker applies them.

    Higher score first; `first_id` (e.g. cib-bootstrap-options) always leads; ties keep
    document order.
    """
    if parent is None:
        return []
    found = [child for child in parent if child.tag == set_tag]

    def rank(item: tuple[int, etree._Element]) -> tuple[int, int, int]:
        position, element = item
        forced = 0 if first_id is not None and element.get("id") == first_id else 1
        score = score_to_int(element.get("score")) or 0
        return (forced, -score, position)

    return [element for _, element in sorted(enumerate(found), key=rank)]


def unpack_sets(
    parent: etree._Element | None,
    set_tag: str,
    into: dict[str, str],
    *,
    overwrite: bool = False,
    first_id: str | None = None,
    rule_holds: RuleCheck = _always,
    id_index: Mapping[str, etree._Element] | None = None,
) -> dict[str, str]:
    """Apply the nvpairs of `parent`'s `set_tag` sets to `into` (first value wins by default)."""
    for attr_set in ordered_sets(parent, set_tag, first_id):
        attr_set = _dereference(attr_set, id_index)
        if not _set_applies(attr_set, rule_holds):
            continue
        for name, value in _nvpairs(attr_set, id_index):
            if value.lower() == "#default":
                into.pop(name, None)  # "#default" removes an earlier explicit value
            elif overwrite or name not in into:
                into[name] = value
    return into


def _set_applies(attr_set: etree._Element, rule_holds: RuleCheck) -> bool:
    rules = [child for child in attr_set if child.tag == "rule"]
    return all(rule_holds(rule) for rule in rules)


def _dereference(
    element: etree._Element, id_index: Mapping[str, etree._Element] | None
) -> etree._Element:
    """Follow an `id-ref` to the referenced element (Pacemaker's expand_idref)."""
    ref = element.get("id-ref")
    if ref is None or id_index is None:
        return element
    return id_index.get(ref, element)


def _nvpairs(
    attr_set: etree._Element, id_index: Mapping[str, etree._Element] | None
) -> Iterable[tuple[str, str]]:
    for child in attr_set:
        if child.tag != "nvpair":
            continue
        pair = _dereference(child, id_index)
        name = pair.get("name")
        value = pair.get("value")
        if name is not None and value is not None:
            yield name, value


# Defaults as Pacemaker 2.1.5 applies them (lib/pengine/common.c pe_opts).
PROPERTY_DEFAULTS: Mapping[str, str] = {
    "stonith-enabled": "true",
    "symmetric-cluster": "true",
    "maintenance-mode": "false",
    "stop-all-resources": "false",
    "no-quorum-policy": "stop",
    "startup-fencing": "true",
    "start-failure-is-fatal": "true",
    "stop-orphan-resources": "true",
    "stop-orphan-actions": "true",
    "enable-startup-probes": "true",
    "shutdown-lock": "false",
}

_BOOLEAN_PROPERTIES = frozenset(
    name for name, value in PROPERTY_DEFAULTS.items() if value in ("true", "false")
)
_QUORUM_POLICIES = frozenset({"stop", "freeze", "ignore", "demote", "suicide"})


def cluster_properties(
    crm_config: etree._Element | None, rule_holds: RuleCheck = _always
) -> dict[str, str]:
    """Every property written in crm_config (cib-bootstrap-options first, first value wins)."""
    return unpack_sets(
        crm_config,
        "cluster_property_set",
        {},
        first_id="cib-bootstrap-options",
        rule_holds=rule_holds,
    )


def effective_property(properties: Mapping[str, str], name: str) -> str:
    """The value Pacemaker uses: invalid booleans/policies fall back to the default."""
    value = properties.get(name)
    default = PROPERTY_DEFAULTS.get(name, "")
    if value is None:
        return default
    if name in _BOOLEAN_PROPERTIES and parse_bool(value) is None:
        return default
    if name == "no-quorum-policy" and value.strip().lower() not in _QUORUM_POLICIES:
        return default
    return value


def property_flag(properties: Mapping[str, str], name: str) -> bool:
    """A boolean cluster property with Pacemaker's default and validation."""
    return is_true(effective_property(properties, name))
