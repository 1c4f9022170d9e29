"""The ``execution_proof`` topic over real py-libp2p hosts on 127.0.0.1 (one trio process).

Every wait is on a condition with a ``trio.fail_after`` deadline; nothing sleeps for timing.
Proofs are verified by a proof-engine **test double** (see ``gossip_support``).
"""

from __future__ import annotations

import hashlib

import cramjam
import trio

from eip8025.containers import SignedExecutionProofEnvelopeBase as SignedExecutionProofEnvelope
from eip8025.profiles import DEFAULT_PROFILE as PROFILE
from eip8025_p2p.encoding import (
    MAX_COMPRESSED_EXECUTION_PROOF_SIZE,
    compute_message_id,
    encode_execution_proof,
)
from eip8025_p2p.enr import ENR
from eip8025_p2p.host import GossipNode, peer_id_from_secret
from eip8025_p2p.libp2p_patches import PeerQueues
from eip8025_p2p.pipeline import (
    Outcome,
    PendingLimits,
    PipelineConfig,
    ProofPipeline,
)
from tests.gossip_support import CHAIN, MAKER, PROOF_TYPES, Peer, network

DEADLINE = 15.0
MiB = 1024 * 1024


async def wait(pipeline: ProofPipeline, predicate: object, timeout: float = DEADLINE) -> None:
    assert callable(predicate)
    with trio.fail_after(timeout):
        await pipeline.wait_until(predicate)


def stored(peer: Peer) -> int:
    return peer.pipeline.counters.stored


def encoded(envelope: SignedExecutionProofEnvelope) -> bytes:
    return encode_execution_proof(envelope, PROFILE)


def msg_id(peer: Peer, data: bytes) -> bytes:
    return compute_message_id(peer.topic.topic, data)


def no_drops(peer: Peer) -> bool:
    buffers = [PeerQueues.buffer(q) for q in peer.node.pubsub.peer_queues.values()]
    return all(b is not None and b.dropped == 0 for b in buffers)


# -- identity --------------------------------------------------------------------------------


def test_enr_key_is_the_libp2p_key() -> None:
    secret = hashlib.sha256(b"identity").digest()
    assert ENR.create(secret).peer_id == peer_id_from_secret(secret).to_base58()
    node = GossipNode(secret)
    assert node.peer_id == peer_id_from_secret(secret)
    assert node.peer_id.to_base58().startswith("16Uiu2")  # secp256k1 identity multihash


# -- delivery --------------------------------------------------------------------------------


async def test_valid_proof_is_accepted_and_stored_by_every_host() -> None:
    # a line 0 - 1 - 2 - 3: hosts 2 and 3 only get it if 1 and 2 validate and forward
    async with network(4, [(0, 1), (1, 2)]) as peers:
        enr = peers[2].node.enr()
        assert enr.peer_id == peers[2].node.peer_id.to_base58()
        await peers[3].node.connect(enr)  # dial by ENR
        topic = peers[3].topic.topic
        with trio.fail_after(DEADLINE):
            await peers[3].node.pubsub.wait_for_mesh(peers[2].node.peer_id, topic)
            await peers[2].node.pubsub.wait_for_mesh(peers[3].node.peer_id, topic)
        envelope = MAKER.signed(1, 1, validator_index=3)
        assert (await peers[0].pipeline.publish(envelope)).outcome is Outcome.ACCEPT
        for peer in peers[1:]:
            await wait(peer.pipeline, lambda p=peer: stored(p) == 1)
            assert peer.pipeline.counters.count(Outcome.ACCEPT, "accepted", 1) == 1
            assert peer.store.proofs(CHAIN.block(1).root) == {1: envelope.message}
        assert stored(peers[0]) == 1
        assert peers[0].pipeline.counters.published == 1


async def test_invalid_signature_is_rejected_at_the_first_hop_and_not_forwarded() -> None:
    async with network(3, [(0, 1), (1, 2)]) as peers:
        first, middle, last = peers
        sender = first.node.peer_id
        bad = encoded(MAKER.signed(1, 1, validator_index=2, bad_signature=True))
        assert middle.node.pubsub.score(sender, middle.topic.topic) == 0.0
        await first.topic.publish_raw(bad)
        await wait(middle.pipeline, lambda: middle.pipeline.counters.count(Outcome.REJECT) == 1)
        assert middle.pipeline.counters.count("reject", "envelope_invalid:bad_signature", 1) == 1
        assert middle.node.pubsub.score(sender, middle.topic.topic) < 0.0  # penalised
        # a valid proof published after it arrives at the last host; the invalid one never did
        await first.pipeline.publish(MAKER.signed(1, 2, validator_index=2))
        await wait(last.pipeline, lambda: stored(last) == 1)
        assert last.pipeline.counters.received == 1
        assert not last.node.pubsub.is_seen(msg_id(last, bad))
        assert last.pipeline.counters.count(Outcome.REJECT) == 0


