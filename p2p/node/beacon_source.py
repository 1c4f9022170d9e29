"""A real beacon node as a :class:`~.source.ChainSource` (``eip8025 node --beacon-node URL``).

:class:`BeaconSource` wraps :class:`~eip8025_p2p.beacon.BeaconFollower`: :meth:`start` (in the
node's outer nursery) waits until the beacon node answered and its head is in the view, so the
node can be built with the chain's fork digest, preset and chain id; :meth:`run` then hands the
follower's blocks, payloads and finality to the node. Blocks the follower reported before
:meth:`run` (the head it started with) are delivered first, in order. Only blocks within
``PROVE_WINDOW`` slots of the wall clock are proven (a catch-up after an outage is judged, not
proven).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Final

import trio

from eip8025.chain import InMemoryChainView
from eip8025.config import SpecConfig
from eip8025_p2p.api import BlockRef, SyncStatus
from eip8025_p2p.beacon import (
    BeaconFollower,
    BeaconNodeError,
    ChainInfo,
    FollowedBlock,
    FollowerCallbacks,
    FollowerConfig,
    FollowerStatus,
)
from eip8025_p2p.node.source import ChainSink
from eip8025_p2p.reqresp import StatusV2

__all__ = ["PROVE_WINDOW", "BeaconSource"]

logger = logging.getLogger(__name__)

PROVE_WINDOW: Final = 2
"""Blocks at most this many slots behind the wall clock are proven; older ones only judged."""

Event = Callable[[ChainSink], object]


class BeaconSource:
    """A followed beacon node (see the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        config: FollowerConfig | None = None,
        wall_clock: Callable[[], float] = time.time,
        on_status: Callable[[FollowerStatus], None] | None = None,
    ) -> None:
        self.wall_clock = wall_clock
        self._on_status = on_status
        self.follower = BeaconFollower(
            url,
            callbacks=FollowerCallbacks(
                on_block=self._block,
                on_payload=self._payload,
                on_finalized=self._finalized,
                on_status=self._status,
            ),
            config=config,
            wall_clock=wall_clock,
        )
        self.chain: ChainInfo | None = None
        self._sink: ChainSink | None = None
        self._early: list[tuple[str, object]] = []

    @property
    def url(self) -> str:
        """The beacon node's URL."""
        return self.follower.url

    async def start(self, nursery: trio.Nursery) -> ChainInfo:
        """Run the follower in ``nursery``; return once the beacon node answered."""
        chain: ChainInfo = await nursery.start(self.follower.run)
        self.chain = chain
        return chain

    async def peer_addresses(self) -> tuple[list[str], list[str]]:
        """The beacon node's own libp2p addresses, and its connected peers'.

        Ours are kept connected, its peers' dialled once; TCP over IPv4 with a ``/p2p/`` id only.
        A beacon node that does not answer these gives none (logged), never an error.
        """
        client = self.follower.client
        own: list[str] = []
        others: list[str] = []
        try:
            identity = await client.identity()
            own = [_with_peer_id(a, identity.peer_id) for a in identity.p2p_addresses]
            peers = await client.peers()
            others = [
                _with_peer_id(p.last_seen_p2p_address, p.peer_id)
                for p in peers
                if p.state == "connected" and p.last_seen_p2p_address
            ]
        except BeaconNodeError as exc:
            logger.warning("the beacon node did not give its libp2p addresses: %s", exc)
        return [a for a in own if _dialable(a)], [a for a in others if _dialable(a)]

    # -- ChainSource ---------------------------------------------------------------------------

    @property
    def view(self) -> InMemoryChainView:
        """The follower's chain view."""
        return self.follower.view

    @property
    def fork_digest(self) -> bytes:
        """The followed chain's gossip fork digest at the wall-clock epoch."""
        return self.follower.fork_digest

    @property
    def seconds_per_slot(self) -> float:
        """The followed chain's slot duration."""
        return self._chain().seconds_per_slot

    def spec_config(self, base: SpecConfig) -> SpecConfig:
        """``base`` with the chain's preset and ``DEPOSIT_CHAIN_ID``."""
        return self.follower.spec_config(base)

    def head(self) -> FollowedBlock | None:
        """The followed head."""
        return self.follower.head

    def now(self) -> float:
        """Unix time (the follower's wall clock)."""
        return self.wall_clock()

    def slot_start(self, slot: int) -> float:
        """Unix time a slot starts."""
        chain = self._chain()
        return chain.genesis_time + slot * chain.seconds_per_slot

    def slot_of_root(self, root: bytes) -> int | None:
        """The slot of a block in the view."""
        state = self.view.block_state(root)
        return None if state is None else state.slot

    def sync_status(self) -> SyncStatus | None:
        """The node's head against the wall clock; unhealthy while the beacon node is away."""
        head, chain = self.head(), self.chain
        if head is None or chain is None:
            return None
        status = self.follower.status
        distance = max(0, chain.slot_at_time(self.wall_clock()) - head.slot)
        syncing = status.syncing or distance >= 2
        return SyncStatus(head.slot, distance, syncing, healthy=status.connected)

    def resolve_block(self, block_id: str) -> BlockRef | None:
        """``head``, ``finalized``, a slot of a held block, or a ``0x`` root in the view."""
        from eip8025.hexbytes import parse_hex

        head = self.head()
        if head is None:
            return None
        finalized = self._finalized_slot()
        if block_id == "head":
            return BlockRef(head.root, head.slot, head.slot <= finalized)
        if block_id.startswith("0x"):
            root = parse_hex(block_id, length=32, what="block id")
            slot = self.slot_of_root(root)
            return None if slot is None else BlockRef(root, slot, slot <= finalized)
        if block_id.isdigit():
            wanted = int(block_id)
        elif block_id == "finalized":
            wanted = finalized
        elif block_id == "genesis":
            wanted = 0
        else:
            raise ValueError("expected head, genesis, finalized, a slot or a 0x root")
        for block in self._held():
            if block.slot == wanted:
                return BlockRef(block.root, block.slot, block.slot <= finalized)
        return None

    def local_status(self) -> StatusV2:
        """Our req/resp Status: the followed chain's, as the beacon node sees it."""
        message = self.follower.status_message()
        return StatusV2(
            fork_digest=message.fork_digest,
            finalized_root=message.finalized_root,
            finalized_epoch=message.finalized_epoch,
            head_root=message.head_root,
            head_slot=message.head_slot,
            earliest_available_slot=message.earliest_available_slot,
        )

    async def run(self, sink: ChainSink) -> None:
        """Deliver what the follower reported so far, then everything it reports."""
        self._sink = sink
        early, self._early = self._early, []
        for kind, argument in early:
            await self._deliver(kind, argument)
        await trio.sleep_forever()

    # -- follower callbacks ----------------------------------------------------------------------

    def _held(self) -> list[FollowedBlock]:
        tracker = self.follower.tracker
        return [] if tracker is None else list(tracker.blocks.values())

    def _finalized_slot(self) -> int:
        tracker = self.follower.tracker
        return 0 if tracker is None else tracker.finalized_slot

    def _chain(self) -> ChainInfo:
        if self.chain is None:
            raise RuntimeError("the beacon node has not answered yet")
        return self.chain

    def _provable(self, block: FollowedBlock) -> bool:
        chain = self.chain
        if chain is None or block.payload_envelope is None:
            return False
        return chain.slot_at_time(self.wall_clock()) - block.slot <= PROVE_WINDOW

    async def _deliver(self, kind: str, argument: object) -> None:
        sink = self._sink
        if sink is None:
            self._early.append((kind, argument))
            return
        if kind == "block":
            assert isinstance(argument, FollowedBlock)
            sink.on_block(argument, prove=False)
        elif kind == "payload":
            assert isinstance(argument, bytes)
            tracker = self.follower.tracker
            block = None if tracker is None else tracker.blocks.get(argument)
            if block is not None:
                sink.on_payload(block, prove=self._provable(block))
        else:
            assert isinstance(argument, tuple)
            slot, dropped = argument
            await sink.on_finalized(int(slot), list(dropped))

    async def _block(self, block: FollowedBlock) -> None:
        await self._deliver("block", block)

    async def _payload(self, root: bytes) -> None:
        await self._deliver("payload", root)

    async def _finalized(self, slot: int, dropped: Sequence[bytes]) -> None:
        await self._deliver("finalized", (slot, tuple(dropped)))

    def _status(self, status: FollowerStatus) -> None:
        if self._on_status is not None:
            self._on_status(status)


def _with_peer_id(address: str, peer_id: str) -> str:
    return address if "/p2p/" in address else f"{address.rstrip('/')}/p2p/{peer_id}"


def _dialable(address: str) -> bool:
    """TCP over IPv4 (what our host speaks), with a peer id."""
    return address.startswith("/ip4/") and "/tcp/" in address and "/p2p/" in address
