"""eth2 req/resp: the ssz_snappy codec, the handshake messages, rate limiting, timeouts and the
handshake between real py-libp2p hosts on 127.0.0.1.

Timeout tests run on in-memory streams under trio's ``MockClock`` (autojump), so no test waits
for wall-clock time; network tests wait on conditions, each with a ``trio.fail_after`` deadline.
"""

from __future__ import annotations

import cramjam
import pytest
import trio
import trio.testing
from libp2p import new_host
from libp2p.crypto.x25519 import create_new_key_pair as create_x25519_key_pair
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_PROTOCOL_ID
from libp2p.security.noise.transport import Transport as NoiseTransport
from libp2p.stream_muxer.mplex.mplex import MPLEX_PROTOCOL_ID, Mplex
from multiaddr import Multiaddr

from eip8025_p2p.host import peer_id_from_secret, secp256k1_key_pair
from eip8025_p2p.reqresp import (
    GOODBYE_CLIENT_SHUTDOWN,
    GOODBYE_IRRELEVANT_NETWORK,
    MAX_PAYLOAD_SIZE,
    METADATA_V2,
    METADATA_V3,
    PING_V1,
    RESP_TIMEOUT,
    STATUS_V1,
    STATUS_V2,
    TTFB_TIMEOUT,
    CodecError,
    MetaDataV2,
    MetaDataV3,
    ProtocolNotSupported,
    RateLimit,
    RateLimiter,
    ReqResp,
    ReqRespConfig,
    RequestTimeout,
    ResponseError,
    ResultCode,
    SizeBounds,
    StaticStatusSource,
    StatusV1,
    StatusV2,
    decode_request,
    decode_response_chunk,
    encode_error_chunk,
    encode_request,
    encode_success_chunk,
    goodbye_reason_name,
    send_request,
)
from eip8025_p2p.reqresp.codec import error_text, read_chunk_payload, read_request, read_result
from eip8025_p2p.reqresp.framing import (
    SNAPPY_STREAM_IDENTIFIER,
    StreamReader,
    compress_frames,
    decode_from_bytes,
    decode_from_stream,
    encode_uvarint,
    payload_decoder,
    uvarint_decoder,
)
from eip8025_p2p.reqresp.messages import encode_uint64
from eip8025_p2p.reqresp.ratelimit import Admission
from tests.reqresp_support import (
    DIGEST,
    FakeOpener,
    node,
    running_pair,
    source,
    status,
    stream_pair,
)

DEADLINE = 15.0
ANY = SizeBounds(0, MAX_PAYLOAD_SIZE)
PEER = peer_id_from_secret(bytes(31) + b"\x01")


def frame(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + len(body).to_bytes(3, "little") + body


def incompressible(size: int) -> bytes:
    return bytes((i * 7919 + (i >> 8) * 104729) % 251 for i in range(size))


# -- uvarint and snappy frames ---------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 2**32, 2**64 - 1])
def test_uvarint_round_trip(value: int) -> None:
    encoded = encode_uvarint(value)
    assert decode_from_bytes(uvarint_decoder(), encoded) == (value, len(encoded))
    assert len(encoded) <= 10


def test_uvarint_known_bytes() -> None:
    assert encode_uvarint(300) == b"\xac\x02"
    assert encode_uvarint(84) == b"\x54"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"\x80" * 10 + b"\x01", "longer than 10 bytes"),
        (b"\xff" * 9 + b"\x02", "does not fit a Uint64"),
        (b"\x80\x80", "truncated"),
    ],
)
def test_bad_uvarints_are_rejected(data: bytes, error: str) -> None:
    with pytest.raises(CodecError, match=error):
        decode_from_bytes(uvarint_decoder(), data)


