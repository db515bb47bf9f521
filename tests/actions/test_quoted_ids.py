"""Ids in the commands hacon suggests and in its action titles are quoted as a shell needs them.

An operator copies `crm_resource --clear --resource ID` from hacon's output into a root shell;
an id with a space, `;` or `$(...)` must arrive as one word, never as extra commands. Escape
characters in an id are shown escaped, never sent to the terminal.
"""

from __future__ import annotations

import pytest
from cib_edits import edited, lab_cib, transient

from console.actions import plans
from console.actions.plans import ActionRefused
from console.commands import actions_run
from console.commands.status_view import render_status
from console.model.constraints.parse import Constraints
from tests.support import snapshots as b

HOSTILE_NODE = "node-a;reboot"
HOSTILE_RESOURCE = "OSIPS $(reboot)"
TWO = lab_cib("healthy-2node")


def renamed(cib: bytes, old: str, new: str) -> bytes:
    return cib.replace(f'"{old}"'.encode(), f'"{new}"'.encode())


def test_the_clear_hint_quotes_the_resource_id() -> None:
    ban = b.cli_ban(HOSTILE_RESOURCE, "node-a")
    snapshot = b.cluster(constraints=Constraints(location=(ban,), colocation=(), order=()))
    text = render_status(snapshot)
    assert "(clear with: hacon clear 'OSIPS $(reboot)')" in text


def test_the_clear_hint_escapes_what_a_terminal_would_interpret() -> None:
    ban = b.cli_ban("OSIPS\x1b[2J", "node-a")
    snapshot = b.cluster(constraints=Constraints(location=(ban,), colocation=(), order=()))
    text = render_status(snapshot)
    assert "hacon clear 'OSIPS\\x1b[2J'" in text and "\x1b" not in text


def test_a_transient_standby_hint_quotes_the_node() -> None:
    cib = edited(renamed(TWO, "node-a", HOSTILE_NODE), transient(HOSTILE_NODE, "standby", "off"))
    with pytest.raises(ActionRefused) as refused:
        plans.plan_standby(cib, HOSTILE_NODE, run_on="node-b")
    assert "crm_attribute --node 'node-a;reboot' --name standby" in refused.value.reason


def test_the_cli_title_and_prompt_quote_and_escape_ids(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    node = "node-a \u009b2J\u202ex"
    plan = plans.plan_standby(renamed(TWO, "node-a", node), node, run_on="node-b")
    actions_run._show_plan(plan)
    shown = capsys.readouterr().out.splitlines()[0]
    assert shown.startswith("Put 'node-a \\x9b2J\\u202ex' in standby (run on node-b")
    prompts: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or "n")
    assert actions_run._confirmed(plan) is False
    assert prompts == ["Put 'node-a \\x9b2J\\u202ex' in standby? [y/N] "]
