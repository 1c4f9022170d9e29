"""``BeaconFollower``: keep an EIP-8025 chain view current from a real beacon node's API.

Run it in a trio nursery: ``chain = await nursery.start(follower.run)`` returns the
:class:`~eip8025_p2p.beacon.chaininfo.ChainInfo` once the node answered and its head was imported
(waiting, with backoff, while the node is away). From then on the follower reads the event stream
(``head``, ``block``, ``finalized_checkpoint``, ``chain_reorg`` and on Gloas chains
``execution_payload``), keeps :attr:`BeaconFollower.view` current through a
:class:`~eip8025_p2p.beacon.tracker.ChainTracker` and reports to the node's
:class:`~eip8025_p2p.beacon.status.FollowerCallbacks`.

Faults are the follower's to absorb: if the node goes away, fails, or its stream stalls (silent
for the silence timeout while ``/headers/head`` moved on), the follower logs one WARNING, retries
with exponential backoff, logs one INFO line when the node is back and catches up from the new
head through ``parent_root``. A node whose genesis changed is refused (:class:`ChainMismatch`). On
a chain before Gloas it follows head, finality and validators and says once that no public input
can be built there (there are no payload envelopes).
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import logging
import time
from collections.abc import AsyncGenerator, Callable
from typing import Any, Final

import trio

from eip8025.chain import InMemoryChainView
from eip8025.config import MAINNET_CONFIG, SpecConfig
from eip8025.containers import Checkpoint
from eip8025.profiles import SpecProfile
from eip8025_p2p.beacon.chaininfo import ChainInfo
from eip8025_p2p.beacon.client import BeaconApiClient
from eip8025_p2p.beacon.errors import (
    BeaconApiError,
    BeaconNodeError,
    BeaconNodeTimeout,
    BeaconNodeUnavailable,
    ChainMismatch,
)
from eip8025_p2p.beacon.events import (
    BLOCK,
    CHAIN_REORG,
    EXECUTION_PAYLOAD,
    FINALIZED_CHECKPOINT,
    HEAD,
    BlockEvent,
    ChainReorgEvent,
    ExecutionPayloadEvent,
    FinalizedCheckpointEvent,
    HeadEvent,
    SseMessage,
    parse_event,
)
from eip8025_p2p.beacon.status import (
    FollowerCallbacks,
    FollowerConfig,
    FollowerStatus,
    StatusMessage,
)
from eip8025_p2p.beacon.stream import read_stream
from eip8025_p2p.beacon.tracker import ChainTracker, Changes, FollowedBlock

__all__ = ["BeaconFollower"]

logger = logging.getLogger(__name__)

OPTIONAL_TOPICS: Final = frozenset({CHAIN_REORG, EXECUTION_PAYLOAD})
"""Topics the follower can do without if a node refuses them (400, or no answer at all, as
Lodestar 1.5.1 does): head events show reorgs too, and a payload whose event was missed is
fetched when its child block arrives."""

Messages = AsyncGenerator[SseMessage | None, None]


class BeaconFollower:
    """Follows one beacon node (see the module docstring).

    Args:
        url: The beacon node's API, e.g. ``http://127.0.0.1:5052`` (only it is contacted).
        view: The chain view to keep current (default: a new ``InMemoryChainView``).
        callbacks: What to report to.
        config: Timeouts, backoff and bounds.
        client: A ready client (tests); default ``BeaconApiClient(url)``.
        wall_clock: Unix time (``time.time``); used for ``since`` and the wall-clock epoch.
    """

    def __init__(
        self,
        url: str,
        *,
        view: InMemoryChainView | None = None,
        callbacks: FollowerCallbacks | None = None,
        config: FollowerConfig | None = None,
        client: BeaconApiClient | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config or FollowerConfig()
        self.client = client or BeaconApiClient(url, timeout=self.config.request_timeout)
        self.url = self.client.url
        self.view = view if view is not None else InMemoryChainView()
        self.callbacks = callbacks or FollowerCallbacks()
        self.wall_clock = wall_clock
        self.chain: ChainInfo | None = None
        self.tracker: ChainTracker | None = None
        self._status = FollowerStatus(url=self.url, since=wall_clock())
        self._outage_since: float | None = None
        self._backoff = self.config.backoff_initial
        self._refused_topics: set[str] = set()
        self._pre_gloas_said = False

    # -- what the node reads -------------------------------------------------------------------

    @property
    def status(self) -> FollowerStatus:
        """The current status snapshot."""
        return self._status

    @property
    def head(self) -> FollowedBlock | None:
        """The followed head block (None before the first)."""
        return None if self.tracker is None else self.tracker.head

    def _chain(self) -> ChainInfo:
        if self.chain is None:
            raise RuntimeError("the follower has not reached its beacon node yet")
        return self.chain

    def current_epoch(self) -> int:
        """The wall-clock epoch of the followed chain."""
        chain = self._chain()
        return chain.epoch_at(chain.slot_at_time(self.wall_clock()))

    @property
    def fork_digest(self) -> bytes:
        """The gossip fork digest at the wall-clock epoch (topics, ENR, req/resp Status)."""
        return self._chain().fork_digest(self.current_epoch())

    def spec_config(
        self, base: SpecConfig = MAINNET_CONFIG, profile: SpecProfile | str | None = None
    ) -> SpecConfig:
        """``base`` with the followed chain's preset and ``DEPOSIT_CHAIN_ID`` (and ``profile``)."""
        return self._chain().spec_config(base, profile)

    def status_message(self) -> StatusMessage:
        """The req/resp ``Status`` values as seen through the beacon node."""
        tracker = self.tracker
        if tracker is None or tracker.head is None:
            raise RuntimeError("the follower has no head yet")
        return StatusMessage(
            fork_digest=self.fork_digest,
            finalized_root=tracker.finalized.root,
            finalized_epoch=tracker.finalized.epoch,
            head_root=tracker.head.root,
            head_slot=tracker.head.slot,
            earliest_available_slot=tracker.earliest_slot(),
        )

    # -- the loop ---------------------------------------------------------------------------

    async def run(self, *, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
        """Follow until cancelled; ``task_status.started(chain_info)`` once first connected.

        Raises:
            ChainMismatch: The node's genesis changed after a reconnect.
        """
        started = False

        def ready() -> None:
            nonlocal started
            if not started:
                started = True
                task_status.started(self.chain)

        async with self.client:
            while True:
                try:
                    await self._session(ready)
                    error: BeaconNodeError = BeaconNodeUnavailable("the event stream ended")
                except ChainMismatch:
                    raise
                except BeaconNodeError as exc:
                    error = exc
                await self._lost(error)
                await trio.sleep(self._backoff)
                self._backoff = min(self._backoff * 2, self.config.backoff_max)

    async def _session(self, ready: Callable[[], None]) -> None:
        chain = await self._bootstrap()
        async with contextlib.AsyncExitStack() as stack:
            messages = await self._open_stream(stack, chain)
            syncing = await self.client.syncing()
            finality = await self.client.finality_checkpoints("head")
            await self._finalized(finality.finalized)
            head = await self.client.header("head")
            if head is None:
                raise BeaconNodeUnavailable("the beacon node has no head block")
            tracker = self._tracker()
            await self._apply(await tracker.set_head(head.root))
            await self._connected(syncing.is_syncing, syncing.sync_distance)
            ready()
            self._say_fork()
            await read_stream(
                messages,
                handle=self._message,
                on_silence=self._silent,
                silence=self.config.silence(chain.seconds_per_slot),
                buffer=self.config.event_buffer,
            )

    async def _bootstrap(self) -> ChainInfo:
        genesis = await self.client.genesis()
        old = self.chain
        if old is not None and (
            genesis.genesis_validators_root != old.genesis_validators_root
            or genesis.genesis_time != old.genesis_time
        ):
            raise ChainMismatch(
                f"{self.url} now serves genesis 0x{genesis.genesis_validators_root.hex()}, "
                f"not 0x{old.genesis_validators_root.hex()}: refusing to mix two chains"
            )
        chain = ChainInfo.from_api(
            genesis, await self.client.spec(), await self.client.fork_schedule()
        )
        self.chain = chain
        if self.tracker is None:
            self.tracker = ChainTracker(
                self.client,
                chain,
                self.view,
                max_catch_up=self.config.max_catch_up,
                max_blocks=self.config.max_blocks,
            )
        self.tracker.chain = chain
        return chain

    def _tracker(self) -> ChainTracker:
        assert self.tracker is not None
        return self.tracker

    async def _open_stream(self, stack: contextlib.AsyncExitStack, chain: ChainInfo) -> Messages:
        topics = [HEAD, BLOCK, FINALIZED_CHECKPOINT, CHAIN_REORG]
        if chain.gloas_fork_epoch is not None:
            topics.append(EXECUTION_PAYLOAD)
        topics = [topic for topic in topics if topic not in self._refused_topics]
        try:
            return await stack.enter_async_context(self.client.events(topics))
        except (BeaconApiError, BeaconNodeTimeout) as exc:
            optional = [topic for topic in topics if topic in OPTIONAL_TOPICS]
            refused = isinstance(exc, BeaconNodeTimeout) or exc.status == 400
            if not refused or not optional:
                raise
            remaining = [topic for topic in topics if topic not in OPTIONAL_TOPICS]
            messages = await stack.enter_async_context(self.client.events(remaining))
            self._refused_topics.update(optional)
            logger.warning(
                "%s refused the event topics %s (%s); following without them",
                self.url,
                ",".join(optional),
                exc,
            )
            return messages

    async def _silent(self, silence: float) -> None:
        """No event for ``silence`` seconds: a quiet chain, or a stalled stream?"""
        tracker = self._tracker()
        head = await self.client.header("head")
        if head is None or tracker.head is None or head.root == tracker.head.root:
            logger.debug("no events for %.1f s; the head has not moved", silence)
            await self._refresh_syncing()
            return
        raise BeaconNodeUnavailable(
            f"the event stream was silent for {silence:.1f} s while the head moved to slot "
            f"{head.slot}: stalled"
        )

    async def _message(self, message: SseMessage) -> None:
        event = parse_event(message)
        if event is None:
            return
        tracker = self._tracker()
        if isinstance(event, HeadEvent):
            await self._apply(await tracker.set_head(event.block))
            if self._status.syncing:
                await self._refresh_syncing()
        elif isinstance(event, BlockEvent):
            await self._apply(await tracker.add_block(event.block))
        elif isinstance(event, ExecutionPayloadEvent):
            await self._apply(await tracker.add_payload(event.block_root))
        elif isinstance(event, ChainReorgEvent):
            logger.debug("chain_reorg at slot %d (depth %d)", event.slot, event.depth)
            await self._apply(await tracker.set_head(event.new_head_block))
        elif isinstance(event, FinalizedCheckpointEvent):
            await self._finalized(Checkpoint(epoch=event.epoch, root=event.block))

    async def _refresh_syncing(self) -> None:
        syncing = await self.client.syncing()
        was = self._status.syncing
        self._update(syncing=syncing.is_syncing, sync_distance=syncing.sync_distance)
        if syncing.is_syncing != was:
            logger.info(
                "beacon node %s %s (sync distance %d)",
                self.url,
                "is syncing" if syncing.is_syncing else "is synced",
                syncing.sync_distance,
            )
            await _call(self.callbacks.on_status, self._status)

    # -- reporting --------------------------------------------------------------------------

    async def _apply(self, changes: Changes) -> None:
        callbacks = self.callbacks
        for block in changes.blocks:
            await _call(callbacks.on_block, block)
        head = self._tracker().head
        if changes.head_changed and head is not None:
            self._status = dataclasses.replace(
                self._status, head_slot=head.slot, head_root=head.root
            )
            self._say_fork()
            await _call(callbacks.on_head, head)
        if changes.reorg is not None:
            reorg = changes.reorg
            logger.info(
                "head reorg: slot %d 0x%s -> slot %d 0x%s (depth %s)",
                reorg.old_head_slot,
                reorg.old_head.hex()[:8],
                reorg.new_head_slot,
                reorg.new_head.hex()[:8],
                reorg.depth,
            )
            await _call(callbacks.on_reorg, reorg)
        for root in changes.payloads:
            await _call(callbacks.on_payload, root)

    async def _finalized(self, checkpoint: Checkpoint) -> None:
        result = self._tracker().finalize(checkpoint)
        if result is None:
            return
        self._status = dataclasses.replace(self._status, finalized_epoch=checkpoint.epoch)
        slot, dropped = result
        await _call(self.callbacks.on_finalized, slot, dropped)

    async def _connected(self, syncing: bool, sync_distance: int) -> None:
        now = self.wall_clock()
        if self._outage_since is not None:
            logger.info(
                "beacon node %s is back after %.1f s (head slot %s)",
                self.url,
                now - self._outage_since,
                self._status.head_slot,
            )
            self._outage_since = None
        self._backoff = self.config.backoff_initial
        self._update(connected=True, syncing=syncing, sync_distance=sync_distance)
        await _call(self.callbacks.on_status, self._status)

    async def _lost(self, error: BeaconNodeError) -> None:
        if self._outage_since is None:
            self._outage_since = self.wall_clock()
            logger.warning("beacon node %s: %s; reconnecting with backoff", self.url, error)
        else:
            logger.debug("beacon node %s still unavailable: %s", self.url, error)
        was = self._status
        self._update(connected=False, last_error=str(error))
        if was.connected:
            self._status = dataclasses.replace(self._status, outages=was.outages + 1)
        if was.connected or was.last_error is None:
            await _call(self.callbacks.on_status, self._status)

    def _update(self, **changes: Any) -> None:
        old = self._status
        new = dataclasses.replace(old, **changes)
        if new.connected != old.connected:
            new = dataclasses.replace(new, since=self.wall_clock())
        self._status = new

    def _say_fork(self) -> None:
        chain, head = self.chain, self.head
        if chain is None or head is None:
            return
        epoch = chain.epoch_at(head.slot)
        if not chain.is_gloas(epoch) and not self._pre_gloas_said:
            self._pre_gloas_said = True
            logger.info(
                "%s follows a %s chain, before Gloas: following head, finality and validators; "
                "no public inputs can be built there (no execution payload envelopes)",
                self.url,
                chain.fork_name(epoch),
            )


async def _call(callback: Callable[..., Any] | None, *args: Any) -> None:
    if callback is None:
        return
    result = callback(*args)
    if inspect.isawaitable(result):
        await result
