"""``ChainTracker``: the followed chain's blocks, head and finality, kept in a chain view.

The tracker turns block roots into :class:`FollowedBlock` values and keeps the core's
:class:`~eip8025.chain.InMemoryChainView` current. Importing a root walks ``parent_root`` back to
the newest block it already holds (at most ``max_catch_up`` headers, never below finality), so
blocks missed while the beacon node was away are imported oldest first. Each block's state view
is built from the block's slot, the fork schedule, the genesis validators root, the epoch's
validator registry and, on Gloas, the block's ``signed_execution_payload_bid``. On Gloas the
payload envelope of every new block (and of the parent of the oldest, which may have been missed)
is fetched; a 404 means not revealed (yet), and the ``execution_payload`` event brings it later.
A new head whose ancestry does not contain the old head is a :class:`Reorg`: the new branch's
blocks are added and the old ones stay (they are just not head) until finality prunes them.
Memory is bounded: finality prunes by slot, and beyond ``max_blocks`` the oldest are evicted.
"""

from __future__ import annotations

import dataclasses
import logging

from eip8025.chain import InMemoryChainView, StaticStateView
from eip8025.containers import (
    BeaconBlockHeader,
    Checkpoint,
    ExecutionPayloadBid,
    ExecutionPayloadEnvelope,
    NewPayloadRequestBase,
)
from eip8025.profiles import SpecProfile
from eip8025.verification import get_new_payload_request
from eip8025_p2p.beacon.chaininfo import ChainInfo
from eip8025_p2p.beacon.client import BeaconApiClient
from eip8025_p2p.beacon.errors import BeaconDataError, BeaconNodeUnavailable
from eip8025_p2p.beacon.models import HeaderInfo
from eip8025_p2p.beacon.validators import ValidatorRegistry

__all__ = ["ChainTracker", "Changes", "FollowedBlock", "Reorg"]

logger = logging.getLogger(__name__)


@dataclasses.dataclass(eq=False)
class FollowedBlock:
    """A block of the followed chain (the beacon-node counterpart of ``DevBlock``).

    ``payload_envelope`` is None until the node has the block's payload (Gloas), and always on
    earlier forks; ``bid`` is the block's ``ExecutionPayloadBid`` (None before Gloas).
    """

    slot: int
    root: bytes
    header: BeaconBlockHeader
    state: StaticStateView
    version: str
    bid: ExecutionPayloadBid | None = None
    payload_envelope: ExecutionPayloadEnvelope | None = None

    @property
    def parent_root(self) -> bytes:
        """The parent block's root."""
        return self.header.parent_root

    def new_payload_request(self, profile: SpecProfile) -> NewPayloadRequestBase:
        """The profile's new-payload request that provers prove for this block.

        Raises:
            ValueError: The payload envelope is not known (yet).
        """
        if self.payload_envelope is None:
            raise ValueError(f"block {self.root.hex()} (slot {self.slot}): no payload envelope")
        return get_new_payload_request(
            self.state.bid_blob_kzg_commitments, self.payload_envelope, profile=profile
        )


@dataclasses.dataclass(frozen=True)
class Reorg:
    """The head moved to a block that does not descend from the previous head."""

    old_head: bytes
    old_head_slot: int
    new_head: bytes
    new_head_slot: int
    common_ancestor: bytes | None
    """The newest block both branches share, if the tracker still holds it."""
    depth: int | None
    """Slots of the old branch above the common ancestor (None if the ancestor is unknown)."""


@dataclasses.dataclass
class Changes:
    """What one import changed: new blocks (oldest first), new payloads, a reorg."""

    blocks: list[FollowedBlock] = dataclasses.field(default_factory=list)
    payloads: list[bytes] = dataclasses.field(default_factory=list)
    reorg: Reorg | None = None
    head_changed: bool = False


