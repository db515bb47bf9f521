"""Messages that cross the app: workers post them, handlers own every state change."""

from __future__ import annotations

from textual.message import Message

from console.model.live.snapshot import LiveSnapshot
from console.presentation.snapshot_view import SnapshotView


class SnapshotReceived(Message):
    """A new snapshot arrived from the source; only the newest matters if the UI lags."""

    def __init__(self, snapshot: LiveSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot
        """The immutable snapshot, to be shown as a whole."""

    def can_replace(self, message: Message) -> bool:
        """A newer snapshot supersedes one still waiting in the queue."""
        return isinstance(message, SnapshotReceived)


class SourceFailed(Message):
    """The source stopped with an error; the last snapshot stays on screen, marked."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
        """One line for the operator."""


class ViewPrepared(Message):
    """A snapshot's rows are computed (off the event loop) and ready to be shown."""

    def __init__(self, view: SnapshotView) -> None:
        super().__init__()
        self.view = view
        """Rows for every pane and the events since the snapshot shown before."""
