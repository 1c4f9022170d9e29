"""What the Beacon API asks of the node that serves it.

The API is a transport of the node's :class:`~eip8025_p2p.pipeline.ProofPipeline`; everything
else it needs - who the node is, its peers, its head, how to name a block - comes through
:class:`ApiBackend`, which :class:`~eip8025_p2p.node.ProofNode` implements (and a test double
in the tests).
"""

from __future__ import annotations

import dataclasses
from typing import Literal, Protocol

from eip8025_p2p.pipeline import ProofPipeline

__all__ = ["ApiBackend", "BlockRef", "NodeIdentity", "PeerInfo", "SyncStatus"]


@dataclasses.dataclass(frozen=True)
class NodeIdentity:
    """``GET /eth/v1/node/identity`` (beacon-APIs ``NetworkIdentity``)."""

    peer_id: str
    enr: str
    p2p_addresses: list[str]
    discovery_addresses: list[str]
    seq_number: int


@dataclasses.dataclass(frozen=True)
class PeerInfo:
    """One entry of ``GET /eth/v1/node/peers`` (beacon-APIs ``Peer``)."""

    peer_id: str
    enr: str | None
    last_seen_p2p_address: str
    state: Literal["disconnected", "connecting", "connected", "disconnecting"]
    direction: Literal["inbound", "outbound"]


@dataclasses.dataclass(frozen=True)
class SyncStatus:
    """``GET /eth/v1/node/syncing``; also decides ``/eth/v1/node/health``."""

    head_slot: int
    sync_distance: int
    is_syncing: bool
    is_optimistic: bool = False
    el_offline: bool = False
    healthy: bool = True
    """False: the node cannot judge proofs now (its beacon node is away): health answers 503."""


@dataclasses.dataclass(frozen=True)
class BlockRef:
    """A block a ``block_id`` named."""

    root: bytes
    slot: int
    finalized: bool


class ApiBackend(Protocol):
    """The node behind the API."""

    @property
    def pipeline(self) -> ProofPipeline:
        """Where submitted proofs go (and whose store GETs read)."""
        ...

    def identity(self) -> NodeIdentity:
        """The node's libp2p identity."""
        ...

    def peers(self) -> list[PeerInfo]:
        """The node's current peers."""
        ...

    def sync_status(self) -> SyncStatus | None:
        """Head and distance to the wall-clock slot; None before the node has a chain."""
        ...

    def resolve_block(self, block_id: str) -> BlockRef | None:
        """``head``, ``finalized``, ``genesis``, a slot or a ``0x`` root; None if unknown.

        Raises:
            ValueError: ``block_id`` is not one of those forms.
        """
        ...
