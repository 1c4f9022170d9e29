"""One named test per [IGNORE] / [REJECT] path of validate_execution_proof_gossip, plus ordering."""

from __future__ import annotations

import dataclasses

import pytest

from eip8025 import profile
from eip8025.bls import MilagroBackend
from eip8025.chain import ValidatorView
from eip8025.forkchoice import on_validated_execution_proof
from eip8025.gossip import GossipIgnore, GossipReason, GossipReject, validate_execution_proof_gossip
from eip8025.verification import EnvelopeCheck, SpecContext

from .factories import BLS, World, h, make_payload, make_world, privkey


class CountingBLS(MilagroBackend):
    """Counts verify calls (wraps the real milagro backend)."""

    def __init__(self) -> None:
        self.verifies = 0

    def verify(self, pubkey: bytes, message: bytes, signature: bytes) -> bool:
        self.verifies += 1
        return super().verify(pubkey, message, signature)


def validate(world: World, signed: profile.SignedExecutionProofEnvelope) -> None:
    validate_execution_proof_gossip(world.seen, world.store, signed, world.engine)


def accept_and_store(world: World, signed: profile.SignedExecutionProofEnvelope) -> None:
    validate(world, signed)
    assert on_validated_execution_proof(world.store, signed)


@pytest.fixture
def world() -> World:
    return make_world()


def test_valid_proof_is_accepted(world: World) -> None:
    signed = world.signed(1)
    validate(world, signed)
    assert world.engine.verify_calls == 1
    key = (world.root, 1, 0)
    assert key in world.seen.execution_proof_provers
    assert signed.message.hash_tree_root() in world.seen.execution_proof_roots[world.root]


def test_ignore_prover_already_seen_for_block_and_type(world: World) -> None:
    validate(world, world.signed(1, 0))
    second = world.signed(1, 0, proof_data=b"\x01" * 64)  # a different proof, same prover key
    with pytest.raises(GossipIgnore) as info:
        validate(world, second)
    assert info.value.reason is GossipReason.PROVER_ALREADY_SEEN


def test_ignore_already_processed_same_envelope_from_another_prover(world: World) -> None:
    envelope = world.envelope(2)
    validate(world, world.sign(envelope, 0))
    with pytest.raises(GossipIgnore) as info:
        validate(world, world.sign(envelope, 1))
    assert info.value.reason is GossipReason.ALREADY_PROCESSED


def test_ignore_block_not_seen(world: World) -> None:
    signed = world.sign(world.envelope(1, root=h("unknown-block")), 0)
    with pytest.raises(GossipIgnore) as info:
        validate(world, signed)
    assert info.value.reason is GossipReason.BLOCK_NOT_SEEN
    assert not world.seen.execution_proof_provers


def test_reject_block_failed_consensus_validation(world: World) -> None:
    bad_root = h("invalid-block")
    world.chain.add_block(bad_root, None)
    signed = world.sign(world.envelope(1, root=bad_root), 0)
    with pytest.raises(GossipReject) as info:
        validate(world, signed)
    assert info.value.reason is GossipReason.BLOCK_INVALID


def test_ignore_payload_unavailable(world: World) -> None:
    root = h("block-without-payload")
    world.chain.add_block(root, world.state)
    signed = world.sign(world.envelope(1, root=root, proof_data=b"\x01"), 0)
    with pytest.raises(GossipIgnore) as info:
        validate(world, signed)
    assert info.value.reason is GossipReason.PAYLOAD_UNAVAILABLE


def test_ignore_proof_type_already_verified_blocks_later_provers(world: World) -> None:
    accept_and_store(world, world.signed(3, 0))
    later = world.signed(3, 1, proof_data=world.envelope(3).proof_data + b"\x00")
    with pytest.raises(GossipIgnore) as info:
        validate(world, later)
    assert info.value.reason is GossipReason.PROOF_TYPE_ALREADY_VERIFIED


def _expect_envelope_reject(
    world: World, signed: profile.SignedExecutionProofEnvelope, check: EnvelopeCheck
) -> None:
    with pytest.raises(GossipReject) as info:
        validate(world, signed)
    assert info.value.reason is GossipReason.ENVELOPE_INVALID
    assert info.value.check is check
    assert world.engine.verify_calls == 0
    # the prover attempt is recorded only after the signature verified
    assert not world.seen.execution_proof_provers
    assert not world.seen.execution_proof_roots.get(world.root)


def test_reject_envelope_block_root_mismatch(world: World) -> None:
    root = h("block-with-foreign-payload")
    world.chain.add_block(root, world.state)
    world.chain.payloads[root] = make_payload(h("some-other-block"))
    signed = world.sign(world.envelope(1, root=root, proof_data=b"\x01"), 0)
    _expect_envelope_reject(world, signed, EnvelopeCheck.BLOCK_ROOT_MISMATCH)


def test_reject_envelope_validator_index_out_of_range(world: World) -> None:
    signed = world.sign(world.envelope(1), 8, key_index=0)
    _expect_envelope_reject(world, signed, EnvelopeCheck.VALIDATOR_INDEX_OUT_OF_RANGE)


def test_reject_envelope_empty_proof(world: World) -> None:
    _expect_envelope_reject(world, world.signed(1, proof_data=b""), EnvelopeCheck.PROOF_SIZE)


def test_reject_envelope_proof_over_max_size(world: World) -> None:
    too_big = b"\x01" * (profile.MAX_PROOF_SIZE + 1)
    _expect_envelope_reject(world, world.signed(1, proof_data=too_big), EnvelopeCheck.PROOF_SIZE)


