"""Build one cluster's CIB file step by step with Pacemaker's real tools.

A `CibBuilder` owns one file. Configuration goes in with `cibadmin`, `crm_attribute`,
`crm_resource` and `pcs -f`; the status section is never written by hand: `crm_simulate` brings
nodes up, runs the scheduler's transitions and injects operation results and node events, and
saves what it simulated back into the file. The configuration pieces come from the tests' one
CIB-XML builder (tests/support/cib_xml.py), so an id or value can never break the XML handed to
cibadmin.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from tests.cases.tools import ToolError, crm_mon_tree, run_tool
from tests.support.cib_xml import element, xml

SETTLE_ROUNDS = 40
BUSY_ACTIONS = (
    "//transition/*[not(self::rsc_action[@op='cancel' or (@op='monitor' and @interval!='0')])"
    " and not(self::cluster_action[@task='clear_failcount'])]"
)
"""Transition entries that are work left to do. crm_simulate never forgets a cancelled
recurring monitor (an unmanaged resource asks for the same cancel in every transition), and it
re-schedules a monitor with on-fail=ignore after clearing its failcount, again and again: such
bookkeeping alone does not keep a cluster busy."""
"""Transitions to run before a cluster must be stable (a failed action ends a transition early)."""


class CibBuilder:
    """One CIB file under construction; every method is one or a few real tool calls."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.nodes: list[str] = []
        path.write_text(run_tool(["cibadmin", "--empty"], path))

    # configuration -------------------------------------------------------------------------

    def add_nodes(self, names: list[str]) -> None:
        """Configure cluster nodes with ids 1..n (corosync node ids)."""
        self.nodes.extend(names)
        entries = [element("node", {"id": str(i), "uname": n}) for i, n in enumerate(self.nodes, 1)]
        block = element("nodes", {}, *entries)
        self.cibadmin("--replace", "-o", "nodes", "-X", xml(block))

    def node_id(self, node: str) -> str:
        """The corosync id `add_nodes` gave `node`."""
        return str(self.nodes.index(node) + 1)

    def cibadmin(self, *args: str) -> None:
        """`cibadmin ARGS` on this file."""
        run_tool(["cibadmin", *args], self.path)

    def create(self, section: str, made: str | etree._Element) -> None:
        """`cibadmin -C -o SECTION -X XML`: add a resource or constraint."""
        self.cibadmin("-C", "-o", section, "-X", made if isinstance(made, str) else xml(made))

    def pcs(self, *args: str) -> None:
        """`pcs -f FILE ARGS` (pcs costs ~0.8 s of start-up per call: use sparingly)."""
        run_tool(["pcs", "-f", str(self.path), *args], self.path)

    def set_property(self, name: str, value: str) -> None:
        """A cluster property in crm_config (crm_attribute -t crm_config)."""
        run_tool(["crm_attribute", "-t", "crm_config", "-n", name, "-v", value], self.path)

    def set_node_attribute(
        self, node: str, name: str, value: str, lifetime: str = "forever"
    ) -> None:
        """A node attribute: permanent (nodes section) or transient (`reboot`, status section)."""
        argv = ["crm_attribute", "--node", node, "--name", name, "--update", value]
        run_tool([*argv, "--lifetime", lifetime], self.path)

    def set_meta(self, rid: str, name: str, value: str) -> None:
        """A resource meta attribute (`crm_resource --meta --set-parameter`)."""
        argv = ["crm_resource", "--resource", rid, "--meta", "--set-parameter", name]
        run_tool([*argv, "--parameter-value", value], self.path)

    def move(self, rid: str, node: str | None = None, lifetime: str | None = None) -> None:
        """`crm_resource --move`: a cli-prefer (or, without node, a cli-ban of the current one)."""
        self._cli_constraint("--move", rid, node, lifetime)

    def ban(self, rid: str, node: str, lifetime: str | None = None) -> None:
        """`crm_resource --ban`: a cli-ban-RSC-on-NODE constraint."""
        self._cli_constraint("--ban", rid, node, lifetime)

    def _cli_constraint(self, verb: str, rid: str, node: str | None, lifetime: str | None) -> None:
        argv = ["crm_resource", verb, "--resource", rid]
        if node is not None:
            argv += ["--node", node]
        if lifetime is not None:
            argv += ["--lifetime", lifetime]
        run_tool(argv, self.path)

    def set_dc(self, node: str | None) -> None:
        """Name the DC on the `<cib>` root (`dc-uuid`), as a live cluster's CIB has it."""
        self.cibadmin(
            "--modify", "-X", xml(element("cib", {"dc-uuid": self.node_id(node) if node else ""}))
        )

    # status, through the scheduler -----------------------------------------------------------

    def simulate(self, *events: str, execute: bool = True) -> etree._Element:
        """One crm_simulate run: apply `events`, schedule, optionally execute, save into the file.

        `execute=False` (`-R`) keeps the injected state as it is, before Pacemaker reacts to it
        (a resource active on two nodes, a node that failed and is not fenced yet).

        Returns:
            crm_simulate's XML output (its `<transition>` lists what was executed).
        """
        saved = self.path.with_suffix(".sim.xml")
        mode = "-S" if execute else "-R"
        argv = ["crm_simulate", "-x", str(self.path), mode, "-q", "true", "-O", str(saved)]
        output = run_tool([*argv, "--output-as=xml", *events], self.path)
        os.replace(saved, self.path)
        return etree.fromstring(output.encode())

    def bring_up(self, nodes: Iterable[str] | None = None) -> None:
        """Bring nodes online (all by default) and run the cluster until it is stable."""
        names = self.nodes if nodes is None else list(nodes)
        self.settle(*(f"--node-up={n}" for n in names))

    def settle(self, *events: str, repeat: Iterable[str] = ()) -> None:
        """Apply `events`, then run transitions until one executes nothing.

        `repeat` options (such as `--op-fail`) are given to every transition, so an operation
        fails each time the cluster tries it again.

        Raises:
            ToolError: the cluster did not settle in SETTLE_ROUNDS transitions.
        """
        repeated = list(repeat)
        for _ in range(SETTLE_ROUNDS):
            output = self.simulate(*events, *repeated)
            if not output.xpath(BUSY_ACTIONS):
                return
            events = ()
        raise ToolError(f"{self.path.name}: still busy after {SETTLE_ROUNDS} transitions")

    def where(self, rid: str) -> list[str]:
        """The nodes crm_mon shows `rid` active on (the generator steers by Pacemaker's view)."""
        mon = crm_mon_tree(self.path)
        names = mon.xpath(f"//resources//resource[@id='{rid}']/node/@name")
        assert isinstance(names, list)
        return sorted({str(name) for name in names})
