"""The node as the Beacon API sees it (:class:`~eip8025_p2p.api.ApiBackend`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eip8025_p2p.api import BlockRef, NodeIdentity, PeerInfo, SyncStatus
from eip8025_p2p.pipeline import ProofPipeline

if TYPE_CHECKING:
    from eip8025_p2p.node.node import ProofNode

__all__ = ["NodeApiView"]


class NodeApiView:
    """Answers the API's questions from a running :class:`ProofNode` and its chain source."""

    def __init__(self, node: ProofNode) -> None:
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

    def sync_status(self) -> SyncStatus | None:
        """The chain source's head against the wall clock; None before there is a chain."""
        return self._node.source.sync_status()

    def resolve_block(self, block_id: str) -> BlockRef | None:
        """A ``block_id`` of the chain source."""
        return self._node.source.resolve_block(block_id)
