"""Freeze the derived working state into the immutable objects of cluster.py.

Resources are keyed by configured id: clone instances fold into their configured primitive
(or group), bundle replicas into the bundle, with the aggregation rules of `hacon status --json`
(a container is failed or blocked when any member is, unmanaged when it or any member is).
"""

from __future__ import annotations

from collections.abc import Mapping

from console.model.cib.runtime import NodeRt, Role, Rsc
from console.model.cib.world import World
from console.model.cluster import Node, NodeType, Resource, ResourceKind

_PENDING_TEXT = {"start": "Starting", "stop": "Stopping", "migrate_to": "Migrating",
                 "migrate_from": "Migrating", "promote": "Promoting", "demote": "Demoting"}
ROLE_RANK = {"Promoted": 7, "Unpromoted": 6, "Started": 5, "Starting": 4, "Migrating": 4,
             "Promoting": 4, "Demoting": 4, "Stopping": 3, "Unknown": 2, "Stopped": 1}
_HIDDEN_ATTRIBUTES = ("fail-count-", "last-failure-", "shutdown", "terminate", "standby", "#")


def display_role(rsc: Rsc) -> str:
    """native_displayable_state: a pending action wins, Started shows as Unpromoted in
    promotable clones."""
    if rsc.pending_task in _PENDING_TEXT:
        return _PENDING_TEXT[rsc.pending_task]
    role = rsc.role
    if role == Role.STARTED and rsc.top().promotable:
        role = Role.UNPROMOTED
    return role.text


def is_active(world: World, rsc: Rsc) -> bool:
    """native_active: running on an unclean or online node (or offline, if unmanaged)."""
    for name in rsc.running_on:
        node = world.nodes.by_name.get(name)
        if node is None or node.unclean or node.online or not rsc.managed:
            return True
    return False


def freeze_nodes(world: World) -> dict[str, Node]:
    frozen: dict[str, Node] = {}
    for node in world.nodes.all():
        frozen[node.uname] = Node(
            name=node.uname, id=node.id, type=NodeType(node.type), online=node.online,
            standby=node.standby, standby_onfail=node.standby_onfail,
            maintenance=node.maintenance, pending=node.pending, unclean=node.unclean,
            shutdown=node.shutdown, expected_up=node.expected_up, is_dc=node.is_dc,
            resources_running=len(node.running_rsc), attributes=_shown_attributes(node),
        )
    return frozen


def _shown_attributes(node: NodeRt) -> dict[str, str]:
    if not node.online:
        return {}
    return {name: value for name, value in sorted(node.attrs.items())
            if not name.startswith(_HIDDEN_ATTRIBUTES)}


