"""Running commands on fake nodes over real SSH: results, faults, concurrency."""

from __future__ import annotations

import asyncio

import asyncssh
import pytest

from console.transport import argv as argvs
from console.transport.base import (
    CommandRunner,
    CommandTimedOut,
    Connected,
    FailureKind,
    Idle,
    NodeUnreachable,
    Unreachable,
)
from console.transport.batch import run_batch
from console.transport.local_server import ClientFiles, DropConnection, LocalSshServer
from console.transport.ssh import SshCluster
from console.transport.ssh_config import SshSettings
from tests.transport.helpers import Answer, ScriptedHandler, eventually, settings_for


async def test_a_command_returns_status_output_and_reads_its_input(settings: SshSettings) -> None:
    async with SshCluster(["node-a"], settings) as cluster:
        result = await cluster.run("node-a", ["cat-like", "x"], timeout=5, input=b"stdin data")
    assert result.ok and result.node == "node-a" and result.argv == ("cat-like", "x")
    assert result.stdout == b"node-a: cat-like x\nstdin data"


async def test_the_cluster_is_a_command_runner(settings: SshSettings) -> None:
    assert isinstance(SshCluster(["node-a"], settings), CommandRunner)


async def test_hostile_words_reach_the_node_as_the_same_argv(
    settings: SshSettings, fake_nodes: LocalSshServer
) -> None:
    argv = ["crm_attribute", "--node", "node; rm -rf /", "$(x)", "a\nb", "ノード"]
    async with SshCluster(["node-a"], settings) as cluster:
        await cluster.run("node-a", argv, timeout=5)
    assert fake_nodes.commands[-1] == ("node-a", tuple(argv))


async def test_non_zero_exit_and_garbage_output_come_back_verbatim(
    settings: SshSettings, handler: ScriptedHandler
) -> None:
    garbage = bytes(range(256)) + b"<cib><<\x00\xff"

    async def broken(node: str, argv: list[str], stdin: bytes) -> Answer:
        return 7, garbage, b"line one\nthe error\n"

    handler.on("cibadmin", broken)
    async with SshCluster(["node-a"], settings) as cluster:
        result = await cluster.run("node-a", argvs.cib_query(), timeout=5)
    assert (result.exit_status, result.stdout) == (7, garbage)
    assert result.stderr_line() == "the error"


async def test_a_hanging_command_times_out_and_frees_its_session(
    client_files: ClientFiles, handler: ScriptedHandler
) -> None:
    async def hang(node: str, argv: list[str], stdin: bytes) -> Answer:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    handler.on("hang", hang)
    one_slot = settings_for(client_files, max_sessions=1)
    async with SshCluster(["node-a"], one_slot) as cluster:
        with pytest.raises(CommandTimedOut) as caught:
            await cluster.run("node-a", ["hang"], timeout=0.3)
        # With a single slot, this only works if the timed-out session was released.
        after = await cluster.run("node-a", ["echo", "next"], timeout=5)
    assert caught.value.kind is FailureKind.COMMAND_TIMEOUT
    assert "hang did not finish within 0.3 s" in caught.value.reason
    assert after.stdout == b"node-a: echo next\n"


async def test_a_connection_dropped_mid_command_is_reported_then_reopened(
    settings: SshSettings, handler: ScriptedHandler
) -> None:
    async def drop(node: str, argv: list[str], stdin: bytes) -> Answer:
        raise DropConnection

    handler.on("drop", drop)
    async with SshCluster(["node-a"], settings) as cluster:
        with pytest.raises(NodeUnreachable) as caught:
            await cluster.run("node-a", ["drop"], timeout=5)
        assert caught.value.kind is FailureKind.DROPPED
        await eventually(lambda: _runs(cluster, "node-a"))
        assert isinstance(cluster.states()["node-a"], Connected)


async def _runs(cluster: SshCluster, node: str) -> bool:
    try:
        await cluster.run(node, ["true"], timeout=5)
    except NodeUnreachable:
        return False
    return True


async def test_a_slow_node_does_not_hold_up_the_others(
    settings: SshSettings, handler: ScriptedHandler
) -> None:
    released = asyncio.Event()

    async def slow(node: str, argv: list[str], stdin: bytes) -> Answer:
        if node == "node-a":
            await released.wait()
        return 0, node.encode(), b""

    handler.on("probe", slow)
    async with SshCluster(["node-a", "node-b"], settings) as cluster:
        slow_run = asyncio.create_task(cluster.run("node-a", ["probe"], timeout=30))
        fast = await asyncio.wait_for(cluster.run("node-b", ["probe"], timeout=30), 10)
        assert not slow_run.done()
        released.set()
        assert (await slow_run).stdout == b"node-a"
    assert fast.stdout == b"node-b"


