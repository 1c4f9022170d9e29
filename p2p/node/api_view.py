"""The node as the Beacon API sees it (:class:`~eip8025_p2p.api.ApiBackend`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eip8025.hexbytes import parse_hex

from ..api import BlockRef, NodeIdentity, PeerInfo, SyncStatus
from ..devchain import DevBlock
from ..pipeline import ProofPipeline

if TYPE_CHECKING:
    from .node import DevnetNode

__all__ = ["NodeApiView"]

SYNCING_DISTANCE = 2
"""Slots behind the wall clock from which the node reports itself syncing (the current slot's
block arrives after a delay, so one slot behind is normal)."""


class NodeApiView:
    """Answers the API's questions from a running :class:`DevnetNode`."""

    def __init__(self, node: DevnetNode) -> None:
        self._node = node

    @property
    def pipeline(self) -> ProofPipeline:
        """The node's proof pipeline."""
        return self._node.pipeline

    def identity(self) -> NodeIdentity:
        """Peer id, ENR (with ``eth2`` and ``eproof``) and listen addresses."""
        node = self._node
        return NodeIdentity(
            peer_id=node.node.peer_id.to_base58(),
            enr=node.enr().to_text(),
            p2p_addresses=[str(address) for address in node.node.addrs],
            discovery_addresses=[],
            seq_number=1,
        )

    def peers(self) -> list[PeerInfo]:
        """Connected libp2p peers (no ENR is known for a peer: ``null``)."""
        return [
            PeerInfo(peer_id.to_base58(), None, address, "connected", direction)  # type: ignore[arg-type]
            for peer_id, address, direction in self._node.node.connected_peers()
        ]

    def _head(self) -> DevBlock | None:
        """The last imported block; genesis before the first; None before genesis."""
        node = self._node
        if node.head_block is not None:
            return node.head_block
        return None if node.chain is None else node.chain.block(0)

    def sync_status(self) -> SyncStatus | None:
        """Head slot and its distance to the wall-clock slot; None before genesis."""
        node = self._node
        head, schedule, clock = self._head(), node.schedule, node.clock
        if head is None or schedule is None or clock is None:
            return None
        distance = max(0, schedule.slot_at(clock.now()) - head.slot)
        return SyncStatus(head.slot, distance, distance >= SYNCING_DISTANCE)

    def resolve_block(self, block_id: str) -> BlockRef | None:
        """``head``, ``genesis``, ``finalized``, a slot or a ``0x`` root of a recent block."""
        node = self._node
        chain, head = node.chain, self._head()
        if chain is None or head is None:
            return None
        finalized = node.store.finalized_slot
        if block_id == "head":
            slot = head.slot
        elif block_id == "genesis":
            slot = 0
        elif block_id == "finalized":
            slot = finalized
        elif block_id.isdigit():
            slot = int(block_id)
        elif block_id.startswith("0x"):
            root = parse_hex(block_id, length=32, what="block id")
            known = node.slot_of_root(root)
            return None if known is None else BlockRef(root, known, known <= finalized)
        else:
            raise ValueError("expected head, genesis, finalized, a slot or a 0x root")
        if slot > head.slot:
            return None
        return BlockRef(chain.block(slot).root, slot, slot <= finalized)
