"""`hacon fence NODE` on the fencing lab: a real stonith_admin --reboot through fence_lab.

The lab's fence agent powers the node off (its "switch"); the lab powers it on again, and the
node must rejoin. The refusal (the VIP holder while its peer is in standby) sends nothing: the
lab's power switch answers no request.
"""

from __future__ import annotations

import pytest

from .harness import Lab
from .test_actions_standby import journal
from .test_actions_toolkit import hacon_typing, peer_of

pytestmark = pytest.mark.lab


def test_fence_reboots_a_node_verified_by_the_history_and_a_vip_holder_refusal_sends_nothing(
        healthy_lab_fenced: Lab) -> None:
    lab = healthy_lab_fenced
    assert lab.fencer is not None
    holder = lab.vip()[0]
    victim = peer_of(lab, holder)
    answered = len(lab.fencer.done)

    lab.set_standby(victim, True)
    try:
        refused = hacon_typing(lab, f"{holder}\n", "fence", holder, "--yes")
    finally:
        lab.set_standby(victim, False)
    assert refused.returncode == 3, refused.stderr
    assert f"{holder} holds ClusterIP and no other node could take it over" in refused.stderr
    assert len(lab.fencer.done) == answered and lab.state.nodes[holder].init_pid is not None
    lab.wait()

    done = hacon_typing(lab, f"{victim}\n", "fence", victim, "--yes")
    assert done.returncode == 0, done.stderr
    assert f"fenced: reboot of {victim} by " in done.stdout and ": success at" in done.stdout
    assert lab.state.nodes[victim].init_pid is None  # the switch powered it off
    assert [(asked["target"], asked["answer"]) for asked in lab.fencer.done[answered:]] == [
        (victim, "ok")]
    history = lab.exec(holder, ["stonith_admin", "--history", victim, "--output-as=xml"],
                       check=True).stdout
    assert f'target="{victim}"' in history and 'status="success"' in history
    assert lab.vip() == [holder]
    assert [(e["action"], e["outcome"]) for e in journal()][-2:] == [("fence", "refused"),
                                                                      ("fence", "done")]

    lab.start(victim)
    unknown = hacon_typing(lab, "node-z\n", "fence", "node-z", "--yes")
    assert unknown.returncode == 2 and unknown.stderr.strip().splitlines()[-1].startswith(
        "hacon: node-z is not a node of this cluster")
    assert lab.wait(90) == holder  # the fenced node rejoined; the VIP stayed
