"""Where a node's chain comes from: the devnet slot clock, or a real beacon node.

A :class:`ChainSource` owns the chain view the proof pipeline judges against; it tells the node
(a :class:`ChainSink`) about each block, payload and finalized slot, and answers what the Beacon
API and req/resp ask about the chain. Two implementations: :mod:`.devnet_source` (the
deterministic devnet chain, blocks imported by a slot clock) and :mod:`.beacon_source` (a beacon
node followed through its standard Beacon API).
"""

from __future__ import annotations

from typing import Protocol

from eip8025.chain import BeaconStateView, InMemoryChainView
from eip8025.config import SpecConfig
from eip8025.containers import ExecutionPayloadEnvelope, NewPayloadRequestBase
from eip8025.profiles import SpecProfile
from eip8025_p2p.api import BlockRef, SyncStatus
from eip8025_p2p.reqresp import StatusV2

__all__ = ["ChainBlock", "ChainSink", "ChainSource"]


class ChainBlock(Protocol):
    """A block as the node and its prover see it (``DevBlock``, ``FollowedBlock``)."""

    @property
    def slot(self) -> int:
        """The block's slot."""
        ...

    @property
    def root(self) -> bytes:
        """The block root."""
        ...

    @property
    def state(self) -> BeaconStateView:
        """The post-state view proofs of this block are judged against."""
        ...

    @property
    def payload_envelope(self) -> ExecutionPayloadEnvelope | None:
        """The block's payload envelope (None until known)."""
        ...

    def new_payload_request(self, profile: SpecProfile) -> NewPayloadRequestBase:
        """The profile's new-payload request of this block (ValueError before its payload)."""
        ...


class ChainSink(Protocol):
    """What a source calls on the node (in chain order, on the event loop)."""

    def on_block(self, block: ChainBlock, *, prove: bool) -> None:
        """A block is in the view (``prove``: new enough for our prover to prove)."""
        ...

    def on_payload(self, block: ChainBlock, *, prove: bool) -> None:
        """A block's payload envelope is in the view."""
        ...

    async def on_finalized(self, finalized_slot: int, dropped_roots: list[bytes]) -> None:
        """Everything below ``finalized_slot`` left the view."""
        ...


class ChainSource(Protocol):
    """A chain the node follows (see the module docstring)."""

    @property
    def view(self) -> InMemoryChainView:
        """The chain view the pipeline judges against."""
        ...

    @property
    def fork_digest(self) -> bytes:
        """The gossip fork digest (topic name, ENR, req/resp Status)."""
        ...

    @property
    def seconds_per_slot(self) -> float:
        """The slot duration."""
        ...

    def now(self) -> float:
        """Unix time on the chain's clock (wall time, or a test's MockClock)."""
        ...

    def spec_config(self, base: SpecConfig) -> SpecConfig:
        """``base`` (profile, proof types, k) with this chain's preset and chain id."""
        ...

    def head(self) -> ChainBlock | None:
        """The head block (genesis before the first block; None before genesis)."""
        ...

    def slot_start(self, slot: int) -> float:
        """Unix time a slot starts."""
        ...

    def slot_of_root(self, root: bytes) -> int | None:
        """The slot of a recent block."""
        ...

    def sync_status(self) -> SyncStatus | None:
        """For ``/eth/v1/node/syncing`` and ``/health`` (None before there is a chain)."""
        ...

    def resolve_block(self, block_id: str) -> BlockRef | None:
        """``head``, ``genesis``, ``finalized``, a slot or a ``0x`` root (ValueError if none)."""
        ...

    def local_status(self) -> StatusV2:
        """Our req/resp Status."""
        ...

    async def run(self, sink: ChainSink) -> None:
        """Follow the chain, calling ``sink``, until cancelled."""
        ...