@pytest.mark.parametrize("size", [0, 1, 84, 65536, 65537, 200_000])
def test_request_round_trip(size: int) -> None:
    payload = incompressible(size // 2) + b"z" * (size - size // 2)
    encoded = encode_request(payload)
    assert decode_request(encoded, ANY) == payload
    if size:
        assert encoded[len(encode_uvarint(size)) :].startswith(SNAPPY_STREAM_IDENTIFIER)


def test_frames_are_standard_snappy_framing() -> None:
    payload = incompressible(150_000)
    frames = encode_request(payload)[len(encode_uvarint(len(payload))) :]
    assert bytes(cramjam.snappy.decompress(frames)) == payload


def test_skippable_chunks_are_skipped() -> None:
    value = encode_uint64(7)
    data_chunk = compress_frames(value)[len(SNAPPY_STREAM_IDENTIFIER) :]
    encoded = encode_uvarint(8) + SNAPPY_STREAM_IDENTIFIER + frame(0xFE, b"\0\0") + data_chunk
    assert decode_request(encoded, SizeBounds.fixed(8)) == value


def _status_bytes() -> bytes:
    return status().v1().encode_bytes()


@pytest.mark.parametrize(
    ("encoded", "error"),
    [
        (encode_uvarint(85) + compress_frames(b"x" * 85), "outside the type bounds"),
        (encode_uvarint(83) + compress_frames(b"x" * 83), "outside the type bounds"),
        (encode_request(_status_bytes())[:-1], "truncated"),
        (encode_request(_status_bytes()) + b"\x00", "trailing"),
        (encode_uvarint(84) + compress_frames(_status_bytes())[10:], "stream identifier"),
        (encode_uvarint(84) + b"\xff\x06\x00\x00sNaPpZ", "bad snappy stream identifier"),
        (encode_uvarint(84) + SNAPPY_STREAM_IDENTIFIER + frame(0x02, b"ab"), "reserved"),
        (encode_uvarint(84) + SNAPPY_STREAM_IDENTIFIER + frame(0xFE, b"\0" * 200), "max_comp"),
        (encode_uvarint(84) + compress_frames(_status_bytes() + b"!!"), "overruns"),
        (encode_uvarint(84), "truncated"),
    ],
    ids=[
        "longer-than-type",
        "shorter-than-type",
        "truncated-frame",
        "trailing-byte",
        "no-identifier",
        "bad-identifier",
        "reserved-chunk",
        "over-max-compressed-len",
        "chunk-longer-than-prefix",
        "no-frames",
    ],
)
def test_malformed_requests_are_rejected(encoded: bytes, error: str) -> None:
    with pytest.raises(CodecError, match=error):
        decode_request(encoded, STATUS_V1.request or ANY)


def test_corrupted_checksum_is_rejected() -> None:
    encoded = bytearray(encode_request(_status_bytes()))
    encoded[-1] ^= 0x01  # last payload byte: its chunk's CRC no longer matches
    with pytest.raises(CodecError, match="checksum"):
        decode_request(bytes(encoded), STATUS_V1.request or ANY)


def test_payload_size_cap_applies_to_every_type() -> None:
    encoded = encode_uvarint(MAX_PAYLOAD_SIZE + 1) + SNAPPY_STREAM_IDENTIFIER
    with pytest.raises(CodecError, match="MAX_PAYLOAD_SIZE"):
        decode_request(encoded, SizeBounds(0, 2**40))


# -- response chunks -------------------------------------------------------------------------


def test_success_and_error_chunks_round_trip() -> None:
    data = encode_success_chunk(encode_uint64(9)) + encode_error_chunk(200, "custom error")
    first, used = decode_response_chunk(data, PING_V1.response)
    assert first.ok
    assert first.payload == encode_uint64(9)
    second, rest = decode_response_chunk(data[used:], PING_V1.response)
    assert (second.result, error_text(second.payload)) == (200, "custom error")
    assert used + rest == len(data)


def test_error_message_is_cut_to_256_bytes() -> None:
    chunk, _ = decode_response_chunk(encode_error_chunk(2, "e" * 300), PING_V1.response)
    assert chunk.result == ResultCode.SERVER_ERROR
    assert chunk.payload == b"e" * 256


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"\x05" + encode_request(b"x"), "reserved result code 5"),
        (b"\x7f" + encode_request(b"x"), "reserved result code 127"),
        (b"\x01" + encode_request(b"e" * 257), "outside the type bounds"),
        (b"", "empty response"),
        (b"\x00" + encode_request(b"x" * 9), "outside the type bounds"),
    ],
)
def test_bad_response_chunks_are_rejected(data: bytes, error: str) -> None:
    with pytest.raises(CodecError, match=error):
        decode_response_chunk(data, PING_V1.response)


