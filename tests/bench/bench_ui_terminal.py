"""The console in a real pseudo-terminal: start to first frame, key to screen, idle bytes.

    /tmp/venv/bin/python tests/bench/bench_ui_terminal.py [--idle-seconds 60] [--presses 30]

Every figure is read from the bytes the console writes to its terminal (120x36), so painting
and terminal output are included:
  * first frame: process start until the VIP line is on the terminal (`hacon --cib-file` on a
    lab CIB, and 2,000 streaming resources);
  * key to screen: with 2,000 resources streaming (a snapshot every 0.25 s, 50 moved), the time
    from writing "/" until the filter line's text is on the terminal;
  * idle bytes per minute: nothing pressed, file mode and live mode (the poller's idle re-read
    every 5 s; data younger than 10 s reads "< 10 s", so a quiet cluster repaints nothing).
Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHILD = REPO / "tests" / "bench" / "bench_ui_child.py"
LAB_CIB = REPO / "tests" / "fixtures" / "lab" / "healthy-2node" / "node-a.cib.xml"
FILTER_TEXT = b"type text, enter keeps it"
"""Part of the filter line's placeholder (not its first letter: that carries the cursor)."""


class Terminal:
    """A child process on a 120x36 pty; everything it writes is collected with timestamps."""

    def __init__(self, argv: list[str]) -> None:
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
            env["TERM"] = "xterm-256color"
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
        self.output = bytearray()

    def read_for(self, seconds: float) -> int:
        """Read whatever comes for `seconds`; return the byte count."""
        deadline = time.perf_counter() + seconds
        count = 0
        while (left := deadline - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                chunk = os.read(self.fd, 65536)
                count += len(chunk)
                self.output += chunk
        return count

    def wait_for(self, needle: bytes, since: int, limit: float = 60.0) -> float:
        """Seconds until `needle` appears in the output after offset `since`."""
        start = time.perf_counter()
        while needle not in self.output[since:]:
            if time.perf_counter() - start > limit:
                raise TimeoutError(needle)
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if ready:
                self.output += os.read(self.fd, 65536)
        return time.perf_counter() - start

    def write(self, data: bytes) -> None:
        os.write(self.fd, data)

    def close(self) -> None:
        os.kill(self.pid, signal.SIGTERM)
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)


def first_frame(argv: list[str], needle: bytes) -> float:
    terminal = Terminal(argv)
    try:
        terminal.wait_for(needle, 0)
        return time.perf_counter() - terminal.started
    finally:
        terminal.close()


def key_to_screen(presses: int) -> tuple[list[float], int]:
    """Milliseconds from "/" to the filter line on the terminal; and how many never showed."""
    terminal = Terminal([sys.executable, str(CHILD), "stream"])
    try:
        terminal.wait_for(b"Resources (2002)", 0)
        terminal.read_for(2.0)
        latencies, lost = [], 0
        for _ in range(presses):
            mark = len(terminal.output)
            start = time.perf_counter()
            terminal.write(b"/")
            try:
                terminal.wait_for(FILTER_TEXT, mark, limit=10)
                latencies.append((time.perf_counter() - start) * 1000)
            except TimeoutError:
                lost += 1
            terminal.write(b"\r")  # enter closes the filter line (escape would need a pause)
            terminal.read_for(0.5)
        return latencies, lost
    finally:
        terminal.close()


def idle_bytes(argv: list[str], seconds: float) -> int:
    terminal = Terminal(argv)
    try:
        terminal.wait_for(b"VIP ", 0)
        terminal.read_for(3.0)
        return terminal.read_for(seconds)
    finally:
        terminal.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--presses", type=int, default=30)
    args = parser.parse_args()
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average before: {load} (wall times grow with the machine's load)")
    file_argv = [sys.executable, "-m", "console", "--cib-file", str(LAB_CIB)]
    frames = [first_frame(file_argv, b"VIP ") for _ in range(5)]
    print(f"first frame, hacon --cib-file (lab CIB): median {statistics.median(frames):.2f} s "
          f"(min {min(frames):.2f}, max {max(frames):.2f}, 5 runs)")
    big = [first_frame([sys.executable, str(CHILD), "stream"], b"Resources (2002)") for _ in range(3)]
    print(f"first frame, 2,000 resources: median {statistics.median(big):.2f} s (3 runs)")
    measured, lost = key_to_screen(args.presses)
    latencies = sorted(measured)
    print(f"key to screen, 2,000 resources streaming (0.25 s, 50 moved): median "
          f"{statistics.median(latencies):.0f} ms, p90 {latencies[int(len(latencies) * 0.9)]:.0f} "
          f"ms, max {latencies[-1]:.0f} ms ({len(latencies)} presses, {lost} not shown in 10 s)")
    per_minute = 60.0 / args.idle_seconds
    file_bytes = idle_bytes(file_argv, args.idle_seconds) * per_minute
    live_bytes = idle_bytes([sys.executable, str(CHILD), "live-idle"], args.idle_seconds)
    print(f"idle bytes per minute: file mode {file_bytes:.0f}, live mode "
          f"{live_bytes * per_minute:.0f} (measured over {args.idle_seconds:.0f} s)")
    print("load average after: " + " ".join(f"{value:.1f}" for value in os.getloadavg()))


if __name__ == "__main__":
    main()
