"""One trio lock per key, dropped when nobody holds or waits for it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Hashable

import trio

__all__ = ["KeyedLocks"]


class KeyedLocks:
    """``async with locks.hold(key)``: serialise work per key, run different keys in parallel."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[trio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @contextlib.asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        """Hold the lock of ``key`` for the duration of the block."""
        lock, users = self._locks.get(key, (trio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
