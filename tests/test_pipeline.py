"""ProofPipeline without a network: the lifecycle defects of the old topic adapter, one test each.

The transport is a **test double** (:class:`RecordingTransport`) that records what the pipeline
asks of it; validation, storing, ``Seen`` and the pending queue are the real ones.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

import pytest
import trio

from eip8025.bls import MilagroBackend
from eip8025.chain import InMemoryChainView
from eip8025.engine import ChainIdMismatch
from eip8025.gossip import GossipReason
from eip8025.verification import SpecContext
from eip8025_p2p.encoding import PreparedMessage, encode_execution_proof, execution_proof_topic
from eip8025_p2p.pipeline import (
    AddResult,
    Outcome,
    PendingLimits,
    PendingProof,
    PendingProofQueue,
    PipelineConfig,
    PipelineCounters,
    ProofPipeline,
    Verdict,
)
from tests.factories import World, h, make_payload, make_world

TOPIC = execution_proof_topic(b"\x01\x02\x03\x04")
DEADLINE = 10.0


class RecordingTransport:
    """**Test double** transport: records broadcasts, penalties and seen-cache edits."""

    def __init__(self) -> None:
        self.broadcasts: list[tuple[bytes, Hashable | None]] = []
        self.penalized: list[Hashable] = []
        self.seen: set[bytes] = set()
        self.forgotten: list[bytes] = []

    async def broadcast(self, message: PreparedMessage, exclude: Hashable | None) -> None:
        self.broadcasts.append((message.msg_id, exclude))

    def penalize(self, source: Hashable) -> None:
        self.penalized.append(source)

    def mark_seen(self, msg_id: bytes) -> None:
        self.seen.add(msg_id)

    def forget(self, msg_id: bytes) -> None:
        self.forgotten.append(msg_id)


class CountingBLS(MilagroBackend):
    """The real milagro backend, counting verifications."""

    def __init__(self) -> None:
        self.verifies = 0

    def verify(self, pubkey: bytes, message: bytes, signature: bytes) -> bool:
        self.verifies += 1
        return super().verify(pubkey, message, signature)


def make_pipeline(
    world: World, config: PipelineConfig | None = None
) -> tuple[ProofPipeline, RecordingTransport]:
    pipeline = ProofPipeline(
        world.store,
        world.seen,
        world.engine,
        topic=TOPIC,
        config=config,
        head_state=lambda: world.state,
    )
    transport = RecordingTransport()
    pipeline.transport = transport
    return pipeline, transport


def encoded(world: World, signed: object) -> bytes:
    return encode_execution_proof(signed, world.ctx.profile)  # type: ignore[arg-type]


async def submit(pipeline: ProofPipeline, data: bytes, source: Hashable = "peer-a") -> Verdict:
    return await pipeline.submit(data, source, broadcast=False)


# -- defect 1: a proof parked just after its block was imported -----------------------------------


class RacingChainView(InMemoryChainView):
    """**Test double** chain view: the block arrives *while* the proof is being validated.

    The first ``is_block_known`` of the watched root answers False and imports the block at the
    same moment - exactly the interleaving of a worker-thread validation and a block import.
    """

    def __init__(self, world: World, root: bytes) -> None:
        super().__init__()
        self.world = world
        self.watched = root
        self.raced = False

    def is_block_known(self, beacon_block_root: bytes) -> bool:
        if beacon_block_root == self.watched and not self.raced:
            self.raced = True
            self.add_block(beacon_block_root, self.world.state)
            self.add_payload(make_payload(beacon_block_root))
            return False
        return super().is_block_known(beacon_block_root)


async def test_a_proof_whose_block_arrives_during_validation_is_not_lost() -> None:
    world = make_world()
    root = h("racing-block")
    view = RacingChainView(world, root)
    world.store.chain = view
    pipeline, _ = make_pipeline(world)
    signed = world.signed(1, 0, root=root)
    async with pipeline.running():
        verdict = await submit(pipeline, encoded(world, signed))
    assert view.raced
    assert verdict.outcome is Outcome.ACCEPT
    assert verdict.stored
    assert len(pipeline.pending) == 0
    assert world.store.has_proof(root, 1)


async def test_a_proof_whose_block_arrives_during_authentication_is_not_lost() -> None:
    """The early proof's signature is checked off the loop; the block may arrive meanwhile."""
    world = make_world()
    root = h("block-during-auth")

    def head_state() -> object:  # called as authentication starts: the block lands now
        world.chain.add_block(root, world.state)
        world.chain.add_payload(make_payload(root))
        return world.state

    pipeline, _ = make_pipeline(world)
    pipeline.head_state = head_state  # type: ignore[assignment]
    async with pipeline.running():
        verdict = await submit(pipeline, encoded(world, world.signed(5, 0, root=root)))
    assert verdict.outcome is Outcome.ACCEPT
    assert verdict.stored
    assert len(pipeline.pending) == 0


