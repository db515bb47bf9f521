"""Argv builders and the one function that turns an argv into a remote command string."""

from __future__ import annotations

import shlex
import subprocess

import pytest

from console.transport import argv as argvs
from console.transport.argv import remote_command, unwrap_remote_command

HOSTILE_NAMES = [
    "node; rm -rf /",
    "$(touch /tmp/pwned)",
    "`id`",
    "a\nb",
    "it's",
    'say "hi"',
    "ünïcødé-ノード",
    "-rf",
    "  spaced  ",
    "*",
    "",
]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (argvs.cib_version(), ("cibadmin", "-Q", "-n")),
        (argvs.cib_query(), ("cibadmin", "-Q")),
        (argvs.crm_mon_xml(), ("crm_mon", "-1", "--output-as=xml")),
        (argvs.ip_addresses(), ("ip", "-o", "addr", "show")),
        (argvs.crm_node_name(), ("crm_node", "--name")),
        (argvs.crm_node_quorum(), ("crm_node", "--quorum")),
        (argvs.crm_node_partition(), ("crm_node", "--partition")),
        (
            argvs.crm_mon_events(),
            (
                "crm_mon",
                "--output-as=text",
                "--output-to=/dev/null",
                "-E",
                "/usr/bin/env",
                "-i",
                "3600",
            ),
        ),
        (
            argvs.service_active("opensips.service"),
            ("systemctl", "is-active", "--", "opensips.service"),
        ),
        (argvs.process_running("opensips"), ("pgrep", "-x", "--", "opensips")),
    ],
)
def test_builders_return_exact_argv(argv: tuple[str, ...], expected: tuple[str, ...]) -> None:
    assert argv == expected


def test_event_feed_can_include_fencing() -> None:
    assert "-W" in argvs.crm_mon_events(fencing=True)


def test_remote_command_sets_the_c_locale() -> None:
    assert remote_command(argvs.cib_version()) == "env LC_ALL=C cibadmin -Q -n"


def test_remote_command_lets_the_node_end_an_abandoned_command() -> None:
    command = remote_command(["cibadmin", "-Q"], kill_after=4.2)
    assert command == "env LC_ALL=C timeout -k 1 5 cibadmin -Q"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_stay_one_argument(name: str) -> None:
    argv = argvs.service_active(name)
    command = remote_command(argv)
    assert shlex.split(command) == ["env", "LC_ALL=C", *argv]
    assert unwrap_remote_command(command) == list(argv)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_real_shell_sees_exactly_the_argv(name: str) -> None:
    """What matters on the node: sh parses the string back into the same words, runs nothing."""
    command = remote_command(["printf", "%s\\0", name, "second"], kill_after=5)
    shown = subprocess.run(["sh", "-c", command], capture_output=True, check=True).stdout
    assert shown.split(b"\0")[:-1] == [name.encode(), b"second"]


def test_unwrap_strips_every_wrapper_and_keeps_options_of_the_command() -> None:
    command = remote_command(["crm_mon", "-1", "--output-as=xml"], kill_after=10)
    assert unwrap_remote_command(command) == ["crm_mon", "-1", "--output-as=xml"]
    assert unwrap_remote_command("env A=1 B=2 timeout --signal KILL 3 ls -l") == ["ls", "-l"]


@pytest.mark.parametrize("argv", [[], ["echo", "nul\0byte"]])
def test_unsendable_commands_are_refused(argv: list[str]) -> None:
    with pytest.raises(ValueError):
        remote_command(argv)
