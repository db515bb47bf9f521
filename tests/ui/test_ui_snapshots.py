"""What the operator sees, as SVG screenshots (snapshots/test_snapshots/*.svg).

Every scenario runs on a fixed clock, UTC, an explicit theme and scripted snapshots, so the
pictures change only when the console does. Review any change with the HTML report.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.pilot import Pilot

from console.model.live.snapshot import Verdict
from tests.support import snapshots as b
from tests.support.console_app import AppFactory
from tests.ui.waiting import until_shown

WIDE = (120, 36)
NARROW = (80, 24)


def shown(*later: object):  # type: ignore[no-untyped-def]
    """Wait for the first snapshot, then deliver each of `later` and wait for it too
    (snapshots queued together would merge: only the newest is drawn, by design)."""
    async def run_before(pilot: Pilot[None]) -> None:
        await until_shown(pilot, 1)
        for count, snapshot in enumerate(later, start=2):
            pilot.app.source.push(snapshot)  # type: ignore[attr-defined]
            await until_shown(pilot, count)
    return run_before


def standby_failover() -> tuple[object, object]:
    """Healthy, then node-a put in standby: the VIP and the service moved to node-b."""
    nodes = [b.node("node-a", dc=True, standby=True), b.node("node-b", node_id="2")]
    after = b.live(b.cluster(nodes=nodes, vip_on=("node-b",), version=b.CibVersion(0, 43, 1)))
    return b.live(), after


def failed_service() -> object:
    return b.live(b.cluster(failcounts={"OSIPS": {"node-a": 2}},
                            failures=(b.failure("OSIPS", "node-a"),),
                            service_changes={"failed": True}))


def leftover_ban() -> object:
    ban = b.cli_ban("ClusterIP", "node-a")
    base = b.cluster(vip_on=("node-b",))
    constraints = replace(base.constraints, location=base.constraints.location + (ban,))
    return b.live(replace(base, constraints=constraints, bans=(b.ban_of(ban),)))


def split_brain() -> object:
    return b.live(b.cluster(vip_on=("node-a", "node-b")), verdict=Verdict.SPLIT_BRAIN,
                  bound_on=("node-a", "node-b"), partitions=(("node-a",), ("node-b",)))


def stale() -> object:
    return b.live(fetched_at=b.FETCHED_AT - 40, unreachable={"node-b": "connection timed out"})


def test_healthy_two_nodes(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(b.live()), terminal_size=WIDE, run_before=shown())


def test_node_in_standby_after_failover(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    before, after = standby_failover()
    assert snap_compare(make_app(before), terminal_size=WIDE, run_before=shown(after))


def test_split_brain(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(split_brain()), terminal_size=WIDE, run_before=shown())


def test_failed_service_with_failcount(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(failed_service()), terminal_size=WIDE, run_before=shown())


def test_leftover_cli_ban(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(leftover_ban()), terminal_size=WIDE, run_before=shown())


def test_stale_data(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(stale()), terminal_size=WIDE, run_before=shown())


def test_file_mode_is_read_only_not_stale(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    app = make_app(b.file_live(), label="file: /var/lib/pacemaker/pengine/pe-input-7.bz2",
                   read_only=True)
    assert snap_compare(app, terminal_size=WIDE, run_before=shown())


def test_narrow_80x24(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(failed_service()), terminal_size=NARROW, run_before=shown())


def test_narrow_80x24_events_slot(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    before, after = standby_failover()
    assert snap_compare(make_app(before), terminal_size=NARROW, run_before=shown(after),
                        press=["5"])


def test_help_lists_every_key(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(b.live()), terminal_size=WIDE, run_before=shown(),
                        press=["question_mark"])


@pytest.mark.parametrize("theme", ["console-light", "high-contrast", "textual-dark"])
def test_each_theme(snap_compare, make_app: AppFactory, theme: str) -> None:  # type: ignore[no-untyped-def]
    """Our three themes, and a built-in one that knows nothing of hacon's variables."""
    before, after = standby_failover()
    assert snap_compare(make_app(before, theme=theme), terminal_size=WIDE,
                        run_before=shown(after))
