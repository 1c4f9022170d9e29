"""Large messages: serialized once, each send checked just before it (``large_sends`` patch).

py-libp2p's ``GossipSub.publish`` hands a message to every chosen peer's queue at once, and
``send_rpc`` copies, splits, sizes and (in the writer task) serializes the RPC once per peer
(~11 ms of Python per 4 MiB copy, measured), and IDONTWANT (gossipsub v1.2, sent by a receiver
on receipt) arrives after the forwarders queued their copies.

:class:`StaggeredSender` serializes the RPC once for all peers and, right before each send,
checks again whether the peer still wants the message: a peer that sent IDONTWANT for it, or
delivered a copy to us, meanwhile is skipped. It sends to at most ``parallel`` peers at a time
(``GossipParams.large_send_parallel``, default 16: all of a mesh at once; sending a few at a time
was measured to make copies and latency worse on a CPU-bound machine, see README "Gossip speed").
Only the order and timing of sends change; the wire format is gossipsub's.

The RPC is serialized once, at the first send (a forward whose peers all announced the message
meanwhile serializes nothing), and its size is handed to the peer queues (:meth:`size_of`: upb's
``ByteSize`` encodes the whole message to count it). The frame is written in slices of
:data:`WRITE_SIZE` (:func:`write_slices`), so each muxer frame fits one Noise message: py-libp2p's
yamux frames of 65,536 bytes are each split into two Noise messages (65,519 + 17 bytes: two AEAD
calls, two socket writes and two reads on the other side).
"""

from __future__ import annotations

import dataclasses
import logging
import random
from collections.abc import Callable, Iterable, Iterator
from typing import Final

import trio
from libp2p.peer.id import ID
from libp2p.pubsub.pb import rpc_pb2
from libp2p.pubsub.rpc_queue import RpcQueue
from libp2p.utils import encode_varint_prefixed

__all__ = ["WRITE_SIZE", "LargeSendCounters", "StaggeredSender", "write_slices"]

logger = logging.getLogger(__name__)

NOISE_MAX_PLAINTEXT: Final = 65535 - 16
"""The largest Noise transport payload: a 65,535-byte message less its 16-byte Poly1305 tag."""
WRITE_SIZE: Final = NOISE_MAX_PLAINTEXT - 12
"""Bytes per stream write of a large frame: a yamux frame (12-byte header; mplex headers are
shorter) carrying them fits one Noise message (65,507)."""


def write_slices(frame: bytes, size: int = WRITE_SIZE) -> Iterator[memoryview]:
    """``frame`` in consecutive slices of at most ``size`` bytes (views, not copies)."""
    view = memoryview(frame)
    for start in range(0, len(view), size):
        yield view[start : start + size]


@dataclasses.dataclass
class LargeSendCounters:
    """What the staggered sender did with each (message, peer) pair."""

    messages: int = 0
    sent: int = 0
    skipped: int = 0
    """Peers skipped because they announced (IDONTWANT) or delivered the message meanwhile."""
    dropped: int = 0
    """Peers whose queue was gone, full, or the RPC too large for it."""
    timeouts: int = 0
    held: int = 0
    """Forwarded messages held back until peers receiving them elsewhere could announce them."""


@dataclasses.dataclass(eq=False)
class _Send:
    rpc: rpc_pb2.RPC
    written: dict[ID, trio.Event] = dataclasses.field(default_factory=dict)
    frame: bytes = b""
    """The RPC as written (varint prefix + protobuf), serialized at the first actual send."""
    body_size: int = 0
    """The protobuf's size (``ByteSize``) without the prefix."""

    def encode(self) -> bytes:
        """Serialize once; every later call returns the same frame."""
        if not self.frame:
            body = self.rpc.SerializeToString()
            self.body_size = len(body)
            self.frame = bytes(encode_varint_prefixed(body))
        return self.frame


class StaggeredSender:
    """Sends one pre-serialized RPC to peers, ``parallel`` at a time (see the module doc).

    ``queue_of(peer)`` is the peer's outbound queue (None: not connected); ``wants(peer,
    msg_id)`` whether the peer may still need the message. :meth:`frame_for` /
    :meth:`written` are called by the peer's writer task (``Eth2Pubsub.write_msg``).
    """

    def __init__(
        self,
        queue_of: Callable[[ID], RpcQueue | None],
        wants: Callable[[ID, bytes], bool],
        *,
        parallel: int,
        timeout: float,
    ) -> None:
        if parallel < 1:
            raise ValueError("parallel must be at least 1")
        self._queue_of = queue_of
        self._wants = wants
        self.parallel = parallel
        self.timeout = timeout
        self.counters = LargeSendCounters()
        self._sends: dict[int, _Send] = {}

    async def send(
        self, msg_id: bytes, rpc: rpc_pb2.RPC, peers: Iterable[ID], not_before: float = 0.0
    ) -> None:
        """Send ``rpc`` (carrying message ``msg_id``) to each of ``peers`` that still wants it.

        Nothing is sent before ``not_before`` (trio time).
        """
        order = list(peers)
        random.shuffle(order)
        send = _Send(rpc)  # serialized only if some peer still wants it
        self._sends[id(rpc)] = send
        self.counters.messages += 1
        limiter = trio.Semaphore(self.parallel)
        try:
            if not_before > trio.current_time():
                self.counters.held += 1
                await trio.sleep_until(not_before)
            async with trio.open_nursery() as nursery:
                for peer_id in order:
                    await limiter.acquire()
                    if not self._wants(peer_id, msg_id):
                        self.counters.skipped += 1
                        limiter.release()
                        continue
                    nursery.start_soon(self._send_one, send, peer_id, limiter)
        finally:
            del self._sends[id(rpc)]

    async def _send_one(self, send: _Send, peer_id: ID, limiter: trio.Semaphore) -> None:
        try:
            queue = self._queue_of(peer_id)
            if queue is None or len(send.encode()) > queue.max_message_size + 16:
                self.counters.dropped += 1
                return
            written = send.written[peer_id] = trio.Event()
            if not queue.push(send.rpc):
                self.counters.dropped += 1
                return
            self.counters.sent += 1
            with trio.move_on_after(self.timeout) as scope:
                await written.wait()
            if scope.cancelled_caught:
                self.counters.timeouts += 1
                logger.debug("a large message to %s was not written in time", peer_id)
        finally:
            send.written.pop(peer_id, None)
            limiter.release()

    def peer_gone(self, peer_id: ID) -> None:
        """``peer_id`` disconnected: stop waiting for its writes."""
        for send in self._sends.values():
            event = send.written.get(peer_id)
            if event is not None:
                event.set()

    def frame_for(self, peer_id: ID, rpc: rpc_pb2.RPC) -> bytes | None:
        """The pre-serialized frame if ``rpc`` is one of ours for ``peer_id``, else None."""
        send = self._sends.get(id(rpc))
        if send is None or send.rpc is not rpc or peer_id not in send.written:
            return None
        return send.frame

    def size_of(self, rpc: rpc_pb2.RPC) -> int | None:
        """``rpc.ByteSize()`` of one of ours already serialized (upb computes it by encoding)."""
        send = self._sends.get(id(rpc))
        if send is None or send.rpc is not rpc or not send.frame:
            return None
        return send.body_size

    def written(self, peer_id: ID, rpc: rpc_pb2.RPC) -> None:
        """The writer task is done with ``rpc`` for ``peer_id`` (written, or the stream failed)."""
        send = self._sends.get(id(rpc))
        if send is not None and send.rpc is rpc:
            event = send.written.get(peer_id)
            if event is not None:
                event.set()