def test_error_chunks_need_an_error_code() -> None:
    with pytest.raises(ValueError, match="not an error result code"):
        encode_error_chunk(0, "ok")
    with pytest.raises(ValueError, match="not an error result code"):
        encode_error_chunk(64, "reserved")


# -- the exact stream reader -----------------------------------------------------------------


async def test_stream_reader_assembles_partial_reads() -> None:
    client, server = stream_pair(max_read=3)  # every read returns at most 3 bytes
    payload = incompressible(5000)
    await client.write(encode_request(payload))
    await client.close()
    reader = StreamReader(server)
    assert await read_request(reader, ANY) == payload
    assert reader.received == len(encode_request(payload))


async def test_stream_reader_rejects_trailing_bytes_and_early_eof() -> None:
    client, server = stream_pair()
    await client.write(encode_request(b"abc") + b"\x00")
    await client.close()
    with pytest.raises(CodecError, match="trailing"):
        await read_request(StreamReader(server), ANY)
    client, server = stream_pair()
    await client.write(encode_request(b"abcdef")[:-2])
    await client.close()
    with pytest.raises(CodecError, match="unexpected end of stream"):
        await read_request(StreamReader(server), ANY)


# -- messages --------------------------------------------------------------------------------


def test_status_layout_follows_the_spec_field_order() -> None:
    value = status()
    encoded = value.encode_bytes()
    assert len(encoded) == 92
    assert len(value.v1().encode_bytes()) == 84
    assert encoded[:4] == DIGEST
    assert encoded[4:36] == value.finalized_root
    assert encoded[36:44] == (1).to_bytes(8, "little")  # finalized_epoch
    assert encoded[44:76] == value.head_root
    assert encoded[76:84] == (64).to_bytes(8, "little")  # head_slot
    assert encoded[84:92] == (8).to_bytes(8, "little")  # earliest_available_slot
    assert StatusV1.decode_bytes(encoded[:84]) == value.v1()
    assert StatusV2.decode_bytes(encoded) == value


def test_metadata_layout_and_strict_bitvectors() -> None:
    attnets = tuple(i in (0, 63) for i in range(64))
    value = MetaDataV3(
        seq_number=5, attnets=attnets, syncnets=(False, True, False, False), custody_group_count=4
    )
    encoded = value.encode_bytes()
    assert encoded.hex() == "0500000000000000" + "0100000000000080" + "02" + "0400000000000000"
    assert MetaDataV3.decode_bytes(encoded) == value
    assert MetaDataV2.decode_bytes(encoded[:17]) == value.v2()
    padded = encoded[:16] + b"\x12" + encoded[17:]  # syncnets has 4 bits: 0x10 is padding
    with pytest.raises(Exception, match="padding"):
        MetaDataV3.decode_bytes(padded)


def test_protocol_ids_and_goodbye_names() -> None:
    assert STATUS_V2.protocol_id == "/eth2/beacon_chain/req/status/2/ssz_snappy"
    assert METADATA_V3.protocol_id == "/eth2/beacon_chain/req/metadata/3/ssz_snappy"
    assert PING_V1.protocol_id == "/eth2/beacon_chain/req/ping/1/ssz_snappy"
    assert (STATUS_V1.request, METADATA_V2.request) == (SizeBounds.fixed(84), None)
    assert goodbye_reason_name(2) == "irrelevant network"
    assert goodbye_reason_name(129) == "too many peers"


