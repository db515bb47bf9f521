"""The fencer's history is read with the membership, never on a quick idle round."""

from __future__ import annotations

from console.transport import probes
from console.transport.argv import remote_command


def test_membership_rounds_read_every_fencer_history_as_xml() -> None:
    named = dict(probes.round_commands(None, None, membership=True))
    # --verbose: without it stonith_admin prints one event, its oldest success (tests/demo)
    assert named["fencing"] == ("stonith_admin", "--history", "*", "--verbose",
                                "--output-as=xml")
    # the star reaches the node as one quoted argument, never a shell glob
    assert "'*'" in remote_command(named["fencing"])


def test_idle_rounds_leave_the_history_out() -> None:
    assert "fencing" not in dict(probes.round_commands(None, None, membership=False))
