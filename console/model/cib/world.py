"""The working set of one derivation: nodes, resources and cluster flags (Pacemaker's data_set)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from console.model.cib.bundles import Replica
from console.model.cib.nodes import NodeContext, NodeTable
from console.model.cib.resources_config import ResourceContext
from console.model.cib.runtime import Rsc
from console.model.cib.setrules import SetRules


@dataclass
class FailedOp:
    """An operation Pacemaker recorded as failed (data_set->failed), in recording order."""

    xml: etree._Element
    node: str
    rsc_id: str


@dataclass
class World:
    """Everything the status walk reads and updates."""

    nodes: NodeTable
    node_ctx: NodeContext
    rsc_ctx: ResourceContext
    resources: list[Rsc]
    """Top-level resources in configuration order; orphans are appended."""
    stonith_enabled: bool
    symmetric: bool
    stop_orphans: bool
    shutdown_lock: bool
    op_defaults: etree._Element | None
    now: float
    legacy_failcounts: bool
    id_index: Mapping[str, etree._Element]
    set_rules: SetRules
    have_stonith_resource: bool = False
    counts: tuple[int, int, int] = (0, 0, 0)
    """crm_mon's resources_configured, disabled, blocked (taken right after the status)."""
    status_xml: etree._Element | None = None
    bundle_replicas: dict[str, list[Replica]] = field(default_factory=dict)
    renamed: dict[str, Rsc] = field(default_factory=dict)
    _lrm_index: dict[tuple[str, str], etree._Element] | None = None
    failed_ops: list[FailedOp] = field(default_factory=list)
    failed_keys: set[tuple[str, str]] = field(default_factory=set)
    fail_attrs: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)

    @property
    def by_id(self) -> dict[str, Rsc]:
        return self.rsc_ctx.by_id

    def find_resource(self, rsc_id: str) -> Rsc | None:
        """pe_find_resource: by id, else by the history name an instance was renamed to."""
        return self.rsc_ctx.by_id.get(rsc_id) or self.renamed.get(rsc_id)

    def lrm_entry(self, node_name: str | None, rsc_id: str) -> etree._Element | None:
        """The first lrm_resource of rsc_id in node_name's history (built on first use: only
        migrations look across nodes)."""
        if self._lrm_index is None:
            self._lrm_index = {}
            for state in self.status_xml if self.status_xml is not None else ():
                uname = state.get("uname")
                if state.tag != "node_state" or uname is None:
                    continue
                for entry in state.iterfind("lrm/lrm_resources/lrm_resource"):
                    entry_id = entry.get("id")
                    if entry_id is not None:
                        self._lrm_index.setdefault((uname, entry_id), entry)
        if node_name is None:
            return None
        return self._lrm_index.get((node_name, rsc_id))

    def record_failed_op(self, op: etree._Element, node_name: str, rsc: Rsc) -> None:
        """record_failed_op: once per (operation key, node), only for online nodes."""
        node = self.nodes.by_name.get(node_name)
        if node is None or not node.online:
            return
        key = ((op.get("operation_key") or "").lower(), node_name.lower())
        if key in self.failed_keys:
            return
        self.failed_keys.add(key)
        self.failed_ops.append(FailedOp(op, node_name, rsc.id))