async def test_twenty_concurrent_runs_on_one_connection_all_succeed(
    settings: SshSettings, handler: ScriptedHandler, fake_nodes: LocalSshServer
) -> None:
    async def busy(node: str, argv: list[str], stdin: bytes) -> Answer:
        await asyncio.sleep(0.05)
        return 0, argv[1].encode(), b""

    handler.on("busy", busy)
    async with SshCluster(["node-a"], settings) as cluster:
        results = await asyncio.gather(
            *(cluster.run("node-a", ["busy", str(i)], timeout=30) for i in range(20))
        )
    assert [r.stdout for r in results] == [str(i).encode() for i in range(20)]
    # The fake node refuses the 11th session like sshd; hacon never asks for more than 8.
    assert fake_nodes.peak_sessions <= settings.max_sessions


async def test_a_batch_runs_in_one_session_and_splits_per_command(
    settings: SshSettings, fake_nodes: LocalSshServer
) -> None:
    async with SshCluster(["node-b"], settings) as cluster:
        results = await run_batch(
            cluster, "node-b", [argvs.cib_version(), argvs.ip_addresses()], timeout=5
        )
    assert [r.stdout for r in results] == [
        b"node-b: cibadmin -Q -n\n",
        b"node-b: ip -o addr show\n",
    ]
    assert fake_nodes.commands == [
        ("node-b", argvs.cib_version()),
        ("node-b", argvs.ip_addresses()),
    ]


async def test_states_go_idle_connected_unreachable_connected(
    settings: SshSettings, fake_nodes: LocalSshServer
) -> None:
    seen: list[str] = []
    async with SshCluster(["node-a"], settings) as cluster:
        cluster.add_state_listener(lambda node, state: seen.append(state.label))
        assert isinstance(cluster.states()["node-a"], Idle)
        await cluster.connect_all()
        await fake_nodes.stop_node("node-a")
        await eventually(lambda: _is_unreachable(cluster))
        with pytest.raises(NodeUnreachable) as refused:
            await cluster.session("node-a").connect(force=True)
        assert refused.value.kind is FailureKind.REFUSED
        state = cluster.states()["node-a"]
        assert isinstance(state, Unreachable) and state.retry_at is not None
        await fake_nodes.start_node("node-a")
        await eventually(lambda: _runs(cluster, "node-a"))
    assert seen[:2] == ["connecting", "connected"]
    assert "unreachable" in seen and seen[-2:] == ["connected", "idle"]


async def _is_unreachable(cluster: SshCluster) -> bool:
    return isinstance(cluster.states()["node-a"], Unreachable)


async def test_while_backing_off_calls_fail_fast_with_the_last_reason(
    settings: SshSettings, fake_nodes: LocalSshServer
) -> None:
    from dataclasses import replace

    slow_retry = replace(settings, backoff_initial=60.0, backoff_max=60.0)
    await fake_nodes.stop_node("node-c")
    async with SshCluster(["node-c"], slow_retry) as cluster:
        with pytest.raises(NodeUnreachable):
            await cluster.run("node-c", ["true"], timeout=5)
        await fake_nodes.start_node("node-c")
        with pytest.raises(NodeUnreachable, match="next try in"):
            await cluster.run("node-c", ["true"], timeout=5)
        await cluster.session("node-c").connect(force=True)  # the operator's "refresh now"
        assert (await cluster.run("node-c", ["true"], timeout=5)).ok


async def test_connect_all_opens_nodes_concurrently_and_reports_each(
    settings: SshSettings, fake_nodes: LocalSshServer
) -> None:
    await fake_nodes.stop_node("node-b")
    async with SshCluster(["node-a", "node-b", "node-c"], settings) as cluster:
        states = await cluster.connect_all()
    assert [type(states[n]).__name__ for n in ("node-a", "node-b", "node-c")] == [
        "Connected",
        "Unreachable",
        "Connected",
    ]
    down = states["node-b"]
    assert isinstance(down, Unreachable) and "connection refused" in down.reason


