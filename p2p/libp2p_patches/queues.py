"""Bounded per-peer outbound queues (``rpc_size`` and ``outbound_queue`` patches)."""

from __future__ import annotations

import collections
from collections.abc import Callable

import trio
from libp2p.peer.id import ID
from libp2p.pubsub.pb import rpc_pb2
from libp2p.pubsub.rpc_queue import PriorityQueue, RpcQueue

__all__ = ["BoundedRpcBuffer", "PeerQueues", "unknown_size"]


def unknown_size(rpc: rpc_pb2.RPC) -> int | None:
    """The default ``size_of``: no RPC's size is known in advance."""
    return None


class BoundedRpcBuffer(PriorityQueue):
    """The buffer inside each per-peer ``RpcQueue``: bounded by RPC count and data bytes.

    Control RPCs (priority) count only against ``max_rpcs``; data RPCs also against ``max_bytes``
    (a single RPC is always accepted into an empty data queue). ``wait_room`` lets a local publisher
    wait until the sending task has drained enough (``outbound_queue`` patch).
    """

    def __init__(
        self,
        max_rpcs: int,
        max_bytes: int,
        size_of: Callable[[rpc_pb2.RPC], int | None] = unknown_size,
    ) -> None:
        super().__init__(max_rpcs)
        self.max_bytes = max_bytes
        self.size_of = size_of
        """A known ``ByteSize`` of an RPC (None: unknown); upb's ``ByteSize`` encodes the RPC."""
        self.data_bytes = 0
        self.dropped = 0
        self._sizes: collections.deque[int] = collections.deque()
        self._room = trio.Event()

    def has_room(self, size: int) -> bool:
        """True if a data RPC of ``size`` bytes would be accepted now."""
        if len(self) >= self.max_size:
            return False
        return not self._non_priority or self.data_bytes + size <= self.max_bytes

    def push(self, rpc: rpc_pb2.RPC, priority: bool = False) -> bool:
        """Enqueue, or return False (py-libp2p then logs and drops the RPC)."""
        if priority:
            if len(self) >= self.max_size:
                self.dropped += 1
                return False
            self._priority.append(rpc)
            return True
        known = self.size_of(rpc)
        size = rpc.ByteSize() if known is None else known
        if not self.has_room(size):
            self.dropped += 1
            return False
        self._non_priority.append(rpc)
        self._sizes.append(size)
        self.data_bytes += size
        return True

    def pop(self) -> rpc_pb2.RPC | None:
        """Dequeue (control first) and wake publishers waiting for room."""
        if self._priority:
            rpc = self._priority.popleft()
        elif self._non_priority:
            rpc = self._non_priority.popleft()
            self.data_bytes -= self._sizes.popleft()
        else:
            return None
        self._room.set()
        self._room = trio.Event()
        return rpc

    async def wait_room(self, size: int) -> None:
        """Wait until a data RPC of ``size`` bytes fits (callers bound the wait)."""
        while not self.has_room(size):
            await self._room.wait()


class PeerQueues(dict[ID, RpcQueue]):
    """``Pubsub.peer_queues`` that re-bounds each queue as ``_handle_new_peer`` inserts it.

    py-libp2p builds ``RpcQueue()`` with its 1 MiB / 32-RPC defaults inside
    ``Pubsub._handle_new_peer`` and starts the sending task with it right after storing it here, so
    adjusting the object on insertion is the one place that catches every queue before its first
    use (``rpc_size`` and ``outbound_queue`` patches).
    """

    def __init__(
        self,
        max_message_size: int,
        max_rpcs: int,
        max_bytes: int,
        size_of: Callable[[rpc_pb2.RPC], int | None] = unknown_size,
    ) -> None:
        super().__init__()
        self.max_message_size = max_message_size
        self.max_rpcs = max_rpcs
        self.max_bytes = max_bytes
        self.size_of = size_of

    def __setitem__(self, peer_id: ID, queue: RpcQueue) -> None:
        queue.max_message_size = self.max_message_size
        if len(queue) == 0 and not isinstance(queue._queue, BoundedRpcBuffer):
            queue._queue = BoundedRpcBuffer(self.max_rpcs, self.max_bytes, self.size_of)
        super().__setitem__(peer_id, queue)

    @staticmethod
    def buffer(queue: RpcQueue) -> BoundedRpcBuffer | None:
        """The bounded buffer of ``queue`` (None for a queue we did not re-bound)."""
        inner = queue._queue
        return inner if isinstance(inner, BoundedRpcBuffer) else None
