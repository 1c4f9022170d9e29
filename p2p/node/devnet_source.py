"""The devnet chain as a :class:`~.source.ChainSource`: blocks imported by a slot clock.

Every node derives the same blocks from ``(seed, slot)`` (:mod:`eip8025_p2p.devchain`). Genesis
comes from the config or from the orchestrator (``--genesis-time stdin``). The slot clock
imports the block of slot ``s`` at ``genesis + s * seconds_per_slot + delay`` (a per node and
slot arrival delay), and the node proves it. At start it first imports the recent blocks it
missed (up to ``PRUNE_DEPTH`` slots, never below the restored finalized slot) so proofs for them
can still be judged; it proves only from the current slot on. Every ``PRUNE_EVERY`` slots it
finalizes ``head - PRUNE_DEPTH`` (the devnet has no finality; that stands in for it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final

from eip8025.chain import InMemoryChainView
from eip8025.config import SpecConfig
from eip8025_p2p.api import BlockRef, SyncStatus
from eip8025_p2p.devchain import DevBlock, DevnetChain
from eip8025_p2p.node.clock import SlotSchedule, UnixClock
from eip8025_p2p.node.config import NodeConfig
from eip8025_p2p.node.control import Control
from eip8025_p2p.node.events import GenesisEvent, NodeEvent
from eip8025_p2p.node.source import ChainSink
from eip8025_p2p.reqresp import StatusV2

__all__ = ["PRUNE_DEPTH", "PRUNE_EVERY", "DevnetSource"]

logger = logging.getLogger(__name__)

PRUNE_DEPTH: Final = 16
"""Slots kept below the head (the devnet has no finality; this stands in for it)."""
PRUNE_EVERY: Final = 8
SYNCING_DISTANCE: Final = 2
"""Slots behind the wall clock from which the node reports itself syncing (the current slot's
block arrives after a delay, so one slot behind is normal)."""


class DevnetSource:
    """The devnet chain (see the module docstring)."""

    def __init__(
        self,
        config: NodeConfig,
        emit: Callable[[NodeEvent], None],
        *,
        control: Control | None = None,
        clock: Callable[[], UnixClock],
        finalized_slot: Callable[[], int] = lambda: 0,
    ) -> None:
        self.config = config
        self.emit = emit
        self.control = control
        self._make_clock = clock
        self._finalized_slot = finalized_slot
        self.view = InMemoryChainView()
        # The fork digest depends on the registry (seed, validator count), not on genesis time.
        self.fork_digest = DevnetChain(config.devnet_spec()).fork_digest
        self.chain: DevnetChain | None = None
        self.schedule: SlotSchedule | None = None
        self.clock: UnixClock | None = None
        self._head: DevBlock | None = None
        self._slot_of_root: dict[bytes, int] = {}
        """Blocks scheduled or imported (a proof may name a block before it arrives)."""

    @property
    def seconds_per_slot(self) -> float:
        """The devnet's slot duration."""
        return float(self.config.seconds_per_slot)

    def spec_config(self, base: SpecConfig) -> SpecConfig:
        """The devnet runs the minimal preset with chain id 5: ``base`` already is that."""
        return base

    # -- what the node, the API and req/resp read ----------------------------------------------

    def head(self) -> DevBlock | None:
        """The last imported block; genesis before the first; None before genesis."""
        if self._head is not None:
            return self._head
        return None if self.chain is None else self.chain.block(0)

    def now(self) -> float:
        """Unix time on the node's clock (wall time, or a test's MockClock; wall time before)."""
        return self.clock.now() if self.clock is not None else time.time()

    def slot_start(self, slot: int) -> float:
        """Unix time a slot starts."""
        assert self.schedule is not None, "no genesis yet"
        return self.schedule.slot_start(slot)

    def slot_of_root(self, root: bytes) -> int | None:
        """The slot of a recent (unpruned) block."""
        return self._slot_of_root.get(root)

    def sync_status(self) -> SyncStatus | None:
        """Head slot and its distance to the wall-clock slot; None before genesis."""
        head, schedule, clock = self.head(), self.schedule, self.clock
        if head is None or schedule is None or clock is None:
            return None
        distance = max(0, schedule.slot_at(clock.now()) - head.slot)
        return SyncStatus(head.slot, distance, distance >= SYNCING_DISTANCE)

    def resolve_block(self, block_id: str) -> BlockRef | None:
        """``head``, ``genesis``, ``finalized``, a slot or a ``0x`` root of a recent block."""
        from eip8025.hexbytes import parse_hex

        chain, head = self.chain, self.head()
        if chain is None or head is None:
            return None
        finalized = self._finalized_slot()
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
            known = self.slot_of_root(root)
            return None if known is None else BlockRef(root, known, known <= finalized)
        else:
            raise ValueError("expected head, genesis, finalized, a slot or a 0x root")
        if slot > head.slot:
            return None
        return BlockRef(chain.block(slot).root, slot, slot <= finalized)

    def local_status(self) -> StatusV2:
        """Our req/resp Status on the devnet chain."""
        head = self.head()
        finalized = self._finalized_slot()
        slots_per_epoch = self.config.devnet_spec().config.preset.SLOTS_PER_EPOCH
        epoch = finalized // slots_per_epoch
        finalized_root = bytes(32)
        if self.chain is not None and epoch > 0:
            finalized_root = self.chain.block(epoch * slots_per_epoch).root
        return StatusV2(
            fork_digest=self.fork_digest,
            finalized_root=finalized_root,
            finalized_epoch=epoch,
            head_root=bytes(32) if head is None else head.root,
            head_slot=0 if head is None else head.slot,
            earliest_available_slot=finalized,
        )

    # -- the slot clock --------------------------------------------------------------------------

    async def run(self, sink: ChainSink) -> None:
        """Wait for genesis, then import (and have the node prove) one block per slot."""
        config = self.config
        if config.genesis_time is not None:
            genesis = config.genesis_time
        else:
            assert self.control is not None, "genesis_time=None needs a control"
            genesis = await self.control.wait_genesis()
        self.chain = chain = DevnetChain(config.devnet_spec(genesis))
        self.schedule = schedule = SlotSchedule(
            genesis,
            config.seconds_per_slot,
            config.secret,
            config.arrival_delay,
            config.arrival_jitter,
        )
        self.clock = clock = self._make_clock()
        first = max(1, schedule.slot_at(clock.now()))
        self.emit(
            GenesisEvent(
                name=config.name,
                genesis_time=schedule.genesis_time,
                seconds_per_slot=schedule.seconds_per_slot,
                first_slot=first,
                last_slot=config.slots,
            )
        )
        backlog = max(1, first - PRUNE_DEPTH, self._finalized_slot())
        for slot in range(backlog, first):  # catch up: judge proofs of recent blocks, no proving
            self._import(chain.block(slot), sink, prove=False)
        slot = first
        while config.slots is None or slot <= config.slots:
            block = chain.block(slot)
            self._slot_of_root[block.root] = slot
            await clock.sleep_until(schedule.arrival(slot))
            self._import(block, sink, prove=True)
            if slot > PRUNE_DEPTH and slot % PRUNE_EVERY == 0:
                finalized = slot - PRUNE_DEPTH
                dropped = self.view.prune(finalized)
                for root in [r for r, s in self._slot_of_root.items() if s < finalized]:
                    del self._slot_of_root[root]
                await sink.on_finalized(finalized, dropped)
            slot += 1

    def _import(self, block: DevBlock, sink: ChainSink, *, prove: bool) -> None:
        assert self.chain is not None
        self.chain.import_block(self.view, block.slot)
        self._slot_of_root[block.root] = block.slot
        self._head = block
        sink.on_block(block, prove=prove)
        sink.on_payload(block, prove=prove)  # devnet payloads arrive with their block
