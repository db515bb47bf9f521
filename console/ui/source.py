"""What the console reads from: any object that yields live snapshots and can be hurried.

The UI never knows whether the snapshots come from SSH, a file or a demo: it is handed a
`ClusterSource` (toolong's injected watcher) and only iterates it inside one worker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from console.model.live.snapshot import LiveSnapshot


@runtime_checkable
class ClusterSource(Protocol):
    """A stream of snapshots; the live poller, the file source and the demo satisfy it."""

    def snapshots(self) -> AsyncIterator[LiveSnapshot]:
        """Yield a snapshot per round; stay open (never end) while the console runs."""
        ...

    def refresh_now(self) -> None:
        """Start the next round now instead of after the poll interval (never blocks)."""
        ...