async def test_five_distinct_anonymous_proofs_all_arrive() -> None:
    async with network(2) as (sender, receiver):
        for proof_type in PROOF_TYPES:
            await sender.topic.publish_raw(encoded(MAKER.signed(1, proof_type, 1)))
        await wait(receiver.pipeline, lambda: stored(receiver) == 5)
        assert sorted(receiver.store.proofs(CHAIN.block(1).root)) == list(PROOF_TYPES)
        assert receiver.store.is_proof_verified(CHAIN.block(1).root)  # 3-of-5 met
        assert receiver.node.pubsub.counters.duplicates == 0


async def test_max_size_proof_arrives() -> None:
    async with network(3, [(0, 1), (1, 2)]) as peers:
        envelope = MAKER.signed(1, 3, 4, size=4 * MiB)  # incompressible 4 MiB proof
        assert len(envelope.encode_bytes()) == PROFILE.max_signed_execution_proof_envelope_size
        data = encoded(envelope)
        assert 4 * MiB < len(data) <= MAX_COMPRESSED_EXECUTION_PROOF_SIZE  # well above 1 MiB
        await peers[0].topic.publish_raw(data)
        for peer in peers[1:]:
            await wait(peer.pipeline, lambda p=peer: stored(p) == 1, timeout=30)
        assert (
            peers[2].store.proofs(CHAIN.block(1).root)[3].proof_data == envelope.message.proof_data
        )


async def test_burst_of_30_proofs_arrives_in_full() -> None:
    slots = range(1, 7)
    async with network(3, [(0, 1), (1, 2)], slots=slots) as peers:
        data = [encoded(MAKER.signed(s, t, 5, size=2048)) for s in slots for t in PROOF_TYPES]
        for payload in data:  # back to back, no waiting in between
            await peers[0].topic.publish_raw(payload)
        for peer in peers[1:]:
            await wait(peer.pipeline, lambda p=peer: stored(p) == 30)
        assert all(no_drops(peer) for peer in peers)


# -- proofs before their block ---------------------------------------------------------------


async def test_proof_before_block_waits_and_is_delivered_after_import() -> None:
    async with network(3, [(0, 1), (1, 2)], slots=()) as peers:
        first, middle, last = peers
        root = CHAIN.import_block(first.view, 2).root  # only the publisher has block 2
        envelope = MAKER.signed(2, 5, validator_index=6)
        assert (await first.pipeline.publish(envelope)).outcome is Outcome.ACCEPT
        await wait(middle.pipeline, lambda: len(middle.pipeline.pending) == 1)
        assert middle.pipeline.counters.count("ignore", "block_not_seen", 5) == 1
        assert middle.node.pubsub.score(first.node.peer_id, middle.topic.topic) == 0.0
        assert last.pipeline.counters.received == 0  # IGNORE: not forwarded

        assert middle.import_block(2) == root  # revalidated, stored, re-published by us
        await wait(middle.pipeline, lambda: stored(middle) == 1)
        assert middle.pipeline.counters.republished == 1
        await wait(last.pipeline, lambda: len(last.pipeline.pending) == 1)  # last lacks it too
        last.import_block(2)
        await wait(last.pipeline, lambda: stored(last) == 1)
        assert last.store.proofs(root) == {5: envelope.message}
        assert (
            middle.pipeline.counters.pending_released
            == last.pipeline.counters.pending_released
            == 1
        )


async def test_pending_proof_expires_as_ignore() -> None:
    config = PipelineConfig(pending=PendingLimits(ttl=0.3))
    async with network(2, slots=(), pipeline_config=config) as (sender, receiver):
        CHAIN.import_block(sender.view, 3)
        data = encoded(MAKER.signed(3, 1, validator_index=1))
        await sender.topic.publish_raw(data)
        await wait(receiver.pipeline, lambda: receiver.pipeline.counters.pending_expired == 1)
        assert receiver.pipeline.counters.count("ignore", "pending_expired", 1) == 1
        assert len(receiver.pipeline.pending) == 0
        assert not receiver.node.pubsub.is_seen(msg_id(receiver, data))  # a later copy may retry
        assert receiver.import_block(3)
        assert stored(receiver) == 0


