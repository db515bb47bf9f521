"""The lab's initial CIB, built offline with Pacemaker's own tools (`CIB_file=`), as pcs would.

Ids are the ones pcs generates (`ClusterIP-monitor-interval-10s`, `colocation-OSIPS-ClusterIP-
INFINITY`, `build-resource-defaults`...), so fixtures captured from the lab look like a real
pcs-built cluster.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

CLUSTER_PROPERTIES = {
    "stonith-enabled": "false",
    "no-quorum-policy": "stop",
    "cluster-name": "lab",
}


def build_initial_cib(path: Path, vip: str, service_binary: Path, dc_deadtime: str) -> None:
    """Write the initial CIB to `path`: properties, defaults, the VIP, the SIP service, constraints.

    Args:
        path: where the CIB file goes (overwritten).
        vip: the ClusterIP address, a /24 on eth0.
        service_binary: the fake-opensips script that `ocf:heartbeat:anything` runs.
        dc_deadtime: seeded `dc-deadtime` (README.md gotcha 3: the 20 s default dominates start-up).
    """
    path.write_bytes(_tool(["cibadmin", "--empty"], path=None))
    properties = {**CLUSTER_PROPERTIES, "dc-deadtime": dc_deadtime}
    for name, value in properties.items():
        _tool(["crm_attribute", "--type", "crm_config", "--name", name, "--update", value], path)
    # `crm_attribute -t rsc_defaults` fails against a CIB_file in 2.1.5 (README.md gotcha 5).
    _create(path, "configuration", _RSC_DEFAULTS)
    _create(path, "resources", _vip_primitive(vip))
    _create(path, "resources", _service_primitive(vip, service_binary))
    _create(path, "constraints", _COLOCATION)
    _create(path, "constraints", _ORDER)


def _create(path: Path, section: str, xml: str) -> None:
    _tool(["cibadmin", "--create", "--scope", section, "--xml-text", xml], path)


def _tool(argv: list[str], path: Path | None) -> bytes:
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}
    if path is not None:
        env["CIB_file"] = os.fspath(path)
    result = subprocess.run(argv, env=env, capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}): {message}")
    return result.stdout


def _ops(rsc: str, monitor_timeout: str) -> str:
    """The op set pcs writes for a new primitive: monitor every 10 s, start, stop."""
    return (
        "<operations>"
        f'<op id="{rsc}-monitor-interval-10s" name="monitor" interval="10s"'
        f' timeout="{monitor_timeout}"/>'
        f'<op id="{rsc}-start-interval-0s" name="start" interval="0s" timeout="20s"/>'
        f'<op id="{rsc}-stop-interval-0s" name="stop" interval="0s" timeout="20s"/>'
        "</operations>"
    )


def _nvpairs(owner: str, values: dict[str, str]) -> str:
    pairs = "".join(
        f'<nvpair id="{owner}-instance_attributes-{name}" name="{name}" value="{value}"/>'
        for name, value in values.items()
    )
    return f'<instance_attributes id="{owner}-instance_attributes">{pairs}</instance_attributes>'


def _vip_primitive(vip: str) -> str:
    attributes = _nvpairs("ClusterIP", {"ip": vip, "cidr_netmask": "24", "nic": "eth0"})
    return (
        '<primitive id="ClusterIP" class="ocf" provider="heartbeat" type="IPaddr2">'
        f"{attributes}{_ops('ClusterIP', '20s')}</primitive>"
    )


def _service_primitive(vip: str, binary: Path) -> str:
    attributes = _nvpairs(
        "OSIPS",
        {
            "binfile": os.fspath(binary),
            "cmdline_options": f"{vip} 5060",
            "logfile": "/var/log/fake-opensips.log",
            "errlogfile": "/var/log/fake-opensips.log",
        },
    )
    return (
        '<primitive id="OSIPS" class="ocf" provider="heartbeat" type="anything">'
        f"{attributes}{_ops('OSIPS', '20s')}</primitive>"
    )


_RSC_DEFAULTS = (
    '<rsc_defaults><meta_attributes id="build-resource-defaults">'
    '<nvpair id="build-resource-defaults-resource-stickiness" name="resource-stickiness"'
    ' value="1"/></meta_attributes></rsc_defaults>'
)
_COLOCATION = (
    '<rsc_colocation id="colocation-OSIPS-ClusterIP-INFINITY" rsc="OSIPS" with-rsc="ClusterIP"'
    ' score="INFINITY"/>'
)
_ORDER = (
    '<rsc_order id="order-ClusterIP-OSIPS-mandatory" first="ClusterIP" first-action="start"'
    ' then="OSIPS" then-action="start"/>'
)