def test_static_source_bumps_seq_number_on_metadata_change() -> None:
    src = source(seq=3)
    src.set_metadata(src.metadata.copy_with(custody_group_count=8))
    assert src.local_metadata().seq_number == 4
    src.set_metadata(src.metadata)  # unchanged: same number
    assert src.local_metadata().seq_number == 4


# -- rate limiting ---------------------------------------------------------------------------


def test_rate_limiter_withholds_then_limits_then_refuses() -> None:
    now = [100.0]
    limiter = RateLimiter({"ping": RateLimit(2, 10.0)}, max_wait=5.0, clock=lambda: now[0])
    assert limiter.admit("p", "ping") == (Admission.SERVE, 0.0)
    assert limiter.admit("p", "ping") == (Admission.SERVE, 0.0)
    assert limiter.admit("p", "ping") == (Admission.REFUSED, 0.0)  # 2 already in flight
    limiter.release("p", "ping")
    assert limiter.admit("p", "ping") == (Admission.SERVE, pytest.approx(5.0))  # withheld
    limiter.release("p", "ping")
    limiter.release("p", "ping")
    assert limiter.admit("p", "ping")[0] is Admission.LIMITED  # next token in 10 s > 5 s
    limiter.release("p", "ping")
    assert limiter.admit("q", "ping") == (Admission.SERVE, 0.0)  # other peers unaffected
    limiter.release("q", "ping")
    now[0] += 20.0
    assert limiter.admit("p", "ping") == (Admission.SERVE, 0.0)  # refilled
    assert limiter.admit("p", "status") == (Admission.SERVE, 0.0)  # no quota configured


# -- requests on in-memory streams, under MockClock ------------------------------------------


async def test_request_to_a_peer_that_never_answers_times_out(
    mock_clock: trio.testing.MockClock,
) -> None:
    mock_clock.autojump_threshold = 0
    opener = FakeOpener([STATUS_V1.protocol_id])
    started = trio.current_time()
    with pytest.raises(RequestTimeout) as info:
        await send_request(opener, PEER, [STATUS_V2, STATUS_V1], lambda m: _status_bytes())
    assert info.value.stage == "ttfb"
    assert trio.current_time() - started == pytest.approx(TTFB_TIMEOUT)
    assert opener.client_streams[0].was_reset
    server = opener.accepted.receive_nowait()  # the request had arrived; the stream is reset
    received = await decode_from_stream(payload_decoder(ANY), StreamReader(server))
    assert received == _status_bytes()


async def test_response_stalling_after_the_first_byte_times_out(
    mock_clock: trio.testing.MockClock,
) -> None:
    mock_clock.autojump_threshold = 0
    opener = FakeOpener([PING_V1.protocol_id])

    async def stall() -> None:
        server = await opener.accepted.receive()
        await trio.sleep(TTFB_TIMEOUT - 0.5)  # first byte just in time
        await server.write(b"\x00")

    async with trio.open_nursery() as nursery:
        nursery.start_soon(stall)
        started = trio.current_time()
        with pytest.raises(RequestTimeout) as info:
            await send_request(opener, PEER, [PING_V1], lambda m: encode_uint64(1))
    assert info.value.stage == "resp"
    assert trio.current_time() - started == pytest.approx(TTFB_TIMEOUT - 0.5 + RESP_TIMEOUT)