# -- defect 2: pruning by slot, everything --------------------------------------------------------


async def test_finalization_prunes_seen_and_chain_view_for_blocks_without_stored_proofs() -> None:
    world = make_world()
    pipeline, _ = make_pipeline(world)
    async with pipeline.running():
        bad = world.signed(2, 0, proof_data=b"\xde\xad" * 40)  # engine says invalid: marked
        verdict = await submit(pipeline, encoded(world, bad))
        assert verdict.reason == "proof_invalid"
        assert world.seen.block_slots == {world.root: world.state.slot}
        assert world.store.execution_proofs == {}  # nothing stored for this block
        dropped = world.chain.prune(world.state.slot + 1)
        await pipeline.on_finalized(world.state.slot + 1, dropped)
    assert dropped == [world.root]
    assert world.seen.execution_proof_roots == {}
    assert world.seen.execution_proof_provers == set()
    assert world.seen.block_slots == {}
    assert not world.chain.is_block_known(world.root)


# -- defect 3: our own proofs are validated exactly once ------------------------------------------


async def test_own_proof_is_validated_once() -> None:
    world = make_world()
    bls = CountingBLS()
    world.store.ctx = SpecContext(config=world.ctx.config, bls=bls)
    pipeline, transport = make_pipeline(world)
    signed = world.signed(3, 0)
    async with pipeline.running():
        verdict = await pipeline.publish(signed)
    assert verdict.outcome is Outcome.ACCEPT
    assert verdict.stored
    assert (bls.verifies, world.engine.verify_calls) == (1, 1)
    assert pipeline.counters.count(Outcome.ACCEPT) == 1
    assert pipeline.counters.published == 1
    assert pipeline.counters.stored == 1
    assert len(transport.broadcasts) == 1
    assert transport.broadcasts[0][1] is None
    assert transport.broadcasts[0][0] in transport.seen  # our echo will be a duplicate


async def test_own_invalid_proof_is_not_broadcast() -> None:
    world = make_world()
    pipeline, transport = make_pipeline(world)
    async with pipeline.running():
        verdict = await pipeline.publish(world.signed(3, 0, proof_data=b"\x00" * 64))
    assert verdict.outcome is Outcome.REJECT
    assert transport.broadcasts == []


# -- defect 4: one lock per (block, proof type) ---------------------------------------------------


async def test_two_proof_types_of_one_block_validate_concurrently() -> None:
    """Type 1's verification waits until type 2's has started: one lock per block deadlocks."""
    world = make_world()
    type_2_started = threading.Event()
    real = world.engine.verify_execution_proof

    def verify(proof: object) -> bool:
        if proof.proof_type == 2:  # type: ignore[attr-defined]
            type_2_started.set()
        elif not type_2_started.wait(timeout=DEADLINE):
            raise AssertionError("type 2 never ran while type 1 was being verified")
        return real(proof)  # type: ignore[arg-type]

    world.engine.verify_execution_proof = verify  # type: ignore[method-assign]
    pipeline, _ = make_pipeline(world)
    verdicts: dict[int, Verdict] = {}

    async def one(proof_type: int) -> None:
        verdicts[proof_type] = await submit(pipeline, encoded(world, world.signed(proof_type, 0)))

    async with pipeline.running(), trio.open_nursery() as nursery:
        nursery.start_soon(one, 1)
        await trio.testing.wait_all_tasks_blocked()
        nursery.start_soon(one, 2)
    assert {t: v.outcome for t, v in verdicts.items()} == {1: Outcome.ACCEPT, 2: Outcome.ACCEPT}


