"""The demo nodes' answers to Pacemaker's command-line tools that change things.

`crm_attribute` (standby, made behind the console's back) and `crm_resource` (ban, clear,
cleanup), parsed the way their real option parsers read them (long and short forms), with the
real tools' messages and exit codes for what the demo cannot do.
"""

from __future__ import annotations

from collections.abc import Sequence

from console.demo.cluster import DemoCluster, UnknownNode
from console.demo.config import RESOURCE_IDS

Answer = tuple[int, bytes, bytes]
NO_SUCH_DEVICE = 105
"""CRM_EX_NOSUCH: an attribute or node that does not exist (crm_attribute --query of an unset
attribute exits 105; LAB gotcha 6)."""
USAGE = 64

_VALUE_OPTIONS = {
    "-N": "node", "--node": "node", "-n": "name", "--name": "name", "-v": "value",
    "--update": "value", "-l": "lifetime", "--lifetime": "lifetime", "-t": "type",
    "--type": "type", "-r": "resource", "--resource": "resource",
}
_FLAGS = {
    "-G": "query", "--query": "query", "-D": "delete", "--delete": "delete", "-q": "quiet",
    "--quiet": "quiet", "-B": "ban", "--ban": "ban", "-M": "move", "--move": "move",
    "-U": "clear", "--clear": "clear", "-C": "cleanup", "--cleanup": "cleanup",
}


def parse_options(words: Sequence[str]) -> dict[str, str] | None:
    """GLib-style options (`--name value`, `--name=value`, `-n value`); None if unknown ones."""
    options: dict[str, str] = {}
    rest = list(words)
    while rest:
        word = rest.pop(0)
        name, has_value, inline = word.partition("=")
        if name in _VALUE_OPTIONS:
            if not has_value and not rest:
                return None
            options[_VALUE_OPTIONS[name]] = inline if has_value else rest.pop(0)
        elif word in _FLAGS:
            options[_FLAGS[word]] = "yes"
        else:
            return None
    return options


def crm_attribute(cluster: DemoCluster, via: str, words: Sequence[str]) -> Answer:
    """`crm_attribute --node N --name standby (--update V | --query | --delete) [--lifetime]`."""
    options = parse_options(words)
    if options is None or "node" not in options or options.get("name") != "standby":
        return USAGE, b"", (b"crm_attribute: the demo nodes support only the node attribute "
                            b"'standby' (--node N --name standby --update|--query|--delete)\n")
    lifetime = {"reboot": "reboot", "status": "reboot"}.get(options.get("lifetime", ""), "forever")
    target = options["node"]
    try:
        cluster.runtime(target)
    except UnknownNode:
        return NO_SUCH_DEVICE, b"", f"Could not map name={target} to a UUID\n".encode()
    if "query" in options:
        return _query_standby(cluster, via, target, lifetime, "quiet" in options)
    value = None if "delete" in options else options.get("value")
    if value is None and "delete" not in options:
        return USAGE, b"", b"crm_attribute: nothing to do (give --update, --query or --delete)\n"
    cluster.set_standby(via, target, value, lifetime)
    return 0, b"", b""


def _query_standby(cluster: DemoCluster, via: str, target: str, lifetime: str,
                   quiet: bool) -> Answer:
    if lifetime == "reboot":
        value, scope = cluster.runtime(target).transient.get("standby"), "status"
    else:
        value, scope = cluster.partition_of(via).config.standby_value(target), "nodes"
    if value is None:
        return NO_SUCH_DEVICE, b"", b"Error performing operation: No such device or address\n"
    text = f"{value}\n" if quiet else f"scope={scope}  name=standby value={value}\n"
    return 0, text.encode(), b""


def crm_resource(cluster: DemoCluster, via: str, words: Sequence[str]) -> Answer:
    """`crm_resource --ban|--move|--clear|--cleanup --resource R [--node N]`."""
    options = parse_options(words)
    resource = (options or {}).get("resource")
    if options is None or resource is None:
        return USAGE, b"", (b"crm_resource: the demo nodes support --ban, --move, --clear and "
                            b"--cleanup with --resource R [--node N]\n")
    if resource not in RESOURCE_IDS:
        return NO_SUCH_DEVICE, b"", f"Resource '{resource}' not found\n".encode()
    node = options.get("node")
    try:
        return _resource_action(cluster, via, options, resource, node)
    except UnknownNode:
        return NO_SUCH_DEVICE, b"", f"Node '{node}' not found\n".encode()


def _resource_action(cluster: DemoCluster, via: str, options: dict[str, str], resource: str,
                     node: str | None) -> Answer:
    if "clear" in options:
        cluster.clear(via, resource)
        return 0, b"", f"Removing constraint: cli-ban-{resource}-on-*\n".encode()
    if "cleanup" in options:
        cluster.cleanup(via, resource, node)
        return 0, f"Cleaned up {resource} on {node or 'all nodes'}\n".encode(), b""
    if "ban" in options or "move" in options and node is None:
        holders = cluster.holders(resource)
        target = node or (holders[0] if holders else None)
        if target is None:
            return 1, b"", f"Resource '{resource}' not moved: active in 0 locations\n".encode()
        cluster.ban(via, resource, target)
        warning = (f"WARNING: Creating rsc_location constraint 'cli-ban-{resource}-on-{target}' "
                   f"with a score of -INFINITY for resource {resource} on {target}.\n")
        return 0, b"", warning.encode()
    if "move" in options and node is not None:
        cluster.prefer(via, resource, node)
        return 0, b"", (f"WARNING: Creating rsc_location constraint 'cli-prefer-{resource}' with "
                        f"a score of INFINITY for resource {resource} on {node}.\n").encode()
    return USAGE, b"", b"crm_resource: give --ban, --move, --clear or --cleanup\n"
