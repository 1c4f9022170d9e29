"""The chain view the req/resp service needs: our Status and our MetaData.

The node supplies a :class:`StatusSource` (its chain follower knows the head, the finalized
checkpoint and the fork digest); :class:`StaticStatusSource` is a settable one for tools, tests
and nodes that update it from elsewhere.
"""

from __future__ import annotations

from typing import Protocol

from eip8025_p2p.reqresp.messages import MetaDataV3, StatusV2

__all__ = ["StaticStatusSource", "StatusSource"]


class StatusSource(Protocol):
    """Our side of the handshake, read on every request (so it must be cheap).

    ``local_status`` returns the fulu ``Status`` (v2); v1 peers get it without
    ``earliest_available_slot``. ``local_metadata`` returns the fulu ``MetaData`` (v3); v2 peers
    get it without ``custody_group_count``. Its ``seq_number`` answers Pings and must grow
    whenever another MetaData field changes.
    """

    def local_status(self) -> StatusV2:
        """Fork digest, finalized checkpoint, head and earliest available slot, as of now."""
        ...

    def local_metadata(self) -> MetaDataV3:
        """Our MetaData (sequence number, attnets, syncnets, custody group count)."""
        ...


class StaticStatusSource:
    """A :class:`StatusSource` holding values someone else keeps current.

    Args:
        status: The initial Status.
        metadata: The initial MetaData (default: sequence number 0, no subnets, no custody).
    """

    def __init__(self, status: StatusV2, metadata: MetaDataV3 | None = None) -> None:
        self.status = status
        self.metadata = metadata if metadata is not None else MetaDataV3(seq_number=0)

    def local_status(self) -> StatusV2:
        """The current Status."""
        return self.status

    def local_metadata(self) -> MetaDataV3:
        """The current MetaData."""
        return self.metadata

    def set_status(self, status: StatusV2) -> None:
        """Replace the Status (e.g. on a new head or finalized checkpoint)."""
        self.status = status

    def set_metadata(self, metadata: MetaDataV3) -> None:
        """Replace the MetaData; the sequence number is bumped if any other field changed."""
        old = self.metadata
        if metadata.copy_with(seq_number=old.seq_number) != old:
            metadata = metadata.copy_with(seq_number=max(metadata.seq_number, old.seq_number + 1))
        self.metadata = metadata