# -- defect 6: the early-proof queue takes only authenticated proofs, bounded per validator -------


async def test_unauthenticated_early_proofs_are_not_parked() -> None:
    world = make_world()
    pipeline, transport = make_pipeline(world)
    unknown = h("unknown-block")
    async with pipeline.running():
        forged = world.sign(world.envelope(1, root=unknown), 0, key_index=5)
        verdict = await submit(pipeline, encoded(world, forged))
        assert verdict.outcome is Outcome.IGNORE
        assert not verdict.parked
        assert verdict.reason == "pending_unauthenticated:bad_signature"
        out_of_range = world.sign(world.envelope(1, root=unknown), 99, key_index=0)
        verdict = await submit(pipeline, encoded(world, out_of_range))
        assert verdict.reason == "pending_unauthenticated:validator_index_out_of_range"
        assert len(pipeline.pending) == 0
        assert pipeline.counters.pending_unauthenticated == 2
        assert len(transport.forgotten) == 2  # a genuine copy may still come
        honest = world.sign(world.envelope(1, root=unknown), 1)
        verdict = await submit(pipeline, encoded(world, honest))
        assert verdict.parked
        assert len(pipeline.pending) == 1


async def test_the_pending_queue_is_bounded_per_validator_not_per_peer() -> None:
    world = make_world()
    config = PipelineConfig(pending=PendingLimits(max_per_validator=3))
    pipeline, _ = make_pipeline(world, config)
    async with pipeline.running():
        for n in range(5):  # one validator, a fresh peer id for every message
            signed = world.sign(world.envelope(1, root=h(f"unknown-{n}")), 0)
            await submit(pipeline, encoded(world, signed), source=f"peer-{n}")
        assert len(pipeline.pending) == 3
        assert pipeline.counters.pending_refused == 2
        other = world.sign(world.envelope(1, root=h("unknown-0")), 1)
        verdict = await submit(pipeline, encoded(world, other), source="peer-0")
        assert verdict.parked  # another validator still gets in


async def test_a_released_proof_is_stored_and_rebroadcast_past_its_sender() -> None:
    world = make_world()
    pipeline, transport = make_pipeline(world)
    root = h("later-block")
    signed = world.signed(2, 0, root=root)
    async with pipeline.running():
        verdict = await submit(pipeline, encoded(world, signed), source="peer-b")
        assert verdict.parked
        world.chain.add_block(root, world.state)
        world.chain.add_payload(make_payload(root))
        assert pipeline.on_block(root) == 1
        with trio.fail_after(DEADLINE):
            await pipeline.wait_until(lambda: pipeline.counters.stored == 1)
    assert transport.broadcasts[-1][1] == "peer-b"
    assert pipeline.counters.republished == 1


# -- defect 7: a chain-id difference is our configuration's, not the sender's fault ---------------


async def test_a_proof_for_another_chain_id_is_ignored_not_rejected() -> None:
    world = make_world()

    def other_chain(proof: object) -> bool:
        raise ChainIdMismatch("the proof is for chain id 1, this node's is 5")

    world.engine.verify_execution_proof = other_chain  # type: ignore[method-assign]
    pipeline, transport = make_pipeline(world)
    async with pipeline.running():
        verdict = await submit(pipeline, encoded(world, world.signed(1, 0)))
    assert verdict.outcome is Outcome.IGNORE
    assert verdict.gossip_reason is GossipReason.CHAIN_ID_MISMATCH
    assert transport.penalized == []
    assert len(transport.forgotten) == 1
    assert not world.seen.execution_proof_provers  # validated again once the config is fixed


# -- admission ------------------------------------------------------------------------------------


