"""The follower's settings, callbacks and what it reports: status and req/resp Status values.

* :class:`FollowerConfig`: timeouts, backoff and memory bounds (all injectable, for tests too).
* :class:`FollowerCallbacks`: what the node wants to hear about; each callback may be a plain
  function or a coroutine function (awaited before the next event is handled).
* :class:`FollowerStatus`: a snapshot for ``/eth/v1/node/health``, ``/eth/v1/node/syncing`` and
  metrics: connected, syncing, head, finality, the last error and since when the connection state
  holds.
* :class:`StatusMessage`: the values of a req/resp ``Status`` (v2, Fulu) as seen through the
  beacon node.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence

from eip8025_p2p.beacon.tracker import FollowedBlock, Reorg

__all__ = ["FollowerCallbacks", "FollowerConfig", "FollowerStatus", "StatusMessage"]

MaybeAwaitable = Awaitable[None] | None


@dataclasses.dataclass(frozen=True)
class FollowerConfig:
    """Settings of a :class:`~eip8025_p2p.beacon.follower.BeaconFollower`.

    Attributes:
        request_timeout: Seconds per API request.
        silence_slots: The event stream may be silent this many slots before the follower asks
            the node for its head; if the head moved, the stream is stalled and is reopened.
        min_silence: Lower bound of that silence timeout, in seconds.
        silence_timeout: Overrides the two above (seconds), when set.
        backoff_initial: First reconnect delay (seconds); doubles per failed attempt.
        backoff_max: Largest reconnect delay (seconds).
        max_catch_up: Most blocks imported by walking parents back from one new block.
        max_blocks: Most blocks kept (beyond it the oldest are evicted; finality prunes first).
        event_buffer: Events read ahead of the handler.
    """

    request_timeout: float = 10.0
    silence_slots: float = 3.0
    min_silence: float = 10.0
    silence_timeout: float | None = None
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    max_catch_up: int = 64
    max_blocks: int = 128
    event_buffer: int = 64

    def __post_init__(self) -> None:
        if self.backoff_initial <= 0 or self.backoff_max < self.backoff_initial:
            raise ValueError("backoff: need 0 < backoff_initial <= backoff_max")
        if self.max_catch_up < 1 or self.max_blocks < 1 or self.event_buffer < 1:
            raise ValueError("max_catch_up, max_blocks and event_buffer must be positive")

    def silence(self, seconds_per_slot: float) -> float:
        """The silence timeout for a chain with this slot duration."""
        if self.silence_timeout is not None:
            return self.silence_timeout
        return max(self.min_silence, self.silence_slots * seconds_per_slot)


@dataclasses.dataclass
class FollowerCallbacks:
    """What the follower reports, in chain order; every callback is optional.

    Attributes:
        on_block: A new block (``FollowedBlock``), oldest first after a catch-up.
        on_payload: The payload envelope of a block (its root) is now in the chain view.
        on_finalized: A newer finalized checkpoint: its first slot and the roots pruned from the
            chain view (as ``pipeline.on_finalized(slot, dropped)`` takes them).
        on_head: The head changed (the new head ``FollowedBlock``), after its ``on_block``.
        on_reorg: The head moved off the previous head's branch (after that branch's
            ``on_block`` calls and ``on_head``).
        on_status: The connection or sync state changed (a new ``FollowerStatus``).
    """

    on_block: Callable[[FollowedBlock], MaybeAwaitable] | None = None
    on_payload: Callable[[bytes], MaybeAwaitable] | None = None
    on_finalized: Callable[[int, Sequence[bytes]], MaybeAwaitable] | None = None
    on_head: Callable[[FollowedBlock], MaybeAwaitable] | None = None
    on_reorg: Callable[[Reorg], MaybeAwaitable] | None = None
    on_status: Callable[[FollowerStatus], MaybeAwaitable] | None = None


@dataclasses.dataclass(frozen=True)
class FollowerStatus:
    """A snapshot of the follower's view of its beacon node.

    Attributes:
        url: The beacon node.
        connected: The event stream is open and the head was imported.
        syncing: The node said it is syncing (``/eth/v1/node/syncing``).
        head_slot: Slot of the followed head (None before the first).
        head_root: Root of the followed head.
        finalized_epoch: The finalized checkpoint's epoch.
        last_error: The last failure, kept after recovery (None if there was none).
        since: Unix time at which ``connected`` last changed (or the follower started).
        outages: Connection losses so far.
        sync_distance: The node's own ``sync_distance`` at the last check.
    """

    url: str
    connected: bool = False
    syncing: bool = False
    head_slot: int | None = None
    head_root: bytes | None = None
    finalized_epoch: int = 0
    last_error: str | None = None
    since: float = 0.0
    outages: int = 0
    sync_distance: int = 0

    def health(self) -> int:
        """The ``/eth/v1/node/health`` code: 200 ready, 206 syncing, 503 not connected."""
        if not self.connected:
            return 503
        return 206 if self.syncing else 200


@dataclasses.dataclass(frozen=True)
class StatusMessage:
    """req/resp ``Status`` v2 values (consensus-specs ``fulu/p2p-interface.md``).

    ``earliest_available_slot`` is the lowest slot of a block the follower holds; a v1 Status
    is the same without it.
    """

    fork_digest: bytes
    finalized_root: bytes
    finalized_epoch: int
    head_root: bytes
    head_slot: int
    earliest_available_slot: int
