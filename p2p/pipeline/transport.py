"""What the pipeline asks of the transport that feeds it (gossip, an API)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Protocol

from eip8025_p2p.encoding import PreparedMessage

__all__ = ["NoTransport", "Transport"]


class Transport(Protocol):
    """What the pipeline asks of the transport that feeds it."""

    async def broadcast(self, message: PreparedMessage, exclude: Hashable | None) -> None:
        """Send an accepted message to the network (not back to ``exclude``)."""
        ...

    def penalize(self, source: Hashable) -> None:
        """The message ``source`` sent turned out invalid (after it was parked)."""
        ...

    def mark_seen(self, msg_id: bytes) -> None:
        """Treat later copies of ``msg_id`` as duplicates."""
        ...

    def forget(self, msg_id: bytes) -> None:
        """Let a later copy of ``msg_id`` be validated again."""
        ...


class NoTransport:
    """A :class:`Transport` that sends nothing (a pipeline not attached to a network)."""

    async def broadcast(self, message: PreparedMessage, exclude: Hashable | None) -> None:
        """Nothing to send to."""

    def penalize(self, source: Hashable) -> None:
        """Nobody to penalise."""

    def mark_seen(self, msg_id: bytes) -> None:
        """No duplicate cache."""

    def forget(self, msg_id: bytes) -> None:
        """No duplicate cache."""
