"""Helpers of the req/resp tests: in-memory streams, a fake stream opener, real node pairs.

The in-memory streams behave like py-libp2p's where it matters here: ``read(n)`` returns at most
``n`` bytes (here deliberately at most ``max_read``), ``read`` after the remote closed raises
``StreamEOF``, a reset stream raises ``StreamReset``. They use only trio primitives, so tests
on them can run under ``MockClock`` with autojump.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator, Sequence

import trio
from libp2p.custom_types import TProtocol
from libp2p.network.stream.exceptions import StreamEOF, StreamReset
from libp2p.peer.id import ID
from libp2p.peer.peerinfo import PeerInfo, info_from_p2p_addr

from eip8025_p2p.host import GossipNode
from eip8025_p2p.reqresp import (
    MetaDataV3,
    ReqResp,
    ReqRespConfig,
    StaticStatusSource,
    StatusV2,
)

DIGEST = bytes.fromhex("a1b2c3d4")


class _Pipe:
    def __init__(self) -> None:
        self.buffer = bytearray()
        self.closed = False
        self.reset = False
        self.changed = trio.Event()

    def wake(self) -> None:
        self.changed.set()
        self.changed = trio.Event()


class MemoryStream:
    """One end of an in-memory duplex stream."""

    def __init__(self, incoming: _Pipe, outgoing: _Pipe, max_read: int) -> None:
        self._in = incoming
        self._out = outgoing
        self.max_read = max_read
        self.protocol: TProtocol | None = None
        self.was_reset = False

    async def read(self, n: int | None = None) -> bytes:
        while True:
            if self._in.buffer:  # like py-libp2p: buffered data survives a reset
                size = min(len(self._in.buffer), self.max_read, n or len(self._in.buffer))
                data = bytes(self._in.buffer[:size])
                del self._in.buffer[:size]
                return data
            if self._in.reset:
                raise StreamReset()
            if self._in.closed:
                raise StreamEOF()
            await self._in.changed.wait()

    async def write(self, data: bytes) -> None:
        if self._out.closed or self._out.reset:
            raise StreamReset()
        self._out.buffer += data
        self._out.wake()
        await trio.lowlevel.checkpoint()

    async def close(self) -> None:
        self._out.closed = True
        self._out.wake()

    async def reset(self) -> None:
        self.was_reset = True
        for pipe in (self._in, self._out):
            pipe.reset = True
            pipe.wake()

    def get_protocol(self) -> TProtocol | None:
        return self.protocol


def stream_pair(max_read: int = 3) -> tuple[MemoryStream, MemoryStream]:
    """``(client end, server end)``."""
    a, b = _Pipe(), _Pipe()
    return MemoryStream(b, a, max_read), MemoryStream(a, b, max_read)


class FakeOpener:
    """A ``StreamOpener`` whose peer supports ``supported``; server ends go to ``accepted``."""

    def __init__(self, supported: Sequence[TProtocol]) -> None:
        self.supported = list(supported)
        self.send, self.accepted = trio.open_memory_channel[MemoryStream](10)
        self.client_streams: list[MemoryStream] = []

    async def new_stream(self, peer_id: ID, protocol_ids: Sequence[TProtocol]) -> MemoryStream:
        chosen = next((p for p in protocol_ids if p in self.supported), None)
        if chosen is None:
            raise OSError("no protocol")
        client, server = stream_pair()
        client.protocol = server.protocol = chosen
        self.client_streams.append(client)
        await self.send.send(server)
        return client


def status(digest: bytes = DIGEST, head_slot: int = 64) -> StatusV2:
    """A Status for tests."""
    return StatusV2(
        fork_digest=digest,
        finalized_root=hashlib.sha256(b"finalized").digest(),
        finalized_epoch=1,
        head_root=hashlib.sha256(b"head%d" % head_slot).digest(),
        head_slot=head_slot,
        earliest_available_slot=8,
    )


def source(digest: bytes = DIGEST, head_slot: int = 64, seq: int = 1) -> StaticStatusSource:
    """A settable StatusSource for tests."""
    metadata = MetaDataV3(seq_number=seq, custody_group_count=4)
    return StaticStatusSource(status(digest, head_slot), metadata)


def node(label: str) -> GossipNode:
    """A node with a deterministic identity."""
    return GossipNode(hashlib.sha256(f"reqresp-test-{label}".encode()).digest())


@contextlib.asynccontextmanager
async def running_pair(
    a_source: StaticStatusSource | None = None,
    b_source: StaticStatusSource | None = None,
    a_config: ReqRespConfig | None = None,
    b_config: ReqRespConfig | None = None,
    *,
    connect: bool = True,
) -> AsyncIterator[tuple[GossipNode, ReqResp, GossipNode, ReqResp]]:
    """Two running nodes with req/resp; ``a`` dials ``b`` when ``connect``."""
    a, b = node("a"), node("b")
    ra = ReqResp(a.host, a_source or source(head_slot=64), a_config)
    rb = ReqResp(b.host, b_source or source(head_slot=65), b_config)
    async with a.running(), b.running(), ra.running(), rb.running():
        if connect:
            with trio.fail_after(15):
                await a.host.connect(_info(b))
        yield a, ra, b, rb


def _info(target: GossipNode) -> PeerInfo:
    return info_from_p2p_addr(target.addrs[0])