class ResourceFreezer:
    """Walks the runtime tree and emits one Resource per configured id."""

    def __init__(self, world: World, failcounts: Mapping[str, Mapping[str, int]]) -> None:
        self.world = world
        self.failcounts = failcounts
        self.out: dict[str, Resource] = {}

    def run(self) -> dict[str, Resource]:
        for top in self.world.resources:
            if top.orphan and not any(is_active(self.world, leaf) for leaf in top.primitives()):
                continue
            self._top(top)
        return self.out

    def _top(self, rsc: Rsc) -> None:
        if rsc.variant == "primitive":
            self._primitive(rsc.id, [rsc], None)
        elif rsc.variant == "group":
            self._group(rsc.config_id, [rsc], None, rsc)
        elif rsc.variant == "clone":
            self._clone(rsc)
        elif rsc.variant == "bundle":
            self._bundle(rsc)

    def _primitive(self, key: str, instances: list[Rsc], parent: str | None) -> Resource:
        first = instances[0]
        roles = {rsc: display_role(rsc) for rsc in instances}
        node_roles: dict[str, str] = {}
        for rsc in instances:
            for name in rsc.running_on:
                node_roles[name] = _higher(node_roles.get(name), roles[rsc])
        in_clone = first.parent is not None and first.parent.variant == "clone" or (
            first.parent is not None and first.parent.parent is not None
            and first.parent.parent.variant == "clone")
        role = max(roles.values(), key=lambda text: ROLE_RANK.get(text, 0)) if in_clone \
            else roles[first]
        promoted = sorted(n for n, r in node_roles.items() if r == "Promoted")
        unpromoted = sorted(n for n, r in node_roles.items() if r == "Unpromoted")
        resource = Resource(
            id=key, kind=ResourceKind.PRIMITIVE, agent=first.agent, parent=parent, children=(),
            role=role, active_on=tuple(sorted(node_roles)), node_roles=node_roles,
            failed=any(r.failed for r in instances), managed=all(r.managed for r in instances),
            blocked=any(r.blocked for r in instances), orphaned=any(r.orphan for r in instances),
            failure_ignored=any(r.failure_ignored for r in instances),
            target_role=first.meta.get("target-role"), instances=len(instances),
            failcount=dict(self.failcounts.get(key, {})), params=dict(first.params),
            meta=dict(first.own_meta), promoted_on=tuple(promoted),
            unpromoted_on=tuple(unpromoted), globally_unique=first.unique and in_clone,
            migration_threshold=first.migration_threshold,
        )
        self.out[key] = resource
        return resource

    def _group(self, key: str, groups: list[Rsc], parent: str | None, config: Rsc) -> Resource:
        members: list[Resource] = []
        for position, member in enumerate(config.children):
            instances = [group.children[position] for group in groups
                         if position < len(group.children)]
            members.append(self._primitive(member.config_id, instances, key))
        active = [bool(member.active_on) for member in members]
        role = "Started" if active and all(active) else "Partial" if any(active) else "Stopped"
        resource = self._container(key, ResourceKind.GROUP, parent, config, groups, members,
                                   role)
        return resource

    def _container(self, key: str, kind: ResourceKind, parent: str | None, config: Rsc,
                   selves: list[Rsc], members: list[Resource], role: str) -> Resource:
        nodes = sorted({name for member in members for name in member.active_on})
        resource = Resource(
            id=key, kind=kind, agent=None, parent=parent,
            children=tuple(member.id for member in members), role=role,
            active_on=tuple(nodes), node_roles={}, instances=len(selves),
            failed=any(s.failed for s in selves) or any(m.failed for m in members),
            managed=all(s.managed for s in selves) and all(m.managed for m in members),
            blocked=any(s.blocked for s in selves) or any(m.blocked for m in members),
            orphaned=False, failure_ignored=any(m.failure_ignored for m in members),
            target_role=_shown_target_role(config),
            failcount={}, meta=dict(config.own_meta),
            globally_unique=config.unique if config.variant == "clone" else False,
        )
        self.out[key] = resource
        return resource

    def _clone(self, clone: Rsc) -> None:
        template = clone.children[0] if clone.children else None
        if template is None:
            return
        key = template.config_id
        if template.variant == "group":
            member = self._group(key, clone.children, clone.config_id, template)
        else:
            member = self._primitive(key, list(clone.children), clone.config_id)
        kind = ResourceKind.PROMOTABLE_CLONE if clone.promotable else ResourceKind.CLONE
        resource = self._container(clone.config_id, kind, None, clone, [clone], [member],
                                   "Stopped")
        leaves = [leaf for instance in clone.children for leaf in instance.primitives()]
        self.out[clone.config_id] = _with_clone_role(resource, leaves, clone.promotable)

    def _bundle(self, bundle: Rsc) -> None:
        replicas = self.world.bundle_replicas.get(bundle.id, [])
        members: list[Resource] = []
        child_clone = next((c for c in bundle.children if c.variant == "clone"), None)
        if child_clone is not None and child_clone.children:
            template = child_clone.children[0]
            members.append(self._primitive(template.config_id, list(child_clone.children),
                                           bundle.id))
        parts = [part for replica in replicas
                 for part in (replica.ip, replica.container, replica.remote) if part]
        hosts = sorted({name for replica in replicas for name in replica.container.running_on})
        resource = self._container(bundle.id, ResourceKind.BUNDLE, None, bundle,
                                   [bundle, *parts], members, "Started" if hosts else "Stopped")
        self.out[bundle.id] = _replace(resource, active_on=tuple(hosts))


def _shown_target_role(config: Rsc) -> str | None:
    """crm_mon prints a target role for clones (theirs or their first instance's), not for
    groups or bundles."""
    if config.variant != "clone":
        return None
    role = config.meta.get("target-role")
    if role is None and config.children:
        role = config.children[0].meta.get("target-role")
    return role


def _higher(current: str | None, candidate: str) -> str:
    if current is None or ROLE_RANK.get(candidate, 0) > ROLE_RANK.get(current, 0):
        return candidate
    return current


def _replace(resource: Resource, **changes: object) -> Resource:
    from dataclasses import replace

    return replace(resource, **changes)  # type: ignore[arg-type]


def _with_clone_role(resource: Resource, leaves: list[Rsc], promotable: bool) -> Resource:
    promoted = sorted({n for leaf in leaves if display_role(leaf) == "Promoted"
                       for n in leaf.running_on})
    unpromoted = sorted({n for leaf in leaves if display_role(leaf) == "Unpromoted"
                         for n in leaf.running_on})
    if promotable:
        role = ("Promoted" if promoted else "Unpromoted" if resource.active_on
                else "Stopped")
        return _replace(resource, role=role, promoted_on=tuple(promoted),
                        unpromoted_on=tuple(unpromoted))
    return _replace(resource, role="Started" if resource.active_on else "Stopped")
