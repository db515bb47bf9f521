"""The scheduler's preview is bounded: a private shadow dir on the node, a timeout here."""

from __future__ import annotations

import asyncio
import shlex
import subprocess
from pathlib import Path

import pytest

from console.actions import execute, plans


async def test_a_local_crm_simulate_that_hangs_is_stopped_with_a_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hanging = tmp_path / "crm_simulate"
    hanging.write_text("#!/bin/sh\nexec sleep 600\n")
    hanging.chmod(0o755)
    monkeypatch.setattr(execute, "find_tool", lambda name: str(hanging))
    monkeypatch.setattr(execute, "LOCAL_SIMULATE_TIMEOUT", 0.5)
    result = await asyncio.wait_for(execute._simulate_here(b"<cib/>"), 20)
    assert result is not None and not result.ok
    assert "did not finish within 0.5 s" in result.stderr_line()


FAKE_SIMULATE = """#!/bin/sh
# Records where it was asked to write its shadow CIB, leaves a file there, echoes its stdin.
echo "$CIB_shadow_dir" > "$RECORD"
stat -c %a "$CIB_shadow_dir" >> "$RECORD"
cat > "$CIB_shadow_dir/shadow.$$"
cat "$CIB_shadow_dir/shadow.$$"
echo "args: $*" >&2
exit 3
"""


def test_the_preview_on_a_node_writes_to_a_private_dir_and_removes_it(tmp_path: Path) -> None:
    """The node runs the preview argv as sent (joined with shlex): crm_simulate's shadow CIB
    (stonith passwords included) goes to a fresh 0700 directory, not to /tmp/shadow.<pid>."""
    bin_dir, scratch = tmp_path / "bin", tmp_path / "tmp"
    bin_dir.mkdir()
    scratch.mkdir()
    fake = bin_dir / "crm_simulate"
    fake.write_text(FAKE_SIMULATE)
    fake.chmod(0o755)
    record = tmp_path / "record"
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "TMPDIR": str(scratch), "RECORD": str(record)}
    done = subprocess.run(["sh", "-c", shlex.join(plans.SIMULATE_ARGV)], input=b"<cib secret/>",
                          capture_output=True, env=env, check=False, timeout=30)
    assert (done.returncode, done.stdout) == (3, b"<cib secret/>")
    assert done.stderr == b"args: --xml-pipe -S --output-as=xml\n"
    shadow_dir, mode = record.read_text().split()
    assert Path(shadow_dir).parent == scratch and mode == "700"
    assert list(scratch.iterdir()) == []
    assert "/tmp" not in shlex.join(plans.SIMULATE_ARGV)