async def test_a_full_queue_throttles_before_any_decoding() -> None:
    world = make_world()
    pipeline, _ = make_pipeline(world, PipelineConfig(max_queued_validations=1))
    assert pipeline.admit(100)
    verdict = await submit(pipeline, b"anything, never decoded")
    assert verdict.reason == "throttled"
    assert pipeline.counters.throttled == 1
    pipeline.release(100)
    assert (pipeline._queued, pipeline._queued_bytes) == (0, 0)


# -- the pending queue on its own -----------------------------------------------------------------


def entry(
    n: int,
    root: bytes = b"r" * 32,
    size: int = 10,
    validator: int = 0,
    deadline: float = 1.0,
) -> PendingProof:
    world = _WORLD
    signed = world.sign(world.envelope(1, root=root, proof_data=bytes([n]) * size), validator)
    message = PreparedMessage(b"", bytes([n]) * 20, signed)
    return PendingProof(message, f"peer-{n}", deadline, "block_not_seen")


_WORLD = make_world()


def test_pending_queue_bounds() -> None:
    limits = PendingLimits(
        max_per_block=2,
        max_bytes_per_block=100,
        max_per_validator=3,
        max_total=4,
        max_total_bytes=150,
    )
    queue = PendingProofQueue(limits)
    assert queue.add(entry(1)) is AddResult.ADDED
    assert queue.add(entry(1)) is AddResult.DUPLICATE
    assert queue.add(entry(2)) is AddResult.ADDED
    assert queue.add(entry(3)) is AddResult.BLOCK_FULL  # count per block
    assert queue.add(entry(4, b"s" * 32, size=95)) is AddResult.ADDED
    assert queue.add(entry(5, b"s" * 32, size=10)) is AddResult.BLOCK_FULL  # bytes per block
    assert queue.add(entry(6, b"t" * 32)) is AddResult.VALIDATOR_FULL  # validator 0 has 3
    assert queue.add(entry(7, b"t" * 32, size=50, validator=1)) is AddResult.TOTAL_FULL  # bytes
    assert queue.add(entry(8, b"t" * 32, validator=1)) is AddResult.ADDED
    assert queue.add(entry(9, b"u" * 32, validator=2)) is AddResult.TOTAL_FULL  # count
    assert (len(queue), queue.total_bytes) == (4, 125)
    assert [e.msg_id[0] for e in queue.take(b"r" * 32)] == [1, 2]
    assert queue.add(entry(6, b"t" * 32)) is AddResult.ADDED  # room again
    assert sorted(queue.roots()) == [b"s" * 32, b"t" * 32]


def test_pending_queue_expiry() -> None:
    queue = PendingProofQueue(PendingLimits(ttl=5.0))
    assert queue.deadline_for(10.0) == 15.0
    assert queue.next_deadline() is None
    queue.add(entry(1, deadline=15.0))
    queue.add(entry(2, b"s" * 32, deadline=12.0))
    assert queue.next_deadline() == 12.0
    assert [e.msg_id[0] for e in queue.expire(12.0)] == [2]
    assert queue.expire(14.9) == []
    assert len(queue) == 1
    assert [e.msg_id[0] for e in queue.discard_roots([b"r" * 32])] == [1]
    assert (len(queue), queue.total_bytes) == (0, 0)
    with pytest.raises(ValueError, match="positive"):
        PendingLimits(ttl=0)


def test_counters_are_plain_data() -> None:
    counters = PipelineCounters()
    counters.record(Verdict(Outcome.REJECT, "decode_error:malformed"))
    signed = _WORLD.signed(3)
    counters.record(Verdict(Outcome.ACCEPT, "accepted", envelope=signed))
    counters.record(Verdict(Outcome.ACCEPT, "accepted", envelope=signed))
    assert counters.count("accept") == 2
    assert counters.count(proof_type=3) == 2
    assert counters.count(Outcome.REJECT, "decode_error:malformed") == 1
    assert counters.outcomes == {
        ("reject", "decode_error:malformed", None): 1,
        ("accept", "accepted", 3): 2,
    }
    assert counters.scalars()["received"] == 0
    assert "outcomes" not in counters.scalars()
