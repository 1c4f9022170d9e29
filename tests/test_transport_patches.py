"""Patches to how bytes cross a connection (``yamux_credit``; ``large_sends``: write sizes,
serialization once, sizes handed to the queues).

The yamux test uses real hosts on 127.0.0.1: the patched run builds them as the node does
(``create_host``, whose ``new_eth2_host`` batches yamux credit), the unpatched run with
py-libp2p's ``new_host`` and the environment variable unset, and is expected to fail by an
assertion.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import struct
from collections.abc import AsyncIterator, Awaitable, Callable

import multiaddr
import pytest
import trio
import trio.testing
from libp2p import new_host
from libp2p.abc import IHost, IMuxedConn, INetStream
from libp2p.crypto.x25519 import create_new_key_pair as create_x25519_key_pair
from libp2p.custom_types import TProtocol
from libp2p.peer.id import ID
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.pubsub.rpc_queue import RpcQueue
from libp2p.security.noise.io import MAX_PLAINTEXT_LENGTH
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_PROTOCOL_ID
from libp2p.security.noise.transport import Transport as NoiseTransport
from libp2p.stream_muxer.mplex.mplex import MPLEX_PROTOCOL_ID, Mplex
from libp2p.stream_muxer.yamux.yamux import HEADER_SIZE, TYPE_WINDOW_UPDATE, YAMUX_HEADER_FORMAT

from eip8025_p2p.host import create_host, secp256k1_key_pair
from eip8025_p2p.libp2p_patches import (
    WRITE_SIZE,
    BoundedRpcBuffer,
    PeerQueues,
    StaggeredSender,
    write_slices,
)
from eip8025_p2p.libp2p_patches.yamux_credit import YAMUX_RELEASE_ON_READ, batch_yamux_credit
from tests.gossip_support import patched_and_stock

LOOPBACK = multiaddr.Multiaddr("/ip4/127.0.0.1/tcp/0")
PROTOCOL = TProtocol("/eip8025-test/bytes/1")
DEADLINE = 30.0
MESSAGE = 1024 * 1024
READ_PIECE = 16 * 1024
BOTH = patched_and_stock()


def count_window_updates(muxed: IMuxedConn) -> list[int]:
    """Record the increments of the WINDOW_UPDATE frames ``muxed`` writes (a test probe)."""
    increments: list[int] = []
    write_frame: Callable[[bytes], Awaitable[None]] = muxed._write_frame  # type: ignore[attr-defined]

    async def recording(data: bytes) -> None:
        _, kind, flags, _, length = struct.unpack(YAMUX_HEADER_FORMAT, data[:HEADER_SIZE])
        if kind == TYPE_WINDOW_UPDATE and not flags:  # not a stream's SYN / ACK
            increments.append(length)
        await write_frame(data)

    muxed._write_frame = recording  # type: ignore[attr-defined]
    return increments


@contextlib.asynccontextmanager
async def stream_between(sender: IHost, receiver: IHost) -> AsyncIterator[INetStream]:
    """Both hosts running on 127.0.0.1 and a ``PROTOCOL`` stream from ``sender``; closed after."""
    async with sender.run([LOOPBACK]), receiver.run([LOOPBACK]):
        await sender.connect(info_from_p2p_addr(receiver.get_addrs()[0]))
        yield await sender.new_stream(receiver.get_id(), [PROTOCOL])
        await sender.close()
        await receiver.close()


async def write_in_pieces(stream: INetStream, data: bytes) -> None:
    """Write ``data`` as ``large_sends`` does: Noise-sized pieces."""
    for piece in write_slices(data):
        await stream.write(piece)  # type: ignore[arg-type]  # bytes-like suffices


async def read_in_pieces(stream: INetStream, size: int) -> int:
    """Read ``size`` bytes: 3 single bytes (a varint prefix), then pieces of at most 16 KiB.

    Returns the number of reads.
    """
    got = reads = 0
    for _ in range(3):
        got += len(await stream.read(1))
        reads += 1
    while got < size:
        got += len(await stream.read(min(READ_PIECE, size - got)))
        reads += 1
    return reads


@pytest.mark.parametrize("patched", BOTH)
async def test_yamux_credit_batched(
    patched: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(YAMUX_RELEASE_ON_READ, raising=False)  # restored after the test
    build = create_host if patched else functools.partial(create_host, build=new_host)
    sender: IHost = build(hashlib.sha256(b"credit-a").digest(), LOOPBACK)
    receiver: IHost = build(hashlib.sha256(b"credit-b").digest(), LOOPBACK)
    received = trio.Event()
    updates: list[int] = []
    reads: list[int] = []

    async def handler(stream: INetStream) -> None:
        reads.append(await read_in_pieces(stream, MESSAGE))
        received.set()

    receiver.set_stream_handler(PROTOCOL, handler)
    with trio.fail_after(DEADLINE):
        async with stream_between(sender, receiver) as stream:
            (conn,) = receiver.get_network().get_connections(sender.get_id())
            updates = count_window_updates(conn.muxed_conn)
            await write_in_pieces(stream, bytes(MESSAGE))
            await received.wait()
    # stock: one WINDOW_UPDATE per read (68 for 67 reads); batched: about one per two reads
    assert len(updates) <= 0.6 * reads[0] + 4, (reads, updates)


def test_yamux_credit_respects_the_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(YAMUX_RELEASE_ON_READ, "1")
    assert not batch_yamux_credit()
    assert os.environ[YAMUX_RELEASE_ON_READ] == "1"
    monkeypatch.delenv(YAMUX_RELEASE_ON_READ)
    assert batch_yamux_credit()
    assert os.environ[YAMUX_RELEASE_ON_READ] == "0"


def test_large_sends_write_slices_fit_one_noise_message() -> None:
    frame = bytes(range(256)) * 1000
    pieces = list(write_slices(frame))
    assert b"".join(pieces) == frame
    assert all(len(piece) == WRITE_SIZE for piece in pieces[:-1])
    assert WRITE_SIZE + HEADER_SIZE == MAX_PLAINTEXT_LENGTH  # one yamux frame, one Noise message
    assert list(write_slices(b"")) == []



async def test_large_sends_pieces_cross_mplex_intact() -> None:
    # Lodestar 1.5.1 speaks mplex only: the Noise-sized pieces (memoryviews) must arrive intact
    key_pair = secp256k1_key_pair(hashlib.sha256(b"mplex-only").digest())
    mplex_only = new_host(
        key_pair=key_pair,
        sec_opt={
            NOISE_PROTOCOL_ID: NoiseTransport(
                key_pair, noise_privkey=create_x25519_key_pair().private_key
            )
        },
        muxer_opt={MPLEX_PROTOCOL_ID: Mplex},
        listen_addrs=[LOOPBACK],
    )
    ours = create_host(hashlib.sha256(b"ours").digest(), LOOPBACK)
    frame = hashlib.sha256(b"frame").digest() * (300_000 // 32)
    received = bytearray()
    done = trio.Event()

    async def handler(stream: INetStream) -> None:
        while len(received) < len(frame):
            received.extend(await stream.read(len(frame) - len(received)))
        done.set()

    mplex_only.set_stream_handler(PROTOCOL, handler)
    with trio.fail_after(DEADLINE):
        async with stream_between(ours, mplex_only) as stream:
            assert isinstance(stream.muxed_conn, Mplex)
            await write_in_pieces(stream, frame)
            await done.wait()
    assert bytes(received) == frame


class CountingRpc:
    """An RPC stand-in that counts serializations and refuses ``ByteSize`` (a test double)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.serialized = 0

    def SerializeToString(self) -> bytes:
        self.serialized += 1
        return self.body

    def ByteSize(self) -> int:
        raise AssertionError("the size was known: ByteSize encodes the whole RPC under upb")


