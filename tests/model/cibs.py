"""Tiny builders for hand-written CIBs in model tests (nodes are named and numbered alike)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

_TRANSITION_UUID = "00000000-0000-0000-0000-000000000000"


def nvpairs(owner_id: str, tag: str, values: Mapping[str, str]) -> str:
    if not values:
        return ""
    pairs = "".join(f'<nvpair id="{owner_id}-{tag}-{name}" name="{name}" value="{value}"/>'
                    for name, value in values.items())
    return f'<{tag} id="{owner_id}-{tag}">{pairs}</{tag}>'


def primitive(rsc_id: str, agent: str = "ocf:heartbeat:Dummy", *,
              params: Mapping[str, str] | None = None, meta: Mapping[str, str] | None = None,
              ops: str = "") -> str:
    parts = agent.split(":")
    klass, provider, kind = (parts[0], parts[1], parts[2]) if len(parts) == 3 else (
        parts[0], None, parts[1])
    provider_attr = f' provider="{provider}"' if provider else ""
    operations = f"<operations>{ops}</operations>" if ops else ""
    return (f'<primitive id="{rsc_id}" class="{klass}"{provider_attr} type="{kind}">'
            f'{nvpairs(rsc_id, "instance_attributes", params or {})}'
            f'{nvpairs(rsc_id, "meta_attributes", meta or {})}{operations}</primitive>')


def op(rsc_id: str, task: str, *, call: int, rc: int = 0, interval: int = 0,
       expected: int | None = None, status: int = 0, node: str = "node-a",
       key_id: str | None = None, changed: int = 1_700_000_000) -> str:
    """One lrm_rsc_op; `expected` defaults to 7 for probes and 0 otherwise."""
    if expected is None:
        expected = 7 if task == "monitor" and interval == 0 else 0
    key = f"1:1:{expected}:{_TRANSITION_UUID}"
    op_key = f"{rsc_id}_{task}_{interval}"
    return (f'<lrm_rsc_op id="{key_id or op_key}" operation_key="{op_key}" operation="{task}" '
            f'transition-key="{key}" transition-magic="{status}:{rc};{key}" call-id="{call}" '
            f'rc-code="{rc}" op-status="{status}" interval="{interval}" '
            f'last-rc-change="{changed}" exec-time="1" queue-time="0" on_node="{node}"/>')


def lrm_resource(rsc_id: str, ops: Iterable[str], agent: str = "ocf:heartbeat:Dummy") -> str:
    klass, provider, kind = agent.split(":")
    return (f'<lrm_resource id="{rsc_id}" class="{klass}" provider="{provider}" type="{kind}">'
            f'{"".join(ops)}</lrm_resource>')


def node_state(name: str, *, online: bool = True, expected: str = "member",
               resources: Iterable[str] = (), transient: Mapping[str, str] | None = None,
               join: str | None = None) -> str:
    join_state = join or ("member" if online else "down")
    attrs = ""
    if transient:
        attrs = (f'<transient_attributes id="{name}">'
                 f'{nvpairs("status-" + name, "instance_attributes", transient)}'
                 f'</transient_attributes>')
    return (f'<node_state id="{name}" uname="{name}" in_ccm="{"true" if online else "false"}" '
            f'crmd="{"online" if online else "offline"}" join="{join_state}" '
            f'expected="{expected}">'
            f'<lrm id="{name}"><lrm_resources>{"".join(resources)}</lrm_resources></lrm>'
            f'{attrs}</node_state>')


def cib(*, resources: str = "", status: str = "", nodes: Iterable[str] = ("node-a", "node-b"),
        node_attrs: Mapping[str, Mapping[str, str]] | None = None, stonith: bool = False,
        properties: Mapping[str, str] | None = None, constraints: str = "",
        dc: str | None = "node-a", have_quorum: bool = True) -> bytes:
    """A whole CIB; stonith=True also configures a fence device so fencing is possible."""
    config = {"stonith-enabled": "true" if stonith else "false", **(properties or {})}
    node_xml = "".join(
        f'<node id="{name}" uname="{name}">'
        f'{nvpairs(name, "instance_attributes", (node_attrs or {}).get(name, {}))}</node>'
        for name in nodes)
    fence = primitive("fence", "stonith:fence_dummy") if stonith else ""
    dc_attr = f' dc-uuid="{dc}"' if dc else ""
    return (f'<cib admin_epoch="0" epoch="5" num_updates="7" crm_feature_set="3.16.2" '
            f'validate-with="pacemaker-3.9" have-quorum="{"1" if have_quorum else "0"}"'
            f'{dc_attr}><configuration><crm_config>'
            f'{nvpairs("cib-bootstrap-options", "cluster_property_set", config)}'
            f'</crm_config><nodes>{node_xml}</nodes><resources>{fence}{resources}</resources>'
            f'<constraints>{constraints}</constraints></configuration>'
            f'<status>{status}</status></cib>').encode()


def started(rsc_id: str, node: str, call: int = 2) -> str:
    """A history whose last word is a successful start."""
    return lrm_resource(rsc_id, [op(rsc_id, "start", call=call, node=node)])


def stopped_probe(rsc_id: str, node: str) -> str:
    """A history with only a probe that found the resource stopped."""
    return lrm_resource(rsc_id, [op(rsc_id, "monitor", call=1, rc=7, node=node)])