async def test_error_chunks_and_version_fallback(mock_clock: trio.testing.MockClock) -> None:
    mock_clock.autojump_threshold = 0
    opener = FakeOpener([METADATA_V2.protocol_id, PING_V1.protocol_id])

    async def serve() -> None:
        server = await opener.accepted.receive()
        await server.write(encode_success_chunk(MetaDataV2(seq_number=4).encode_bytes()))
        await server.close()
        server = await opener.accepted.receive()
        await server.write(encode_error_chunk(3, "rate limited"))
        await server.close()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(serve)
        method, body = await send_request(opener, PEER, [METADATA_V3, METADATA_V2], lambda m: None)
        assert method is METADATA_V2
        assert MetaDataV2.decode_bytes(body).seq_number == 4
        with pytest.raises(ResponseError) as info:
            await send_request(opener, PEER, [PING_V1], lambda m: encode_uint64(1))
    assert (info.value.code, info.value.message) == (3, "rate limited")


# -- real hosts on 127.0.0.1 -----------------------------------------------------------------


async def test_handshake_between_two_hosts() -> None:
    async with running_pair() as (a, ra, b, rb):
        with trio.fail_after(DEADLINE):
            await ra.peers.wait_until(lambda: _done(ra, b) and ra.peers.get(b.peer_id).pings_sent)
            await rb.peers.wait_until(lambda: _done(rb, a))
        at_a, at_b = ra.peers.get(b.peer_id), rb.peers.get(a.peer_id)
        assert at_a is not None
        assert at_b is not None
        assert (at_a.direction, at_b.direction) == ("outbound", "inbound")
        assert (at_a.status_version, at_a.metadata_version) == (2, 3)
        assert at_a.status == rb.source.local_status()
        assert at_b.status == ra.source.local_status()  # learnt by answering a's request
        assert at_a.metadata == rb.source.local_metadata()
        assert at_a.last_ping_rtt is not None
        assert at_a.last_ping_rtt > 0
        assert at_a.summary()["head_slot"] == 65
        assert at_a.summary()["custody_group_count"] == 4
        muxed = a.host.get_network().get_connections(b.peer_id)[0].muxed_conn
        assert type(muxed).__name__ == "Yamux"  # preferred over mplex between our hosts


async def test_status_v1_fallback_with_a_pre_fulu_peer() -> None:
    old = ReqRespConfig(fulu=False)
    async with running_pair(b_config=old) as (a, ra, b, rb):
        with trio.fail_after(DEADLINE):
            await ra.peers.wait_until(lambda: _done(ra, b))
            await rb.peers.wait_until(lambda: _done(rb, a))
        at_a, at_b = ra.peers.get(b.peer_id), rb.peers.get(a.peer_id)
        assert at_a is not None
        assert at_b is not None
        assert (at_a.status_version, at_a.metadata_version) == (1, 2)
        assert at_a.status == rb.source.local_status().v1()
        assert isinstance(at_a.metadata, MetaDataV2)
        assert (at_b.status_version, at_b.metadata_version) == (1, 2)


async def test_a_protocol_the_peer_lacks_is_reported() -> None:
    passive = ReqRespConfig(handshake=False)
    old = ReqRespConfig(handshake=False, fulu=False)
    async with running_pair(a_config=passive, b_config=old) as (a, ra, b, rb):
        with trio.fail_after(DEADLINE), pytest.raises(ProtocolNotSupported):
            await ra.request(b.peer_id, [STATUS_V2], lambda m: status().encode_bytes())
        assert isinstance(await rb.metadata(a.peer_id), MetaDataV2)  # b asks only for v2
        assert b.peer_id in a.host.get_connected_peers()


async def test_fork_digest_mismatch_sends_goodbye_and_disconnects() -> None:
    foreign = source(digest=bytes.fromhex("00000001"))
    async with running_pair(b_source=foreign) as (a, ra, b, rb):
        with trio.fail_after(DEADLINE):
            await ra.peers.wait_until(lambda: _gone(ra, b))
            await rb.peers.wait_until(lambda: _gone(rb, a))
        at_a, at_b = ra.peers.last_seen(b.peer_id), rb.peers.last_seen(a.peer_id)
        assert at_a is not None
        assert at_b is not None
        assert at_a.status is not None
        assert at_a.status.fork_digest == bytes.fromhex("00000001")
        assert at_a.goodbye_sent == GOODBYE_IRRELEVANT_NETWORK
        assert GOODBYE_IRRELEVANT_NETWORK in (at_b.goodbye_sent, at_b.goodbye_received)
        assert not at_a.handshake_done
        assert b.peer_id not in a.host.get_connected_peers()


