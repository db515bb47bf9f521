"""What a generated case claims to be, checked against Pacemaker's own reading of it.

A generator bug must not quietly turn "every node in standby" into an ordinary healthy cluster
that agrees trivially. So every case carries claims: XPath expressions that must be true on
`crm_mon --output-as=xml` of the case (or, for configuration facts crm_mon does not print, on the
CIB file itself). They use crm_mon's raw XML, not hacon's model nor the oracle's reading of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lxml import etree

MON = "/pacemaker-result"


@dataclass(frozen=True)
class Claim:
    """One fact a case promises: `xpath` is true on crm_mon's XML (or on the CIB)."""

    text: str
    xpath: str
    target: Literal["crm_mon", "cib"] = "crm_mon"

    def holds(self, tree: etree._Element) -> bool:
        """Whether the claim is true on `tree` (a boolean XPath, or a non-empty node-set)."""
        return bool(tree.xpath(self.xpath))


def node_count(count: int) -> Claim:
    """crm_mon lists exactly `count` nodes."""
    return Claim(f"{count} nodes", f"count({MON}/nodes/node)={count}")


def every_node(flag: str, value: str = "true") -> Claim:
    """Every node crm_mon lists has `flag` = `value` (and there is at least one node)."""
    return Claim(
        f"every node {flag}={value}",
        f"count({MON}/nodes/node)>0 and not({MON}/nodes/node[@{flag}!='{value}'])",
    )


def node_has(node: str, flag: str, value: str = "true") -> Claim:
    """crm_mon shows `node` with `flag` = `value`."""
    return Claim(f"{node} {flag}={value}", f"{MON}/nodes/node[@name='{node}'][@{flag}='{value}']")


def resource_has(rid: str, attr: str, value: str) -> Claim:
    """Some crm_mon entry (instance) of `rid` has `attr` = `value`."""
    return Claim(
        f"{rid} {attr}={value}", f"{MON}/resources//resource[@id='{rid}'][@{attr}='{value}']"
    )


def every_resource(attr: str, value: str) -> Claim:
    """Every resource entry crm_mon prints has `attr` = `value`."""
    entries = f"{MON}/resources//resource"
    return Claim(
        f"every resource {attr}={value}",
        f"count({entries})>0 and not({entries}[@{attr}!='{value}'])",
    )


def active_on(rid: str, nodes: list[str]) -> Claim:
    """crm_mon shows `rid` active on exactly these nodes (all its instances together)."""
    where = f"{MON}/resources//resource[@id='{rid}']/node"
    named = " and ".join(f"{where}[@name='{n}']" for n in nodes) or "true()"
    return Claim(f"{rid} active on {nodes}", f"count({where})={len(nodes)} and {named}")


def instances_in_role(rid: str, role: str, count: int) -> Claim:
    """crm_mon shows exactly `count` active instances of `rid` in `role`."""
    entries = f"{MON}/resources//resource[@id='{rid}'][@role='{role}'][@active='true']"
    return Claim(f"{count} {role} instance(s) of {rid}", f"count({entries})={count}")


def stopped(rid: str) -> Claim:
    """crm_mon shows no active instance of `rid` (and does list it)."""
    entries = f"{MON}/resources//resource[@id='{rid}']"
    return Claim(f"{rid} stopped", f"{entries} and not({entries}[@active='true'])")


def failure(rid: str, task: str, node: str) -> Claim:
    """crm_mon lists a failed `task` of `rid` on `node`."""
    return Claim(
        f"failed {task} of {rid} on {node}",
        f"{MON}/failures/failure[starts-with(@op_key,'{rid}_{task}_')][@node='{node}']",
    )


def failcount(rid: str, node: str, count: int) -> Claim:
    """crm_mon's node history shows fail-count `count` for `rid` on `node`."""
    history = f"{MON}/node_history/node[@name='{node}']/resource_history[@id='{rid}']"
    return Claim(f"fail-count {rid}@{node}={count}", f"{history}[@fail-count='{count}']")


def ban_listed(constraint_id: str) -> Claim:
    """crm_mon lists the location constraint `constraint_id` among its bans."""
    return Claim(f"ban {constraint_id} listed", f"{MON}/bans/ban[@id='{constraint_id}']")


def cluster_option(name: str, value: str) -> Claim:
    """crm_mon's summary shows cluster option `name` = `value`."""
    return Claim(f"{name}={value}", f"{MON}/summary/cluster_options[@{name}='{value}']")


def in_cib(text: str, xpath: str) -> Claim:
    """A configuration or status fact of the CIB file itself."""
    return Claim(text, xpath, target="cib")