def test_max_size_proof_passes_the_size_check(world: World) -> None:
    exactly_max = world.envelope(1).proof_data.ljust(profile.MAX_PROOF_SIZE, b"\x00")
    validate(world, world.signed(1, proof_data=exactly_max))


def test_reject_envelope_unsupported_proof_type(world: World) -> None:
    assert 4 not in world.ctx.config.supported_proof_types
    _expect_envelope_reject(world, world.signed(4), EnvelopeCheck.UNSUPPORTED_PROOF_TYPE)


@pytest.mark.parametrize(
    ("activation", "exit_epoch"), [(3, profile.FAR_FUTURE_EPOCH), (0, 2)], ids=["pending", "exited"]
)
def test_reject_envelope_inactive_validator(activation: int, exit_epoch: int) -> None:
    validators = tuple(
        ValidatorView(BLS.sk_to_pk(privkey(i)), activation, exit_epoch) for i in range(2)
    )
    world = make_world(validators=validators)
    _expect_envelope_reject(world, world.signed(1, 0), EnvelopeCheck.INACTIVE_VALIDATOR)


def test_reject_envelope_bad_signature(world: World) -> None:
    signed = world.sign(world.envelope(1), 0, key_index=5)
    _expect_envelope_reject(world, signed, EnvelopeCheck.BAD_SIGNATURE)


def test_bad_signature_does_not_block_the_real_prover(world: World) -> None:
    forged = world.sign(world.envelope(1), 0, key_index=5)
    with pytest.raises(GossipReject):
        validate(world, forged)
    validate(world, world.signed(1, 0))  # same (root, type, validator): still accepted


def test_reject_signature_from_wrong_domain(world: World) -> None:
    other_fork = dataclasses.replace(world.state, genesis_validators_root=h("another-chain"))
    envelope = world.envelope(1)
    from eip8025.signing import get_execution_proof_envelope_signature

    signature = get_execution_proof_envelope_signature(
        other_fork, envelope, privkey(0), preset=world.ctx.config.preset, bls=BLS
    )
    signed = profile.SignedExecutionProofEnvelope(
        message=envelope, validator_index=0, signature=signature
    )
    _expect_envelope_reject(world, signed, EnvelopeCheck.BAD_SIGNATURE)


def test_reject_invalid_proof_and_record_the_attempt(world: World) -> None:
    bad = world.signed(2, 0, proof_data=b"\xde\xad" * 50)
    with pytest.raises(GossipReject) as info:
        validate(world, bad)
    assert info.value.reason is GossipReason.PROOF_INVALID
    assert world.engine.verify_calls == 1
    # the prover's second attempt (even a valid one) is ignored: first valid *or invalid* proof
    with pytest.raises(GossipIgnore) as again:
        validate(world, world.signed(2, 0))
    assert again.value.reason is GossipReason.PROVER_ALREADY_SEEN
    # another prover's valid proof of that type is still accepted
    validate(world, world.signed(2, 1))


def test_invalid_proof_root_is_ignored_when_resent_by_another_prover(world: World) -> None:
    envelope = world.envelope(2, proof_data=b"\xde\xad" * 50)
    with pytest.raises(GossipReject):
        validate(world, world.sign(envelope, 0))
    with pytest.raises(GossipIgnore) as info:
        validate(world, world.sign(envelope, 1))
    assert info.value.reason is GossipReason.ALREADY_PROCESSED
    assert world.engine.verify_calls == 1


def test_engine_unavailable_is_ignore_and_leaves_no_seen_marks(world: World) -> None:
    world.engine.down = True
    signed = world.signed(1, 0)
    with pytest.raises(GossipIgnore) as info:
        validate(world, signed)
    assert info.value.reason is GossipReason.ENGINE_UNAVAILABLE
    assert not world.seen.execution_proof_provers
    assert not world.seen.execution_proof_roots.get(world.root)
    world.engine.down = False
    validate(world, signed)  # the same proof is validated again once the engine is back


def test_cheap_ignores_run_before_bls_and_engine(world: World) -> None:
    counting = CountingBLS()
    world.store.ctx = SpecContext(config=world.ctx.config, bls=counting)
    with pytest.raises(GossipIgnore):
        validate(world, world.sign(world.envelope(1, root=h("nope"), proof_data=b"\x01"), 0))
    world.chain.add_block(h("invalid"), None)
    with pytest.raises(GossipReject):
        validate(world, world.sign(world.envelope(1, root=h("invalid"), proof_data=b"\x01"), 0))
    with pytest.raises(GossipReject):
        validate(world, world.signed(4))  # unsupported type: rejected before BLS
    assert counting.verifies == 0
    assert world.engine.verify_calls == 0
    validate(world, world.signed(1))
    assert counting.verifies == 1


def test_reason_labels_are_machine_readable(world: World) -> None:
    signed = world.sign(world.envelope(1), 0, key_index=5)
    with pytest.raises(GossipReject) as info:
        validate(world, signed)
    assert info.value.label == "envelope_invalid:bad_signature"


def test_engine_bug_propagates_but_leaves_no_seen_marks(world: World) -> None:
    class BuggyEngine:
        def verify_execution_proof(self, execution_proof: object) -> bool:
            raise RuntimeError("engine bug")

    signed = world.signed(1, 0)
    with pytest.raises(RuntimeError, match="engine bug"):
        validate_execution_proof_gossip(world.seen, world.store, signed, BuggyEngine())  # type: ignore[arg-type]
    assert not world.seen.execution_proof_provers
    validate(world, signed)
