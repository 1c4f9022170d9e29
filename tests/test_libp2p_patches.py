"""One test per patch of ``eip8025_p2p.libp2p_patches``, run against patched and stock objects.

Every test is parametrised ``patched`` / ``unpatched``. The unpatched variant builds the py-libp2p
0.8.1 object with its defaults (changing only what the patch under test is about) and is marked
``xfail(strict=True, raises=AssertionError)``: it must fail by an assertion, which shows the
test detects the default it fixes (a crash does not count), and an upgrade that changes the
default turns into an XPASS failure. The end-to-end behaviour over real
hosts is in ``test_gossip_network.py``.
"""

from __future__ import annotations

import hashlib
import importlib
import time
from collections.abc import Callable

import cramjam
import multiaddr
import pytest
import trio
import trio.testing
from libp2p.abc import IHost
from libp2p.crypto.secp256k1 import create_new_key_pair
from libp2p.exceptions import ValidationError
from libp2p.io.exceptions import MessageTooLarge
from libp2p.network.stream.exceptions import StreamEOF
from libp2p.peer.id import ID
from libp2p.pubsub.gossipsub import GossipSub
from libp2p.pubsub.mcache import MessageCache
from libp2p.pubsub.pb import rpc_pb2
from libp2p.pubsub.pubsub import Pubsub
from libp2p.pubsub.rpc_queue import RpcQueue
from libp2p.pubsub.score import PeerScorer, ScoreParams
from libp2p.tools.anyio_service import background_trio_service
from libp2p.utils import encode_varint_prefixed
from libp2p.utils.varint import encode_uvarint, read_varint_prefixed_bytes_limited

from eip8025_p2p import libp2p_patches
from eip8025_p2p.encoding import (
    MAX_COMPRESSED_EXECUTION_PROOF_SIZE,
    compute_message_id,
    execution_proof_topic,
)
from eip8025_p2p.host import create_host
from eip8025_p2p.libp2p_patches import (
    GOSSIP_PROTOCOLS,
    MAX_GOSSIP_RPC_SIZE,
    PATCHES,
    WRITE_SIZE,
    BoundedRpcBuffer,
    Eth2GossipSub,
    Eth2MessageCache,
    Eth2MessageId,
    Eth2Pubsub,
    GatedStream,
    GossipParams,
    Prepared,
    PreparedId,
    ValidationResult,
    create_gossip,
    eth2_score_params,
)
from tests.gossip_support import patched_and_stock

LOOPBACK = multiaddr.Multiaddr("/ip4/127.0.0.1/tcp/0")
TOPIC = execution_proof_topic(bytes.fromhex("01020304"))
BOTH = patched_and_stock()


def peer(index: int) -> ID:
    return ID.from_pubkey(create_new_key_pair(bytes([index + 1]) * 32).public_key)