def peer_id(index: int) -> ID:
    return ID(hashlib.sha256(index.to_bytes(4, "little")).digest())


async def test_large_sends_serialize_once_and_only_when_sent() -> None:
    queues = {peer_id(i): RpcQueue() for i in range(3)}
    wanted: set[ID] = set()  # every peer announced the first message
    sender = StaggeredSender(
        queues.get, lambda peer, msg_id: peer in wanted, parallel=16, timeout=1.0
    )
    nobody = CountingRpc(b"x" * 1000)
    await sender.send(b"id-1", nobody, queues)  # type: ignore[arg-type]  # (duck-typed)
    assert nobody.serialized == 0  # nothing serialized
    wanted.update({peer_id(0), peer_id(1)})
    rpc = CountingRpc(b"y" * 1000)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(sender.send, b"id-2", rpc, list(queues))
        await trio.testing.wait_all_tasks_blocked()
        assert sender.size_of(rpc) == 1000  # type: ignore[arg-type]
        for peer in wanted:
            assert sender.frame_for(peer, rpc) is not None  # type: ignore[arg-type]
            sender.written(peer, rpc)  # type: ignore[arg-type]
    assert rpc.serialized == 1  # once for both peers
    assert sender.counters.sent == 2
    assert sender.size_of(rpc) is None  # type: ignore[arg-type]  # done: forgotten


def test_large_sends_queue_takes_a_known_size() -> None:
    rpc = CountingRpc(b"z" * 10)
    buffer = BoundedRpcBuffer(max_rpcs=4, max_bytes=100, size_of=lambda r: 60)
    assert buffer.push(rpc)  # type: ignore[arg-type]  # ByteSize would raise
    assert buffer.data_bytes == 60
    assert not buffer.push(rpc)  # 60 + 60 known bytes exceed the 100-byte bound
    assert buffer.dropped == 1
    queues = PeerQueues(1 << 20, 4, 100, size_of=lambda r: 7)
    queues[peer_id(9)] = RpcQueue()
    inner = PeerQueues.buffer(queues[peer_id(9)])
    assert inner is not None
    assert inner.push(rpc)  # type: ignore[arg-type]
    assert inner.data_bytes == 7
