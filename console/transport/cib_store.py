"""The poller's CIBs: each node's newest parsed CIB, parsed off the event loop, once per
distinct content (every node of a healthy cluster sends the same bytes)."""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import replace

from console.model.cluster import ClusterSnapshot
from console.model.errors import CibParseError, describe
from console.model.live.snapshot import NodeView
from console.model.types import CibVersion

CibParser = Callable[[bytes], ClusterSnapshot]


class CibStore:
    """Per node, the CIB it sent last; a parse cache of a few recent contents."""

    def __init__(self, parser: CibParser, node_count: int) -> None:
        self._parser = parser
        self._cache_size = 2 * node_count + 2  # every node's current and previous content
        self._parsed: OrderedDict[bytes, ClusterSnapshot | CibParseError] = OrderedDict()
        self._cibs: dict[str, ClusterSnapshot] = {}

    @property
    def by_node(self) -> Mapping[str, ClusterSnapshot]:
        return self._cibs

    def get(self, node: str) -> ClusterSnapshot | None:
        return self._cibs.get(node)

    def known_version(self, node: str) -> CibVersion | None:
        """The version of the CIB kept for `node` (a round then fetches only a newer one)."""
        cib = self._cibs.get(node)
        return cib.version if cib is not None else None

    async def store(self, node: str, data: bytes) -> str | None:
        """Parse (off the event loop, once per distinct content) and keep the node's CIB;
        the reason when it cannot be parsed."""
        digest = hashlib.sha256(data).digest()
        parsed = self._parsed.get(digest)
        if parsed is None:
            try:
                parsed = await asyncio.to_thread(self._parser, data)
            except CibParseError as error:
                parsed = error
            except Exception as error:  # noqa: BLE001 - a parser bug must not stop the loop
                parsed = CibParseError(f"{type(error).__name__}: {error}")
            self._parsed[digest] = parsed
            while len(self._parsed) > self._cache_size:
                self._parsed.popitem(last=False)
        if isinstance(parsed, CibParseError):
            self._cibs.pop(node, None)  # refetch next round rather than trust an old copy
            return f"CIB unreadable: {describe(parsed)}"
        self._cibs[node] = parsed
        return None

    def settle_view(self, node: str, view: NodeView, cib_error: str | None) -> NodeView:
        """Align the view with the CIB kept for the node; drop a CIB that is no longer its."""
        cib = self._cibs.get(node)
        if view.cib_version is None:
            self._cibs.pop(node, None)  # the node could not say its version: nothing fresh
        elif cib is not None and cib.version > view.cib_version:
            view = replace(view, cib_version=cib.version)  # the CIB moved on between reads
        if cib_error is not None:
            view = replace(
                view, stack_error="; ".join(part for part in (view.stack_error, cib_error) if part)
            )
        return view
