"""Unix time on trio's clock, so a node's slots run on wall time or on a test's ``MockClock``.

:class:`TrioUnixClock` maps trio's clock to unix seconds with an offset taken once, inside
``trio.run``: under the default clock that is wall time; under ``trio.testing.MockClock`` the
test moves time with ``clock.jump`` and the slot clock follows, with no wall-time margins.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import random
import time
from typing import Protocol

import trio

__all__ = ["SlotSchedule", "TrioUnixClock", "UnixClock"]


class UnixClock(Protocol):
    """Unix seconds, and sleeping until a unix time."""

    def now(self) -> float:
        """The current unix time."""
        ...

    async def sleep_until(self, unix_time: float) -> None:
        """Return at ``unix_time`` (at once if it has passed)."""
        ...


class TrioUnixClock:
    """:class:`UnixClock` on trio's current clock (create it inside ``trio.run``)."""

    def __init__(self) -> None:
        self._offset = time.time() - trio.current_time()

    def now(self) -> float:
        """See :meth:`UnixClock.now`."""
        return self._offset + trio.current_time()

    async def sleep_until(self, unix_time: float) -> None:
        """See :meth:`UnixClock.sleep_until`."""
        await trio.sleep_until(unix_time - self._offset)


@dataclasses.dataclass(frozen=True)
class SlotSchedule:
    """When a node imports each slot's block: slot start plus this node's arrival delay.

    Gossip delivers a block to different nodes at different times; ``arrival_delay`` plus a
    pseudo-random part up to ``arrival_jitter`` (deterministic per node ``key`` and slot) models
    that, so proofs often reach a node before their block.
    """

    genesis_time: int
    seconds_per_slot: int
    key: bytes
    arrival_delay: float = 0.0
    arrival_jitter: float = 0.0

    def slot_start(self, slot: int) -> float:
        """Unix time at which ``slot`` starts."""
        return float(self.genesis_time + slot * self.seconds_per_slot)

    def slot_at(self, unix_time: float) -> int:
        """The slot running at ``unix_time`` (0 before genesis)."""
        return max(0, math.floor((unix_time - self.genesis_time) / self.seconds_per_slot))

    def delay(self, slot: int) -> float:
        """This node's block arrival delay for ``slot``."""
        if self.arrival_jitter <= 0:
            return self.arrival_delay
        seed = hashlib.sha256(self.key + slot.to_bytes(8, "little")).digest()
        return self.arrival_delay + random.Random(seed).uniform(0, self.arrival_jitter)

    def arrival(self, slot: int) -> float:
        """Unix time at which this node imports the block of ``slot``."""
        return self.slot_start(slot) + self.delay(slot)