class ChainTracker:
    """Blocks, head and finality of the followed chain (see the module docstring)."""

    def __init__(
        self,
        client: BeaconApiClient,
        chain: ChainInfo,
        view: InMemoryChainView,
        *,
        max_catch_up: int = 64,
        max_blocks: int = 128,
    ) -> None:
        self.client = client
        self.chain = chain
        self.view = view
        self.max_catch_up = max_catch_up
        self.max_blocks = max_blocks
        self.validators = ValidatorRegistry(client.validators)
        self.blocks: dict[bytes, FollowedBlock] = {}
        self.head: FollowedBlock | None = None
        self.finalized = Checkpoint(epoch=0, root=bytes(32))
        self.evicted = 0
        self._bad_envelopes: set[bytes] = set()

    @property
    def finalized_slot(self) -> int:
        """First slot of the finalized epoch (everything below is pruned)."""
        return self.chain.start_slot(self.finalized.epoch)

    def earliest_slot(self) -> int:
        """The lowest slot of a block held (the head's, or 0, when none)."""
        if not self.blocks:
            return 0 if self.head is None else self.head.slot
        return min(block.slot for block in self.blocks.values())

    # -- imports ---------------------------------------------------------------------------

    async def set_head(self, root: bytes) -> Changes:
        """Import ``root`` (and missed ancestors) and make it the head."""
        changes = Changes()
        block = await self._import_chain(root, changes)
        if block is None or (self.head is not None and self.head.root == block.root):
            return changes
        old = self.head
        if old is not None and self._descends(block, old) is False:
            changes.reorg = self._reorg(old, block)
        self.head = block
        changes.head_changed = True
        self._evict()
        return changes

    async def add_block(self, root: bytes) -> Changes:
        """Import ``root`` (and missed ancestors) without moving the head."""
        changes = Changes()
        await self._import_chain(root, changes)
        self._evict()
        return changes

    async def add_payload(self, root: bytes) -> Changes:
        """Fetch the payload envelope of ``root`` (importing the block first if needed)."""
        changes = Changes()
        block = await self._import_chain(root, changes)
        if block is not None:
            await self._fetch_payload(block, changes)
        self._evict()
        return changes

    async def _import_chain(self, root: bytes, changes: Changes) -> FollowedBlock | None:
        known = self.blocks.get(root)
        if known is not None:
            return known
        headers: list[HeaderInfo] = []
        cursor = root
        while cursor not in self.blocks and len(headers) < self.max_catch_up:
            info = await self.client.header(cursor)
            if info is None:
                break
            if info.header.hash_tree_root() != cursor:
                raise BeaconDataError(f"header of 0x{cursor.hex()} has another root")
            if info.slot < self.finalized_slot:
                break
            headers.append(info)
            if info.slot == 0:
                break
            cursor = info.parent_root
        if len(headers) == self.max_catch_up and cursor not in self.blocks and self.blocks:
            logger.warning(
                "catch-up bounded to %d blocks: blocks below slot %d are skipped",
                self.max_catch_up,
                headers[-1].slot,
            )
        new = [await self._build(info) for info in reversed(headers)]
        for block in new:
            self.blocks[block.root] = block
            self.view.add_block(block.root, block.state, slot=block.slot)
        changes.blocks.extend(new)
        if new:
            parent = self.blocks.get(new[0].parent_root)
            for block in ([parent] if parent is not None else []) + new:
                await self._fetch_payload(block, changes)
        return self.blocks.get(root)

    async def _build(self, info: HeaderInfo) -> FollowedBlock:
        chain = self.chain
        epoch = chain.epoch_at(info.slot)
        version, bid = chain.fork_name(epoch), None
        if chain.is_gloas(epoch):
            block = await self.client.block(info.root)
            if block is None:
                raise BeaconNodeUnavailable(f"block 0x{info.root.hex()}: header known, body not")
            if block.bid is None:
                raise BeaconDataError(
                    f"{block.version} block at Gloas slot {info.slot} has no execution payload bid"
                )
            version, bid = block.version, block.bid
        state_root = "0x" + info.header.state_root.hex()
        registry = await self.validators.at(epoch, (state_root, "head"))
        state = StaticStateView(
            slot=info.slot,
            fork=chain.fork_at(epoch),
            genesis_validators_root=chain.genesis_validators_root,
            validators=registry,
            bid_blob_kzg_commitments=() if bid is None else tuple(bid.blob_kzg_commitments),
        )
        return FollowedBlock(info.slot, info.root, info.header, state, version, bid)

    async def _fetch_payload(self, block: FollowedBlock, changes: Changes) -> None:
        bid = block.bid
        if bid is None or block.payload_envelope is not None or block.root in self._bad_envelopes:
            return
        try:
            signed = await self.client.payload_envelope(block.root)
        except BeaconDataError as exc:
            self._bad_envelopes.add(block.root)
            logger.warning("slot %d: unusable payload envelope: %s", block.slot, exc)
            return
        if signed is None:
            return
        envelope = signed.message
        problem = None
        if envelope.beacon_block_root != block.root:
            problem = "it names another beacon block"
        elif envelope.payload.block_hash != bid.block_hash:
            problem = "its block hash is not the bid's"
        elif envelope.execution_requests.hash_tree_root() != bid.execution_requests_root:
            problem = "its execution requests do not match the bid's execution_requests_root"
        if problem is not None:
            self._bad_envelopes.add(block.root)
            logger.warning("slot %d: payload envelope refused: %s", block.slot, problem)
            return
        block.payload_envelope = envelope
        self.view.add_payload(envelope)
        changes.payloads.append(block.root)

    # -- head, reorgs, pruning ---------------------------------------------------------------

    def _descends(self, block: FollowedBlock, ancestor: FollowedBlock) -> bool | None:
        """Whether ``ancestor`` is ``block`` or one of its ancestors (None: a gap; unknown)."""
        cursor: FollowedBlock | None = block
        while cursor is not None and cursor.slot > ancestor.slot:
            cursor = self.blocks.get(cursor.parent_root)
        if cursor is None:
            return None
        return cursor.root == ancestor.root

    def _reorg(self, old: FollowedBlock, new: FollowedBlock) -> Reorg:
        branch: set[bytes] = set()
        cursor: FollowedBlock | None = new
        while cursor is not None:
            branch.add(cursor.root)
            cursor = self.blocks.get(cursor.parent_root)
        cursor = old
        while cursor is not None and cursor.root not in branch:
            cursor = self.blocks.get(cursor.parent_root)
        return Reorg(
            old_head=old.root,
            old_head_slot=old.slot,
            new_head=new.root,
            new_head_slot=new.slot,
            common_ancestor=None if cursor is None else cursor.root,
            depth=None if cursor is None else old.slot - cursor.slot,
        )

    def finalize(self, checkpoint: Checkpoint) -> tuple[int, list[bytes]] | None:
        """Record a newer finalized checkpoint and prune below its first slot.

        Returns:
            ``(finalized_slot, dropped_roots)``, or None if the checkpoint is not newer.
        """
        if checkpoint.epoch <= self.finalized.epoch:
            return None
        self.finalized = checkpoint
        slot = self.finalized_slot
        dropped = self.view.prune(slot)
        for root in [r for r, b in self.blocks.items() if b.slot < slot]:
            self._forget(root)
        self.validators.prune(checkpoint.epoch)
        return slot, dropped

    def _forget(self, root: bytes) -> None:
        self.blocks.pop(root, None)
        self._bad_envelopes.discard(root)
        self.view.remove_block(root)

    def _evict(self) -> None:
        excess = len(self.blocks) - self.max_blocks
        if excess <= 0:
            return
        head = None if self.head is None else self.head.root
        oldest = sorted((b for b in self.blocks.values() if b.root != head), key=lambda b: b.slot)
        for block in oldest[:excess]:
            self._forget(block.root)
            self.evicted += 1
        logger.debug("evicted %d blocks beyond the cap of %d", excess, self.max_blocks)
