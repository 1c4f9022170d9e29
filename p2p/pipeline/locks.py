"""Locks of the pipeline: one per key, and a gate that lets pruning wait for validations."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Hashable

import trio

__all__ = ["KeyedLocks", "ValidationGate"]


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


class ValidationGate:
    """Validations pass while the gate is open; :meth:`closed` waits until none runs."""

    def __init__(self) -> None:
        self._active = 0
        self._idle = trio.Event()
        self._idle.set()
        self._open = trio.Event()
        self._open.set()

    @contextlib.asynccontextmanager
    async def validating(self) -> AsyncIterator[None]:
        """One validation (waits while the gate is closed)."""
        while not self._open.is_set():
            await self._open.wait()
        if self._active == 0:
            self._idle = trio.Event()
        self._active += 1
        try:
            yield
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    @contextlib.asynccontextmanager
    async def closed(self) -> AsyncIterator[None]:
        """No validation runs inside the block (new ones wait; running ones finish first)."""
        gate = trio.Event()
        self._open = gate
        try:
            while self._active:
                await self._idle.wait()
            yield
        finally:
            gate.set()