async def test_without_hacon_cap_the_node_refuses_sessions_past_its_max(
    client_files: ClientFiles, handler: ScriptedHandler
) -> None:
    """Shows the 20-run test above can fail: the fake node enforces MaxSessions 10 like sshd."""
    release = asyncio.Event()

    async def wait(node: str, argv: list[str], stdin: bytes) -> Answer:
        await release.wait()
        return 0, b"", b""

    handler.on("wait", wait)
    uncapped = settings_for(client_files, max_sessions=12)
    async with SshCluster(["node-a"], uncapped) as cluster:
        runs = [asyncio.create_task(cluster.run("node-a", ["wait"], timeout=30)) for _ in range(12)]
        done, _ = await asyncio.wait(runs, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        release.set()
        outcomes = await asyncio.gather(*runs, return_exceptions=True)
    refused = [o for o in outcomes if isinstance(o, NodeUnreachable)]
    assert len(refused) == 2 and done
    assert all("refused a new session" in error.reason for error in refused)


async def test_a_peer_that_never_speaks_ssh_times_out(client_files: ClientFiles) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    listener = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    config = (
        client_files.config.read_text() + f"Host mute\n    HostName 127.0.0.1\n    Port {port}\n"
    )
    client_files.config.write_text(config)
    async with listener, SshCluster(["mute"], settings_for(client_files, connect_timeout=0.5)) as c:
        with pytest.raises(NodeUnreachable) as caught:
            await c.run("mute", ["true"], timeout=5)
    assert caught.value.kind is FailureKind.TIMEOUT
    assert "no SSH connection within 0.5 s" in caught.value.reason


async def test_a_key_the_node_does_not_accept_is_an_auth_failure(
    client_files: ClientFiles, fake_nodes: LocalSshServer
) -> None:
    asyncssh.generate_private_key("ssh-ed25519").write_private_key(str(client_files.identity))
    async with SshCluster(["node-a"], settings_for(client_files)) as cluster:
        with pytest.raises(NodeUnreachable) as caught:
            await cluster.run("node-a", ["true"], timeout=5)
    assert caught.value.kind is FailureKind.AUTH
    assert fake_nodes.commands == []


async def test_a_cancelled_connect_leaves_the_node_idle_not_connecting(
    client_files: ClientFiles,
) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    listener = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    config = (
        client_files.config.read_text() + f"Host mute\n    HostName 127.0.0.1\n    Port {port}\n"
    )
    client_files.config.write_text(config)
    async with listener, SshCluster(["mute"], settings_for(client_files)) as cluster:
        attempt = asyncio.create_task(cluster.run("mute", ["true"], timeout=5))
        await eventually(lambda: _label_is(cluster, "mute", "connecting"))
        attempt.cancel()
        with pytest.raises(asyncio.CancelledError):
            await attempt
        assert isinstance(cluster.states()["mute"], Idle)


async def _label_is(cluster: SshCluster, node: str, label: str) -> bool:
    return cluster.states()[node].label == label


async def test_keepalive_notices_a_node_that_went_silent(
    client_files: ClientFiles, fake_nodes: LocalSshServer
) -> None:
    """A pulled cable closes nothing: only SSH keepalives can tell the node is gone."""
    quick = settings_for(client_files, keepalive_interval=0.2, keepalive_count_max=2)
    async with SshCluster(["node-a", "node-b"], quick) as cluster:
        await cluster.connect_all()
        fake_nodes.freeze_node("node-a")
        await eventually(lambda: _label_is(cluster, "node-a", "unreachable"))
        state = cluster.states()["node-a"]
        assert isinstance(state, Unreachable) and state.kind is FailureKind.DROPPED
        assert "keepalive" in state.reason
        assert isinstance(cluster.states()["node-b"], Connected)
        fake_nodes.thaw_node("node-a")
        await eventually(lambda: _runs(cluster, "node-a"))


async def test_a_silent_node_times_out_commands_and_connections(
    client_files: ClientFiles, fake_nodes: LocalSshServer
) -> None:
    quick = settings_for(client_files, connect_timeout=0.5)
    async with SshCluster(["node-a", "node-b"], quick) as cluster:
        await cluster.connect_all()
        fake_nodes.freeze_node("node-a")
        fake_nodes.freeze_node("node-b")
        with pytest.raises(CommandTimedOut):
            await cluster.run("node-a", ["true"], timeout=0.5)
    async with SshCluster(["node-b"], quick) as fresh:
        with pytest.raises(NodeUnreachable) as caught:
            await fresh.run("node-b", ["true"], timeout=5)
    assert caught.value.kind is FailureKind.TIMEOUT


async def test_megabytes_of_input_and_output_pass_intact(
    settings: SshSettings, handler: ScriptedHandler
) -> None:
    """A CIB patch goes in on stdin and a big CIB comes back: flow control must hold."""

    async def echo(node: str, argv: list[str], stdin: bytes) -> Answer:
        return 0, stdin[::-1], b""

    handler.on("cibadmin", echo)
    payload = bytes(range(256)) * 12_000  # 3 MB
    async with SshCluster(["node-a"], settings) as cluster:
        result = await cluster.run("node-a", ["cibadmin", "--patch"], timeout=60, input=payload)
    assert result.stdout == payload[::-1]