# -- hostile or broken input -----------------------------------------------------------------


async def test_garbage_and_oversized_payloads_are_rejected_and_the_host_survives() -> None:
    async with network(2) as (sender, receiver):
        payloads = [
            b"definitely not snappy",
            bytes(cramjam.snappy.compress_raw(b"\x00" * 100)),  # snappy, not SSZ
            # announces more uncompressed bytes than the profile's bound
            bytes(
                cramjam.snappy.compress_raw(
                    bytes(PROFILE.max_signed_execution_proof_envelope_size + 1)
                )
            ),
            b"\x00" * (MAX_COMPRESSED_EXECUTION_PROOF_SIZE + 1),  # above the compressed bound
        ]
        for payload in payloads:
            await sender.topic.publish_raw(payload)
        counters = receiver.pipeline.counters
        await wait(receiver.pipeline, lambda: counters.count("reject") == 4)
        assert counters.count("reject", "decode_error:malformed") == 3
        assert counters.count("reject", "decode_error:too_large") == 1
        topic = receiver.topic.topic
        assert receiver.node.pubsub.score(sender.node.peer_id, topic) == -40.0
        assert receiver.node.pubsub.manager.is_running
        await sender.pipeline.publish(MAKER.signed(1, 2, validator_index=7))
        await wait(receiver.pipeline, lambda: stored(receiver) == 1)


async def test_unexpected_validator_exception_does_not_tear_down_pubsub() -> None:
    async with network(2) as (sender, receiver):

        def broken(proof: object) -> bool:
            raise ZeroDivisionError("a bug in the engine adapter")

        real = receiver.engine.verify_execution_proof
        receiver.engine.verify_execution_proof = broken  # type: ignore[method-assign]
        await sender.topic.publish_raw(encoded(MAKER.signed(1, 1, validator_index=0)))
        await wait(receiver.pipeline, lambda: receiver.pipeline.counters.validator_errors == 1)
        assert receiver.pipeline.counters.count("ignore", "validator_error") == 1
        assert receiver.node.pubsub.manager.is_running
        receiver.engine.verify_execution_proof = real  # type: ignore[method-assign]
        await sender.topic.publish_raw(encoded(MAKER.signed(1, 2, validator_index=0)))
        await wait(receiver.pipeline, lambda: stored(receiver) == 1)


async def test_engine_outage_is_ignore_and_a_later_copy_is_validated_again() -> None:
    async with network(2) as (sender, receiver):
        data = encoded(MAKER.signed(1, 6, validator_index=2))
        receiver.engine.down = True
        await sender.topic.publish_raw(data)
        await wait(receiver.pipeline, lambda: receiver.pipeline.counters.count("ignore") == 1)
        assert receiver.pipeline.counters.count("ignore", "engine_unavailable", 6) == 1
        assert receiver.node.pubsub.score(sender.node.peer_id, receiver.topic.topic) == 0.0
        receiver.engine.down = False
        await sender.topic.publish_raw(data)  # the same message again
        await wait(receiver.pipeline, lambda: stored(receiver) == 1)


async def test_prune_drops_store_seen_and_pending() -> None:
    async with network(2, slots=(1,)) as (sender, receiver):
        CHAIN.import_block(sender.view, 4)
        await sender.pipeline.publish(MAKER.signed(1, 1, validator_index=1))
        await wait(receiver.pipeline, lambda: stored(receiver) == 1)
        await sender.pipeline.publish(MAKER.signed(4, 1, validator_index=1))
        await wait(receiver.pipeline, lambda: len(receiver.pipeline.pending) == 1)
        await receiver.pipeline.on_finalized(5, receiver.view.prune(5))
        assert receiver.store.proofs(CHAIN.block(1).root) == {}
        assert not receiver.seen.execution_proof_provers
        assert not receiver.view.is_block_known(CHAIN.block(1).root)
        # a parked proof's slot is unknown until its block arrives: it waits for its TTL
        assert receiver.pipeline.pending.count(CHAIN.block(4).root) == 1
