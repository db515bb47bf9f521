"""The `[notify]` hook: settled verdict and VIP holder changes reach the command as JSON on
stdin; a broken command is reported and the watch goes on."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from console.config import ConfigError, NotifyConfig, parse_config
from console.model.fleet.changes import change_event, watched_state
from console.notify import Notifier, ObservedSource
from tests.support.lab_live import lab_live

HEALTHY, STANDBY, SPLIT = (lab_live("healthy-2node"), lab_live("standby-node-a"),
                           lab_live("split-brain"))


def recorder(path: Path) -> tuple[str, ...]:
    """argv of a command that appends its stdin to `path` (one event per line)."""
    script = f"import sys; open({str(path)!r}, 'a').write(sys.stdin.read())"
    return (sys.executable, "-c", script)


def events_in(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def until(condition, limit: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(limit):
        while not condition():
            await asyncio.sleep(0.01)


def test_the_event_says_where_the_vip_came_from_and_where_it_settled() -> None:
    event = change_event("sip", watched_state(HEALTHY), watched_state(STANDBY), 1.5, STANDBY)
    assert event is not None
    assert event["vips"] == {"ClusterIP": {"from": ["node-a"], "to": ["node-b"]}}
    assert event["verdict"] is None and event["cluster"] == "sip"
    assert event["now"]["vip_holders"] == {"ClusterIP": ["node-b"]}  # type: ignore[index]
    assert change_event("sip", watched_state(HEALTHY), watched_state(HEALTHY), 1, None) is None


def test_losing_sight_of_a_cluster_is_a_verdict_change_not_every_vip_stopping() -> None:
    gone = lab_live("healthy-2node", unreachable=("node-a", "node-b"))
    event = change_event("sip", watched_state(HEALTHY), watched_state(gone), 1, gone)
    assert event is not None
    assert event["verdict"] == {"from": "consistent", "to": "unreachable"}
    assert event["vips"] == {}


async def test_a_failover_through_stopped_is_one_event_once_it_settles(tmp_path: Path) -> None:
    out = tmp_path / "events"
    notifier = Notifier(NotifyConfig(recorder(out), debounce=0.2))
    notifier.observe("sip", HEALTHY)  # the baseline: no event
    notifier.observe("sip", SPLIT)
    await asyncio.sleep(0.05)
    notifier.observe("sip", STANDBY)  # it moved on before the debounce ran out
    for _ in range(5):  # more rounds in the same state do not hold the event back
        await asyncio.sleep(0.05)
        notifier.observe("sip", STANDBY)
    await until(lambda: len(events_in(out)) == 1)
    await notifier.close()
    (event,) = events_in(out)
    assert event["vips"] == {"ClusterIP": {"from": ["node-a"], "to": ["node-b"]}}
    assert event["verdict"] is None


async def test_a_change_that_goes_back_within_the_debounce_is_not_told(tmp_path: Path) -> None:
    out = tmp_path / "events"
    notifier = Notifier(NotifyConfig(recorder(out), debounce=0.2))
    notifier.observe("sip", HEALTHY)
    notifier.observe("sip", SPLIT)
    await asyncio.sleep(0.05)
    notifier.observe("sip", HEALTHY)
    await asyncio.sleep(0.4)
    await notifier.close()
    assert events_in(out) == [] and notifier.sent == []


@pytest.mark.parametrize(("command", "said"), [
    (("/nonexistent/page-me",), "could not start"),
    ((sys.executable, "-c", "import sys; sys.stderr.write('no route'); sys.exit(4)"),
     "exited 4: no route"),
    ((sys.executable, "-c", "import time; time.sleep(30)"), "ran over 0.3 s, killed"),
])
async def test_a_broken_command_is_reported_and_the_watch_goes_on(
        command: tuple[str, ...], said: str) -> None:
    problems: list[str] = []
    notifier = Notifier(NotifyConfig(command, debounce=0.01, timeout=0.3), problems.append)

    async def snapshots() -> AsyncIterator[object]:
        for live in (HEALTHY, STANDBY, STANDBY, HEALTHY, HEALTHY):
            yield live
            await asyncio.sleep(0.1)

    class Source:
        def snapshots(self):  # type: ignore[no-untyped-def]
            return snapshots()

        def refresh_now(self) -> None: ...

    seen = [live async for live in ObservedSource(Source(), "sip", notifier).snapshots()]
    await until(lambda: len(problems) >= 2)
    await notifier.close()
    assert len(seen) == 5, "every snapshot still reached the console"
    assert len(notifier.sent) == 2 and said in problems[0]


def test_notify_in_clusters_toml_is_an_argv_list_never_a_shell_string() -> None:
    config = parse_config('[notify]\ncommand = ["/usr/local/bin/page", "--team", "sip"]\n'
                          'debounce = 2\n')
    assert config.notify == NotifyConfig(("/usr/local/bin/page", "--team", "sip"), 2.0, 10.0)
    for bad, said in [('command = "page --team sip"', "list of strings"),
                      ("command = []", "list of strings"),
                      ('command = ["x"]\ndebounce = -1', "debounce: must be"),
                      ('command = ["x"]\ntimeout = 0', "timeout: must be"),
                      ('command = ["x"]\nshell = true', "unknown key")]:
        with pytest.raises(ConfigError, match=said):
            parse_config(f"[notify]\n{bad}\n")