def anonymous(index: int, size: int = 64) -> rpc_pb2.Message:
    """A distinct StrictNoSign message with a valid snappy payload."""
    raw = hashlib.sha256(index.to_bytes(4, "little")).digest() * (size // 32 + 1)
    return rpc_pb2.Message(data=bytes(cramjam.snappy.compress_raw(raw[:size])), topicIDs=[TOPIC])


def bulky(index: int, size: int) -> rpc_pb2.Message:
    """A message with ``size`` incompressible bytes (queue tests do not decode payloads)."""
    seed = hashlib.sha256(b"bulky" + index.to_bytes(4, "little")).digest()
    chunks = (
        hashlib.sha256(seed + i.to_bytes(4, "little")).digest() for i in range(size // 32 + 1)
    )
    return rpc_pb2.Message(data=b"".join(chunks)[:size], topicIDs=[TOPIC])


def eth2_id(msg: rpc_pb2.Message) -> bytes:
    return compute_message_id(TOPIC, msg.data)


def stock_router(**overrides: object) -> GossipSub:
    """py-libp2p's GossipSub with its defaults (eth2 degrees only)."""
    return GossipSub(list(GOSSIP_PROTOCOLS), 8, 6, 12, **overrides)  # type: ignore[arg-type]


StockBuilder = Callable[[IHost, GossipSub], Pubsub]


def new_pubsub(
    patched: bool, *, stock: StockBuilder | None = None, params: GossipParams | None = None
) -> Pubsub:
    """Our patched Pubsub (with ``params``), or py-libp2p's: built by ``stock``, else with only
    the settings the other patches would give it (StrictNoSign, eth2 ids, eth2 scores)."""
    host = create_host(hashlib.sha256(b"patch-tests").digest(), LOOPBACK)
    if patched:
        return create_gossip(host, params)[0]
    if stock is not None:
        return stock(host, stock_router())
    router = stock_router(score_params=eth2_score_params())
    return Pubsub(host, router, strict_signing=False, msg_id_constructor=Eth2MessageId())


def router_of(pubsub: Pubsub) -> GossipSub:
    router = pubsub.router
    assert isinstance(router, GossipSub)
    return router


# -- mesh_params -----------------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
def test_mesh_params(patched: bool) -> None:
    pubsub = new_pubsub(patched, stock=Pubsub)
    router = router_of(pubsub)
    router.network_health_score = 0.5  # adaptive gossip's "moderate health"
    router._adapt_gossip_parameters()
    assert router.heartbeat_interval <= 1.0
    assert (router.degree, router.degree_low, router.degree_high) == (8, 6, 12)
    assert (router.mcache.window_size, router.mcache.history_size) == (3, 6)
    assert pubsub.seen_messages.ttl >= 384
    assert not router.eclipse_protection_enabled
    pubsub.seen_messages.stop()


# -- spam_limit ------------------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
def test_spam_limit(patched: bool) -> None:
    router = Eth2GossipSub(GossipParams(), Eth2MessageId()) if patched else stock_router()
    accepted = [router._check_spam_protection(peer(1), anonymous(i)) for i in range(30)]
    assert accepted == [True] * 30


# -- subscription_limit ----------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
async def test_subscription_limit(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    async with background_trio_service(pubsub):
        for i in range(200):  # attnets, syncnets, data column subnets, ...
            sub = rpc_pb2.RPC.SubOpts(
                subscribe=True, topicid=f"/eth2/01020304/other_{i}/ssz_snappy"
            )
            pubsub.handle_subscription(peer(1), sub)
        pubsub.handle_subscription(peer(1), rpc_pb2.RPC.SubOpts(subscribe=True, topicid=TOPIC))
        assert peer(1) in pubsub.peer_topics.get(TOPIC, set())
    pubsub.seen_messages.stop()


# -- rpc_size --------------------------------------------------------------------------------


def max_size_rpc() -> rpc_pb2.RPC:
    """An RPC carrying a payload of the largest compressed size the topic allows."""
    data = bytes(range(256)) * (MAX_COMPRESSED_EXECUTION_PROOF_SIZE // 256 + 1)
    msg = rpc_pb2.Message(data=data[:MAX_COMPRESSED_EXECUTION_PROOF_SIZE], topicIDs=[TOPIC])
    return rpc_pb2.RPC(publish=[msg])


class BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)

    async def read(self, n: int | None = None) -> bytes:
        n = len(self.data) if n is None else n
        chunk, self.data = bytes(self.data[:n]), self.data[n:]
        return chunk


@pytest.mark.parametrize("patched", BOTH)
async def test_rpc_size_inbound(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    rpc = max_size_rpc()
    frame = encode_varint_prefixed(rpc.SerializeToString())
    # what Pubsub.continuously_read_stream does with every frame
    try:
        incoming = await read_varint_prefixed_bytes_limited(
            BytesReader(frame), pubsub.max_inbound_rpc_size
        )
    except MessageTooLarge as exc:  # the stock limit: the defect this patch fixes
        raise AssertionError(f"a legal max-size proof RPC is refused: {exc}") from exc
    assert len(incoming) == rpc.ByteSize() <= MAX_GOSSIP_RPC_SIZE
    pubsub.seen_messages.stop()


@pytest.mark.parametrize("patched", BOTH)
def test_rpc_size_outbound(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    pubsub.peer_queues[peer(1)] = RpcQueue()  # exactly what Pubsub._handle_new_peer does
    router_of(pubsub).send_rpc(peer(1), max_size_rpc())
    assert len(pubsub.peer_queues[peer(1)]) == 1
    pubsub.seen_messages.stop()


# -- outbound_queue --------------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
def test_outbound_queue(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    router = router_of(pubsub)
    pubsub.peer_queues[peer(1)] = RpcQueue()
    for i in range(40):  # a burst of 40 proofs: the message and an IDONTWANT for each
        router.send_rpc(peer(1), rpc_pb2.RPC(publish=[bulky(i, 300 * 1024)]))
        idontwant = rpc_pb2.ControlIDontWant(messageIDs=[eth2_id(anonymous(i))])
        router.send_rpc(
            peer(1), rpc_pb2.RPC(control=rpc_pb2.ControlMessage(idontwant=[idontwant])), True
        )
    assert len(pubsub.peer_queues[peer(1)]) == 80
    pubsub.seen_messages.stop()


async def test_outbound_queue_bounds_bytes_and_publish_waits_for_room() -> None:
    params = GossipParams(outbound_queue_bytes=MAX_GOSSIP_RPC_SIZE)
    host = create_host(hashlib.sha256(b"bp").digest(), LOOPBACK)
    pubsub, router = create_gossip(host, params)
    queue = RpcQueue()
    pubsub.peer_queues[peer(1)] = queue
    pubsub.peer_topics[TOPIC] = {peer(1)}
    pubsub.peers[peer(1)] = None  # type: ignore[assignment]  # (the stream is not used here)
    router.peer_protocol[peer(1)] = GOSSIP_PROTOCOLS[0]
    router.mesh[TOPIC] = {peer(1)}
    buffer = queue._queue
    assert isinstance(buffer, BoundedRpcBuffer)
    router.send_rpc(peer(1), rpc_pb2.RPC(publish=[bulky(1, 3 * 1024 * 1024)]))
    router.send_rpc(peer(1), rpc_pb2.RPC(publish=[bulky(2, 3 * 1024 * 1024)]))
    assert (len(queue), buffer.dropped) == (1, 1)  # the byte bound refused the second
    done = trio.Event()

    async def publish() -> None:
        await pubsub.publish_validated(TOPIC, bulky(3, 3 * 1024 * 1024).data)
        done.set()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(publish)
        await trio.testing.wait_all_tasks_blocked()
        assert not done.is_set()  # back-pressure: waiting for the peer queue to drain
        assert await queue.pop() is not None  # the sending task writes one RPC
        with trio.fail_after(5):
            await done.wait()
    assert 3 * 1024 * 1024 < buffer.data_bytes < 4 * 1024 * 1024  # the new one (+ an IDONTWANT)
    assert pubsub.counters.backpressure_waits == 1
    assert buffer.dropped == 1
    pubsub.seen_messages.stop()


# -- anonymous_publish -----------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
async def test_anonymous_publish(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    await pubsub.publish(TOPIC, anonymous(1).data)
    (msg,) = router_of(pubsub).mcache.msgs.values()
    assert (msg.from_id, msg.seqno, msg.signature, msg.key) == (b"", b"", b"", b"")
    pubsub.seen_messages.stop()


class Recorder:
    """A three-outcome validator returning a fixed result and recording calls."""

    def __init__(self, result: ValidationResult, *, admit: bool = True) -> None:
        self.result = result
        self.admit = admit
        self.calls: list[bytes] = []
        self.prepared = 0
        self.released = 0

    async def prepare(self, forwarder: ID, msg: rpc_pb2.Message) -> Prepared | None:
        if not self.admit:
            return None
        self.prepared += 1
        msg_id = await trio.to_thread.run_sync(eth2_id, msg)  # off the event loop
        return PreparedId(msg_id)

    async def validate(
        self, forwarder: ID, msg: rpc_pb2.Message, prepared: Prepared
    ) -> ValidationResult:
        self.calls.append(prepared.msg_id)
        return self.result

    def release(self, prepared: Prepared) -> None:
        self.released += 1

    async def __call__(self, forwarder: ID, msg: rpc_pb2.Message) -> bool:
        self.calls.append(eth2_id(msg))
        return self.result is ValidationResult.ACCEPT


def register(pubsub: Pubsub, validator: Recorder) -> None:
    if isinstance(pubsub, Eth2Pubsub):
        pubsub.set_eth2_validator(TOPIC, validator)
    else:
        pubsub.set_topic_validator(TOPIC, validator, True)


@pytest.mark.parametrize("patched", BOTH)
async def test_anonymous_publish_inbound_signed_fields_rejected(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    register(pubsub, Recorder(ValidationResult.ACCEPT))
    msg = anonymous(1)
    msg.from_id = peer(2).to_bytes()
    msg.seqno = (7).to_bytes(8, "big")
    await pubsub.push_msg(peer(1), msg)
    assert not router_of(pubsub).mcache.msgs  # not forwarded
    pubsub.seen_messages.stop()


async def test_anonymous_publish_signed_copy_cannot_preempt_the_valid_one() -> None:
    pubsub = new_pubsub(True)
    assert isinstance(pubsub, Eth2Pubsub)
    validator = Recorder(ValidationResult.ACCEPT)
    register(pubsub, validator)
    signed = anonymous(1)
    signed.seqno = (7).to_bytes(8, "big")  # same data, so the same eth2 message-id
    await pubsub.push_msg(peer(1), signed)
    await pubsub.push_msg(peer(2), anonymous(1))
    assert validator.calls == [eth2_id(signed)]  # the StrictNoSign copy was validated
    assert list(router_of(pubsub).mcache.msgs) == [eth2_id(signed)]
    assert pubsub.score(peer(1), TOPIC) < 0.0 == pubsub.score(peer(2), TOPIC)
    pubsub.seen_messages.stop()


# -- message_id ------------------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
def test_message_id_mcache(patched: bool) -> None:
    mcache = Eth2MessageCache(3, 6, Eth2MessageId()) if patched else MessageCache(3, 6)
    messages = [anonymous(i) for i in range(5)]
    for msg in messages:
        mcache.put(msg)
    window = mcache.window(TOPIC)  # what IHAVE advertises
    assert sorted(window) == sorted(eth2_id(m) for m in messages)
    assert all(mcache.get(eth2_id(m)) is m for m in messages)  # what IWANT looks up


@pytest.mark.parametrize("patched", BOTH)
def test_message_id_seen_cache(patched: bool) -> None:
    pubsub = new_pubsub(patched, stock=lambda h, r: Pubsub(h, r, strict_signing=False))
    first, second = anonymous(1), anonymous(2)
    pubsub._mark_msg_seen(first)
    assert pubsub._is_msg_seen(first)
    assert not pubsub._is_msg_seen(second)
    pubsub.seen_messages.stop()


def test_message_id_is_memoised_per_object() -> None:
    msg_id = Eth2MessageId()
    msg = anonymous(1)
    assert msg_id(msg) == msg_id(msg) == eth2_id(msg)
    assert msg_id.computed == 1
    assert msg_id(anonymous(1)) == eth2_id(msg)
    assert msg_id.computed == 2


def test_message_id_memo_is_bounded_by_bytes() -> None:
    msg_id = Eth2MessageId(memo=100, memo_bytes=3 * 1000)
    messages = [bulky(i, 1000) for i in range(5)]
    for msg in messages:
        msg_id(msg)
    assert msg_id.memo_bytes == 3000
    assert msg_id.computed == 5
    msg_id(messages[0])  # evicted: computed again
    assert msg_id.computed == 6
    msg_id(messages[4])  # still remembered
    assert msg_id.computed == 6


def test_message_id_memo_knows_sizes() -> None:
    msg_id = Eth2MessageId()
    remembered, other = bulky(1, 1000), bulky(2, 700)
    msg_id.remember(remembered, eth2_id(remembered), 999)  # a size only the memo can know
    assert msg_id.data_size(remembered) == 999  # from the memo, msg.data not read
    assert msg_id.data_size(other) == len(other.data) == 700
    assert msg_id.data_size(bulky(1, 1000)) == 1000  # an equal message, another object


@pytest.mark.parametrize("patched", BOTH)
async def test_message_id_not_on_the_loop_and_not_before_admission(patched: bool) -> None:
    """An eth2 message's id comes from the validator's ``prepare`` (off the loop, admitted only).

    Unpatched, py-libp2p computes it on the event loop for every message before validation.
    """
    pubsub = new_pubsub(patched)
    constructor = pubsub._msg_id_constructor
    assert isinstance(constructor, Eth2MessageId)
    refusing = Recorder(ValidationResult.ACCEPT, admit=False)
    register(pubsub, refusing)
    msg = anonymous(1)
    await pubsub.push_msg(peer(1), msg)
    assert constructor.computed == 0  # not admitted: nothing decoded or hashed
    assert not pubsub.seen_messages.has(eth2_id(msg))  # a later copy can come
    accepting = Recorder(ValidationResult.ACCEPT)
    register(pubsub, accepting)
    await pubsub.push_msg(peer(1), msg)
    assert accepting.calls == [eth2_id(msg)]
    assert accepting.released == 1
    assert list(router_of(pubsub).mcache.msgs) == [eth2_id(msg)]  # forwarded under that id
    assert constructor.computed == 0  # the router reused the id the validator prepared
    pubsub.seen_messages.stop()


# -- equivocation ----------------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
def test_equivocation(patched: bool) -> None:
    router = Eth2GossipSub(GossipParams(), Eth2MessageId()) if patched else stock_router()
    assert router._check_equivocation(anonymous(1))
    assert router._check_equivocation(anonymous(2))  # another proof, not an equivocation
    assert not router.equivocation_detection  # no whole messages retained


# -- recent_deliveries -----------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
def test_recent_deliveries(patched: bool) -> None:
    router = (
        Eth2GossipSub(GossipParams(), Eth2MessageId())
        if patched
        else stock_router(adaptive_gossip_enabled=False)
    )
    now = time.time()
    router.recent_message_deliveries[TOPIC] = [now - 600.0] * 1000 + [now]
    router._periodic_security_cleanup()  # runs every heartbeat
    assert len(router.recent_message_deliveries[TOPIC]) == 1


# -- pending_replay --------------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
def test_pending_replay(patched: bool) -> None:
    router = Eth2GossipSub(GossipParams(), Eth2MessageId()) if patched else stock_router()
    # a message queued one second ago for a peer whose subscription had not arrived yet
    router._pending_messages[peer(1)].append((time.time() - 1.0, rpc_pb2.RPC()))
    router._prune_pending_messages(peer(1))
    assert peer(1) not in router._pending_messages


# -- idontwant -------------------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
async def test_idontwant(patched: bool) -> None:
    router = Eth2GossipSub(GossipParams(), Eth2MessageId()) if patched else stock_router()
    ids = [eth2_id(anonymous(i)) for i in range(30)]
    await router.handle_idontwant(rpc_pb2.ControlIDontWant(messageIDs=ids), peer(1))
    assert router.dont_send_message_ids[peer(1)] == set(ids)


@pytest.mark.parametrize("patched", BOTH)
async def test_idontwant_kept_for_three_heartbeats(patched: bool) -> None:
    router = Eth2GossipSub(GossipParams(), Eth2MessageId()) if patched else stock_router()
    mid = eth2_id(anonymous(1))
    await router.handle_idontwant(rpc_pb2.ControlIDontWant(messageIDs=[mid]), peer(1))
    router._prune_idontwant_entries()  # the heartbeat right after it arrived
    router._prune_idontwant_entries()
    assert mid in router.dont_send_message_ids[peer(1)]
    router._prune_idontwant_entries()
    assert mid not in router.dont_send_message_ids[peer(1)]


@pytest.mark.parametrize("patched", BOTH)
async def test_idontwant_sent_on_receipt_before_validation(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    router = router_of(pubsub)
    for index in (1, 2):  # two mesh peers speaking meshsub 1.2
        pubsub.peers[peer(index)] = None  # type: ignore[assignment]  # (streams are not used)
        pubsub.peer_queues[peer(index)] = RpcQueue()
        router.peer_protocol[peer(index)] = GOSSIP_PROTOCOLS[0]
    router.mesh[TOPIC] = {peer(1), peer(2)}
    release = trio.Event()
    validating = trio.Event()

    class Slow(Recorder):
        async def validate(
            self, forwarder: ID, msg: rpc_pb2.Message, prepared: Prepared
        ) -> ValidationResult:
            validating.set()
            await release.wait()
            return ValidationResult.IGNORE

        async def __call__(self, forwarder: ID, msg: rpc_pb2.Message) -> bool:
            validating.set()
            await release.wait()
            return False

    register(pubsub, Slow(ValidationResult.IGNORE))
    msg = bulky(1, 100 * 1024)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(pubsub.push_msg, peer(1), msg)
        await validating.wait()
        queued = (
            await pubsub.peer_queues[peer(2)].pop() if len(pubsub.peer_queues[peer(2)]) else None
        )
        release.set()
    assert queued is not None
    assert list(queued.control.idontwant[0].messageIDs) == [eth2_id(msg)]
    assert len(pubsub.peer_queues[peer(1)]) == 0  # not to the peer it came from
    pubsub.seen_messages.stop()


# -- validator_safety ------------------------------------------------------------------------


def raising_validator(forwarder: ID, msg: rpc_pb2.Message) -> bool:
    raise RuntimeError("validator bug")


@pytest.mark.parametrize("patched", BOTH)
async def test_validator_safety(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    pubsub.set_topic_validator(TOPIC, raising_validator, False)
    try:
        async with background_trio_service(pubsub):
            # py-libp2p runs every received message as a service task, exactly like this
            pubsub.manager.run_task(pubsub.push_msg, peer(1), anonymous(1))
            await trio.testing.wait_all_tasks_blocked()
            assert pubsub.manager.is_running
    except* RuntimeError as group:  # the stock behaviour: the validator's bug ends the service
        raise AssertionError("a raising validator tore down the Pubsub service") from group
    pubsub.seen_messages.stop()


async def test_validator_safety_eth2_validator_exception_is_ignore() -> None:
    pubsub = new_pubsub(True)
    assert isinstance(pubsub, Eth2Pubsub)

    class Exploding(Recorder):
        async def validate(
            self, forwarder: ID, msg: rpc_pb2.Message, prepared: Prepared
        ) -> ValidationResult:
            raise ValidationError("unexpected")

    pubsub.set_eth2_validator(TOPIC, Exploding(ValidationResult.ACCEPT))
    await pubsub.push_msg(peer(1), anonymous(1))
    assert pubsub.counters.validator_errors == 1
    assert not router_of(pubsub).mcache.msgs
    assert pubsub.score(peer(1), TOPIC) == 0.0
    pubsub.seen_messages.stop()


# -- validation_outcomes ---------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
async def test_validation_outcomes(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    scorer = router_of(pubsub).scorer
    assert scorer is not None
    register(pubsub, Recorder(ValidationResult.IGNORE))
    await pubsub.push_msg(peer(1), anonymous(1))
    assert not router_of(pubsub).mcache.msgs  # IGNORE: not forwarded
    assert scorer.score(peer(1), [TOPIC]) == 0.0  # ... and not penalised
    register(pubsub, Recorder(ValidationResult.REJECT))
    await pubsub.push_msg(peer(1), anonymous(2))
    assert scorer.score(peer(1), [TOPIC]) < 0.0  # REJECT: penalised
    pubsub.seen_messages.stop()


async def test_validation_outcomes_accept_forwards_then_reports_and_dedups() -> None:
    pubsub = new_pubsub(True)
    validator = Recorder(ValidationResult.ACCEPT)
    register(pubsub, validator)
    msg = anonymous(1)
    await pubsub.push_msg(peer(1), msg)
    await pubsub.push_msg(peer(2), anonymous(1))  # the same message from another peer
    assert validator.calls == [eth2_id(msg)]
    assert validator.prepared == validator.released == 2  # the duplicate was prepared, released
    assert list(router_of(pubsub).mcache.msgs) == [eth2_id(msg)]
    assert isinstance(pubsub, Eth2Pubsub)
    assert pubsub.counters.duplicates == 1
    pubsub.seen_messages.stop()


async def test_validation_outcomes_removed_validator_never_falls_back_to_forwarding() -> None:
    pubsub = new_pubsub(True)
    assert isinstance(pubsub, Eth2Pubsub)
    pubsub.set_eth2_validator(TOPIC, Recorder(ValidationResult.ACCEPT))
    pubsub.remove_eth2_validator(TOPIC)
    await pubsub.push_msg(peer(1), anonymous(1))
    assert not router_of(pubsub).mcache.msgs
    pubsub.seen_messages.stop()


# -- scoring ---------------------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
def test_scoring(patched: bool) -> None:
    scorer = PeerScorer(eth2_score_params() if patched else ScoreParams())
    scorer.on_invalid_message(peer(1), TOPIC)
    assert scorer.score(peer(1), [TOPIC]) < 0.0
    for _ in range(20):
        scorer.on_invalid_message(peer(1), TOPIC)
    assert scorer.is_graylisted(peer(1), [TOPIC])
    assert not scorer.allow_publish(peer(1), [TOPIC])


# -- score_retention -------------------------------------------------------------------------


@pytest.mark.parametrize("patched", BOTH)
def test_score_retention(patched: bool) -> None:
    clock = trio.testing.MockClock()
    router = (
        Eth2GossipSub(GossipParams(), Eth2MessageId(), clock.current_time)
        if patched
        else stock_router(score_params=eth2_score_params())
    )
    scorer = router.scorer
    assert scorer is not None
    router.add_peer(peer(1), GOSSIP_PROTOCOLS[0])
    for _ in range(3):
        scorer.on_invalid_message(peer(1), TOPIC)
    router.remove_peer(peer(1))  # what py-libp2p does when the peer disconnects
    clock.jump(600.0)
    router.add_peer(peer(1), GOSSIP_PROTOCOLS[0])  # the same identity reconnects
    assert scorer.score(peer(1), [TOPIC]) < -20.0


def test_score_retention_ends_after_retain_score() -> None:
    clock = trio.testing.MockClock()
    router = Eth2GossipSub(GossipParams(retain_score=3600.0), Eth2MessageId(), clock.current_time)
    scorer = router.scorer
    for index in (1, 2):
        router.add_peer(peer(index), GOSSIP_PROTOCOLS[0])
        scorer.on_invalid_message(peer(index), TOPIC)
    router.remove_peer(peer(1))
    clock.jump(3599.0)
    scorer.on_heartbeat()
    assert scorer.is_retained(peer(1))
    assert scorer.score(peer(1), [TOPIC]) < 0.0
    clock.jump(2.0)
    scorer.on_heartbeat()  # away for longer than retain_score: forgotten
    assert not scorer.is_retained(peer(1))
    assert peer(1) not in scorer.invalid_messages
    assert scorer.score(peer(2), [TOPIC]) < 0.0  # a connected peer's score is never dropped


# -- graylist_gate / oversize_penalty --------------------------------------------------------


class FakeConn:
    """The ``muxed_conn`` of a :class:`FakeStream` (closed: no gossip session to restart)."""

    def __init__(self, peer_id: ID) -> None:
        self.peer_id = peer_id
        self.is_closed = True


class FakeStream:
    """A peer's inbound pubsub stream replaying ``data``, then EOF."""

    def __init__(self, peer_id: ID, data: bytes) -> None:
        self.muxed_conn = FakeConn(peer_id)
        self.metric_send_channel = None
        self.reader = BytesReader(data)
        self.was_reset = False

    async def read(self, n: int | None = None) -> bytes:
        chunk = await self.reader.read(n)
        if not chunk:
            raise StreamEOF()
        return chunk

    async def reset(self) -> None:
        self.was_reset = True


def publish_frames(count: int) -> bytes:
    return b"".join(
        encode_varint_prefixed(rpc_pb2.RPC(publish=[anonymous(i)]).SerializeToString())
        for i in range(count)
    )


async def read_inbound(pubsub: Pubsub, stream: FakeStream) -> list[rpc_pb2.Message]:
    """Run ``stream`` through ``pubsub``'s stream handler; return the messages pushed."""
    pushed: list[rpc_pb2.Message] = []

    async def push_msg(forwarder: ID, msg: rpc_pb2.Message) -> None:
        pushed.append(msg)

    pubsub.push_msg = push_msg  # type: ignore[method-assign]  # count what py-libp2p spawns
    await pubsub.stream_handler(stream)  # type: ignore[arg-type]  # (a duck-typed stream)
    await trio.testing.wait_all_tasks_blocked()
    return pushed


@pytest.mark.parametrize("patched", BOTH)
async def test_graylist_gate(patched: bool) -> None:
    # bans off: a graylisted peer is otherwise refused a stream at all (``graylist_ban``)
    pubsub = new_pubsub(patched, params=GossipParams(ban_duration=0.0))
    register(pubsub, Recorder(ValidationResult.ACCEPT))
    scorer = router_of(pubsub).scorer
    assert scorer is not None
    async with background_trio_service(pubsub):
        await pubsub.subscribe(TOPIC)
        for _ in range(20):
            scorer.on_invalid_message(peer(1), TOPIC)
        assert scorer.is_graylisted(peer(1), [TOPIC])
        pushed = await read_inbound(pubsub, FakeStream(peer(1), publish_frames(5)))
        assert pushed == []  # no RPC of a graylisted peer parsed, no task spawned
        pushed = await read_inbound(pubsub, FakeStream(peer(2), publish_frames(5)))
        assert len(pushed) == 5  # another peer's RPCs are read as before
    if isinstance(pubsub, Eth2Pubsub):
        assert pubsub.counters.graylisted_rpcs == 5
    pubsub.seen_messages.stop()


@pytest.mark.parametrize("patched", BOTH)
async def test_oversize_penalty(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    register(pubsub, Recorder(ValidationResult.ACCEPT))
    async with background_trio_service(pubsub):
        await pubsub.subscribe(TOPIC)
        prefix = encode_uvarint(pubsub.max_inbound_rpc_size + 1)  # an oversize RPC's length
        stream = FakeStream(peer(1), prefix + b"\x00" * 64)
        assert await read_inbound(pubsub, stream) == []
        assert stream.was_reset  # py-libp2p resets the stream, as before
        score = router_of(pubsub).scorer.score(peer(1), [TOPIC])  # type: ignore[union-attr]
        assert score < 0.0  # ... and the sender pays for it
    pubsub.seen_messages.stop()


# -- large_sends, flood_publish --------------------------------------------------------------


class OutboundStream:
    """Our outbound pubsub stream to ``peer_id``: records what the writer task writes."""

    def __init__(self, peer_id: ID) -> None:
        self.muxed_conn = FakeConn(peer_id)
        self.written: list[bytes] = []

    async def write(self, data: bytes) -> None:
        self.written.append(data)


def add_mesh_peers(pubsub: Pubsub, indices: tuple[int, ...], mesh: tuple[int, ...]) -> None:
    """Peers subscribed to TOPIC (meshsub 1.2) with idle outbound queues; ``mesh`` in the mesh."""
    router = router_of(pubsub)
    for index in indices:
        pubsub.peers[peer(index)] = None  # type: ignore[assignment]  # (streams are not used)
        pubsub.peer_queues[peer(index)] = RpcQueue()
        pubsub.peer_topics.setdefault(TOPIC, set()).add(peer(index))
        router.peer_protocol[peer(index)] = GOSSIP_PROTOCOLS[0]
    router.mesh[TOPIC] = {peer(index) for index in mesh}


def queued(pubsub: Pubsub, index: int) -> int:
    """Data RPCs (messages, not control) queued for peer ``index``."""
    return len(pubsub.peer_queues[peer(index)]._queue._non_priority)


@pytest.mark.parametrize("patched", BOTH)
async def test_large_sends(patched: bool) -> None:
    # one peer at a time; a peer that announces the message meanwhile is skipped
    pubsub = new_pubsub(patched, params=GossipParams(large_send_parallel=1))
    router = router_of(pubsub)
    msg = bulky(1, 256 * 1024)
    async with background_trio_service(pubsub), background_trio_service(router):
        add_mesh_peers(pubsub, (1, 2), mesh=(1, 2))
        await router.publish(peer(3), msg)  # forwarded: it came from peer 3
        await trio.testing.wait_all_tasks_blocked()
        assert sorted([queued(pubsub, 1), queued(pubsub, 2)]) == [0, 1]
        first, other = (1, 2) if queued(pubsub, 1) else (2, 1)
        ids = rpc_pb2.ControlIDontWant(messageIDs=[eth2_id(msg)])
        await router.handle_idontwant(ids, peer(other))
        rpc = await pubsub.peer_queues[peer(first)].pop()
        assert rpc is not None
        stream = OutboundStream(peer(first))
        assert await pubsub.write_msg(stream, rpc)  # type: ignore[arg-type]  # (duck-typed)
        await trio.testing.wait_all_tasks_blocked()
        assert queued(pubsub, other) == 0  # skipped: it has the message
    sent = rpc_pb2.RPC()
    sent.ParseFromString(b"".join(stream.written)[len(encode_uvarint(rpc.ByteSize())) :])
    assert list(sent.publish) == [msg]  # the frame serialized once is the RPC py-libp2p writes
    pubsub.seen_messages.stop()


@pytest.mark.parametrize("patched", BOTH)
async def test_large_sends_written_in_noise_sized_pieces(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    router = router_of(pubsub)
    msg = bulky(1, 256 * 1024)
    async with background_trio_service(pubsub), background_trio_service(router):
        add_mesh_peers(pubsub, (1,), mesh=(1,))
        await router.publish(peer(3), msg)
        await trio.testing.wait_all_tasks_blocked()
        rpc = await pubsub.peer_queues[peer(1)].pop()
        assert rpc is not None
        stream = OutboundStream(peer(1))
        assert await pubsub.write_msg(stream, rpc)  # type: ignore[arg-type]  # (duck-typed)
    # each write becomes one yamux frame that fits one Noise message (stock: one 256 KiB write)
    assert len(stream.written) > 1
    assert max(len(piece) for piece in stream.written) <= WRITE_SIZE
    sent = rpc_pb2.RPC()
    sent.ParseFromString(b"".join(stream.written)[len(encode_uvarint(rpc.ByteSize())) :])
    assert list(sent.publish) == [msg]
    pubsub.seen_messages.stop()


async def test_large_sends_forward_held_until_peers_could_announce(
    mock_clock: trio.testing.MockClock,
) -> None:
    pubsub = new_pubsub(True)
    router = router_of(pubsub)
    assert isinstance(router, Eth2GossipSub)
    msg = bulky(1, 256 * 1024)
    async with background_trio_service(pubsub), background_trio_service(router):
        add_mesh_peers(pubsub, (1, 2), mesh=(1, 2))
        router.hold_forward(eth2_id(msg), trio.current_time() + 0.2)
        await router.publish(peer(3), msg)
        await trio.testing.wait_all_tasks_blocked()
        assert queued(pubsub, 1) == queued(pubsub, 2) == 0  # held
        await router.handle_idontwant(rpc_pb2.ControlIDontWant(messageIDs=[eth2_id(msg)]), peer(2))
        mock_clock.jump(0.2)
        await trio.testing.wait_all_tasks_blocked()
        assert (queued(pubsub, 1), queued(pubsub, 2)) == (1, 0)
        assert router.sender.counters.held == 1
        assert router.sender.counters.skipped == 1
    pubsub.seen_messages.stop()


class SlowReader(BytesReader):
    """Delivers a frame's length prefix at once and the rest when ``arrived`` is set."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.arrived = trio.Event()
        self.muxed_conn = FakeConn(peer(1))
        self.metric_send_channel = None

    async def read(self, n: int | None = None) -> bytes:
        if n != 1:
            await self.arrived.wait()
        return await super().read(n)


async def test_large_sends_transfer_time_measured(mock_clock: trio.testing.MockClock) -> None:
    frame = encode_varint_prefixed(b"\x00" * 1000)
    reader = SlowReader(frame + encode_varint_prefixed(b"\x00" * 10))
    gated = GatedStream(reader, 2000, lambda _size: True, lambda _size: None, 1000)  # type: ignore[arg-type]
    async with trio.open_nursery() as nursery:
        nursery.start_soon(read_varint_prefixed_bytes_limited, gated, 2000)
        await trio.testing.wait_all_tasks_blocked()
        mock_clock.jump(0.25)  # the body takes 0.25 s to arrive
        reader.arrived.set()
    assert gated.last_frame_seconds == pytest.approx(0.25)
    mock_clock.jump(1.0)
    await read_varint_prefixed_bytes_limited(gated, 2000)  # a small frame later: not timed
    assert gated.last_frame_seconds == pytest.approx(0.25)


async def test_large_sends_duplicate_counts_as_idontwant() -> None:
    pubsub = new_pubsub(True)
    assert isinstance(pubsub, Eth2Pubsub)
    register(pubsub, Recorder(ValidationResult.IGNORE))
    msg = bulky(1, 4096)
    await pubsub.push_msg(peer(1), msg)
    await pubsub.push_msg(peer(2), rpc_pb2.Message(data=msg.data, topicIDs=[TOPIC]))
    assert pubsub.counters.duplicates == 1
    assert eth2_id(msg) in router_of(pubsub).dont_send_message_ids[peer(2)]
    pubsub.seen_messages.stop()


@pytest.mark.parametrize("patched", BOTH)
async def test_flood_publish(patched: bool) -> None:
    pubsub = new_pubsub(patched)
    router = router_of(pubsub)
    add_mesh_peers(pubsub, (1, 2), mesh=(1,))
    await router.publish(pubsub.my_id, anonymous(1))  # our own message
    assert (queued(pubsub, 1), queued(pubsub, 2)) == (1, 1)  # also to the topic peer not in mesh
    await router.publish(peer(1), anonymous(2))  # a forwarded one: mesh peers only
    assert (queued(pubsub, 1), queued(pubsub, 2)) == (1, 1)
    pubsub.seen_messages.stop()


# -- bookkeeping -----------------------------------------------------------------------------

HOSTILE_PATCH_TESTS = (
    "tests.test_hostile_connections",
    "tests.test_hostile_gossip",
    "tests.test_transport_patches",
)
"""Modules with the patch tests that need real hosts (``inbound_slots``, ``graylist_ban``, ...)."""


def test_every_patch_is_documented_and_tested() -> None:
    doc = libp2p_patches.__doc__ or ""
    tests = [name for name in globals() if name.startswith("test_")]
    for module in HOSTILE_PATCH_TESTS:
        tests += [
            name for name in vars(importlib.import_module(module)) if name.startswith("test_")
        ]
    for patch in PATCHES:
        assert f"``{patch}``" in doc, patch
        assert any(name.startswith(f"test_{patch}") for name in tests), patch