async def test_inbound_peer_without_status_is_asked_for_it() -> None:
    quiet = ReqRespConfig(handshake=False)  # a dials but never sends Status
    eager = ReqRespConfig(inbound_status_grace=0.0)
    async with running_pair(a_config=quiet, b_config=eager) as (a, ra, b, rb):
        with trio.fail_after(DEADLINE):
            await rb.peers.wait_until(lambda: _done(rb, a))
        at_b = rb.peers.get(a.peer_id)
        assert at_b is not None
        assert at_b.direction == "inbound"
        assert at_b.status == ra.source.local_status()
        at_a = ra.peers.get(b.peer_id)
        assert at_a is not None
        assert at_a.status == rb.source.local_status()


async def test_goodbye_is_acknowledged_and_the_receiver_hangs_up() -> None:
    passive = ReqRespConfig(handshake=False, goodbye_timeout=0.1)
    async with running_pair(a_config=passive, b_config=passive) as (a, ra, b, rb):
        assert await ra.goodbye(b.peer_id, GOODBYE_CLIENT_SHUTDOWN)
        with trio.fail_after(DEADLINE):
            await rb.peers.wait_until(lambda: _gone(rb, a))
            await ra.peers.wait_until(lambda: _gone(ra, b))
        at_b = rb.peers.last_seen(a.peer_id)
        assert at_b is not None
        assert at_b.goodbye_received == GOODBYE_CLIENT_SHUTDOWN
        at_a = ra.peers.last_seen(b.peer_id)
        assert at_a is not None
        assert at_a.goodbye_sent == GOODBYE_CLIENT_SHUTDOWN


async def test_rate_limited_requests_get_resource_unavailable() -> None:
    strict = ReqRespConfig(
        handshake=False, rate_limits={"ping": RateLimit(1, 1000.0)}, max_withhold=0.0
    )
    async with running_pair(a_config=ReqRespConfig(handshake=False), b_config=strict) as (
        a,
        ra,
        b,
        rb,
    ):
        assert await ra.ping(b.peer_id) == 1
        with pytest.raises(ResponseError) as info:
            await ra.ping(b.peer_id)
        assert info.value.code == ResultCode.RESOURCE_UNAVAILABLE
        assert info.value.message == "rate limited"
        assert (await ra.status(b.peer_id)).head_slot == 65  # other methods are not limited
        assert rb.peers.get(a.peer_id) is not None  # limited, not disconnected


async def test_a_failing_handler_answers_server_error_and_the_host_survives() -> None:
    class Broken(StaticStatusSource):
        def local_status(self) -> StatusV2:
            raise RuntimeError("chain view unavailable")

    passive = ReqRespConfig(handshake=False)
    broken = Broken(status(), MetaDataV3(seq_number=6))
    async with running_pair(b_source=broken, a_config=passive, b_config=passive) as (
        a,
        ra,
        b,
        rb,
    ):
        with pytest.raises(ResponseError) as info:
            await ra.status(b.peer_id)
        assert info.value.code == ResultCode.SERVER_ERROR
        assert await ra.ping(b.peer_id) == 6  # same connection, still served
        assert b.peer_id in a.host.get_connected_peers()
        assert rb.peers.get(a.peer_id) is not None


async def test_malformed_request_gets_invalid_request() -> None:
    passive = ReqRespConfig(handshake=False)
    async with running_pair(a_config=passive, b_config=passive) as (a, ra, b, rb):
        stream = await a.host.new_stream(b.peer_id, [STATUS_V1.protocol_id])
        await stream.write(encode_request(b"0123456789"))  # 10 bytes is no Status
        await stream.close_write()
        reader = StreamReader(stream)
        with trio.fail_after(DEADLINE):
            result = await read_result(reader)
            message = error_text(await read_chunk_payload(reader, result, ANY))
        assert result == ResultCode.INVALID_REQUEST
        assert "outside the type bounds" in message
        assert await ra.ping(b.peer_id) == 1
        assert rb.peers.get(a.peer_id) is not None


async def test_newer_seq_number_in_a_ping_triggers_a_metadata_request() -> None:
    passive = ReqRespConfig(handshake=False)
    async with running_pair(a_config=passive) as (a, ra, b, rb):
        with trio.fail_after(DEADLINE):
            await rb.peers.wait_until(lambda: _done(rb, a))
        assert ra.source.local_metadata().seq_number == 1
        src = ra.source
        assert isinstance(src, StaticStatusSource)
        src.set_metadata(src.metadata.copy_with(custody_group_count=16))
        await ra.ping(b.peer_id)  # b learns seq 2 > its MetaData's 1
        with trio.fail_after(DEADLINE):
            await rb.peers.wait_until(lambda: _metadata_seq(rb, a) == 2)
        at_b = rb.peers.get(a.peer_id)
        assert at_b is not None
        assert isinstance(at_b.metadata, MetaDataV3)
        assert at_b.metadata.custody_group_count == 16


async def test_mplex_only_peer_connects_and_handshakes() -> None:
    # Lodestar 1.5.1 offers only mplex: our hosts must accept it (yamux-only hosts cannot)
    secret = bytes(31) + b"\x07"
    key_pair = secp256k1_key_pair(secret)
    noise = NoiseTransport(key_pair, noise_privkey=create_x25519_key_pair().private_key)
    listen = Multiaddr("/ip4/127.0.0.1/tcp/0")
    old_host = new_host(
        key_pair=key_pair,
        sec_opt={NOISE_PROTOCOL_ID: noise},
        muxer_opt={MPLEX_PROTOCOL_ID: Mplex},
        listen_addrs=[listen],
    )
    ours = node("mplex-target")
    r_old = ReqResp(old_host, source(head_slot=70), ReqRespConfig(fulu=False))
    r_ours = ReqResp(ours.host, source(head_slot=71))
    async with old_host.run([listen]), ours.running(), r_old.running(), r_ours.running():
        from libp2p.peer.peerinfo import info_from_p2p_addr

        with trio.fail_after(DEADLINE):
            await old_host.connect(info_from_p2p_addr(ours.addrs[0]))
            await r_ours.peers.wait_until(lambda: _done(r_ours, old_host))
            await r_old.peers.wait_until(lambda: _done(r_old, ours.host))
        muxed = ours.host.get_network().get_connections(old_host.get_id())[0].muxed_conn
        assert isinstance(muxed, Mplex)
        at_ours = r_ours.peers.get(old_host.get_id())
        assert at_ours is not None
        assert at_ours.status_version == 1
        assert at_ours.status is not None
        assert at_ours.status.head_slot == 70


def _done(service: ReqResp, peer: object) -> bool:
    peer_id = peer.get_id() if hasattr(peer, "get_id") else peer.peer_id  # type: ignore[attr-defined]
    state = service.peers.get(peer_id)
    return state is not None and state.handshake_done


def _gone(service: ReqResp, peer: object) -> bool:
    peer_id = peer.peer_id  # type: ignore[attr-defined]
    return service.peers.get(peer_id) is None and service.peers.last_seen(peer_id) is not None


def _metadata_seq(service: ReqResp, peer: object) -> int | None:
    state = service.peers.get(peer.peer_id)  # type: ignore[attr-defined]
    return None if state is None or state.metadata is None else state.metadata.seq_number
