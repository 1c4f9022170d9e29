"""One named test per [IGNORE] / [REJECT] path of validate_execution_proof_gossip, plus ordering.

Tests whose expectations hold under every spec profile take the ``world`` fixture (run once per
profile); the rules a profile has alone are tested on ``world_2026_08`` / ``world_2026_10``.
"""

from __future__ import annotations

import dataclasses

import pytest

from eip8025 import containers
from eip8025.bls import MilagroBackend
from eip8025.chain import ValidatorView
from eip8025.forkchoice import on_validated_execution_proof
from eip8025.gossip import GossipIgnore, GossipReason, GossipReject, validate_execution_proof_gossip
from eip8025.profiles import PROFILES, SpecProfile
from eip8025.verification import EnvelopeCheck, SpecContext
from tests.factories import BLS, World, h, make_payload, make_world, privkey


class CountingBLS(MilagroBackend):
    """Counts verify calls (wraps the real milagro backend)."""

    def __init__(self) -> None:
        self.verifies = 0

    def verify(self, pubkey: bytes, message: bytes, signature: bytes) -> bool:
        self.verifies += 1
        return super().verify(pubkey, message, signature)


def validate(world: World, signed: containers.SignedExecutionProofEnvelopeBase) -> None:
    validate_execution_proof_gossip(world.seen, world.store, signed, world.engine)


def accept_and_store(world: World, signed: containers.SignedExecutionProofEnvelopeBase) -> None:
    validate(world, signed)
    assert on_validated_execution_proof(world.store, signed)


@pytest.fixture
def world(profile: SpecProfile) -> World:
    return make_world(profile=profile)


@pytest.fixture
def world_2026_08() -> World:
    return make_world(profile=PROFILES["2026-08"])


@pytest.fixture
def world_2026_10() -> World:
    return make_world(profile=PROFILES["2026-10"])


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


def test_2026_08_rejects_proof_for_block_that_failed_validation(world_2026_08: World) -> None:
    world = world_2026_08
    bad_root = h("invalid-block")
    world.chain.add_block(bad_root, None)
    signed = world.sign(world.envelope(1, root=bad_root), 0)
    with pytest.raises(GossipReject) as info:
        validate(world, signed)
    assert info.value.reason is GossipReason.BLOCK_INVALID


def test_2026_10_ignores_proof_for_block_that_failed_validation(world_2026_10: World) -> None:
    """#5593 dropped the REJECT: a block without a post-state has no payload either."""
    world = world_2026_10
    bad_root = h("invalid-block")
    world.chain.add_block(bad_root, None)
    signed = world.sign(world.envelope(1, root=bad_root), 0)
    with pytest.raises(GossipIgnore) as info:
        validate(world, signed)
    assert info.value.reason is GossipReason.PAYLOAD_UNAVAILABLE


def test_2026_10_payload_without_state_is_our_ignore(world_2026_10: World) -> None:
    """A chain view with a payload but no post-state cannot judge: IGNORE, never REJECT."""
    world = world_2026_10
    root = h("payload-but-no-state")
    world.chain.add_block(root, None)
    world.chain.payloads[root] = make_payload(root)
    with pytest.raises(GossipIgnore) as info:
        validate(world, world.sign(world.envelope(1, root=root, proof_data=b"\x01"), 0))
    assert info.value.reason is GossipReason.STATE_UNAVAILABLE
    assert not world.seen.execution_proof_provers


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
    world: World, signed: containers.SignedExecutionProofEnvelopeBase, check: EnvelopeCheck
) -> None:
    with pytest.raises(GossipReject) as info:
        validate(world, signed)
    assert info.value.reason is GossipReason.ENVELOPE_INVALID
    assert info.value.check is check
    assert world.engine.verify_calls == 0
    # the prover attempt is recorded only after the signature verified
    assert not world.seen.execution_proof_provers
    assert not world.seen.execution_proof_roots.get(world.root)


def test_2026_08_rejects_envelope_block_root_mismatch(world_2026_08: World) -> None:
    world = world_2026_08
    root = h("block-with-foreign-payload")
    world.chain.add_block(root, world.state)
    world.chain.payloads[root] = make_payload(h("some-other-block"))
    signed = world.sign(world.envelope(1, root=root, proof_data=b"\x01"), 0)
    _expect_envelope_reject(world, signed, EnvelopeCheck.BLOCK_ROOT_MISMATCH)


def test_2026_10_does_not_compare_payload_block_root(world_2026_10: World) -> None:
    """#5593 removed the check: the payload handler guarantees it; the engine gets the proof."""
    world = world_2026_10
    root = h("block-with-foreign-payload")
    world.chain.add_block(root, world.state)
    world.chain.payloads[root] = make_payload(h("some-other-block"))
    signed = world.sign(world.envelope(1, root=root), 0)
    validate(world, signed)
    assert world.engine.verify_calls == 1


def test_reject_envelope_validator_index_out_of_range(world: World) -> None:
    signed = world.sign(world.envelope(1), 8, key_index=0)
    _expect_envelope_reject(world, signed, EnvelopeCheck.VALIDATOR_INDEX_OUT_OF_RANGE)


def test_2026_08_rejects_empty_proof_as_envelope_size(world_2026_08: World) -> None:
    world = world_2026_08
    _expect_envelope_reject(world, world.signed(1, proof_data=b""), EnvelopeCheck.PROOF_SIZE)


def test_2026_08_rejects_proof_over_max_size(world_2026_08: World) -> None:
    world = world_2026_08
    too_big = b"\x01" * (containers.MAX_PROOF_SIZE + 1)
    _expect_envelope_reject(world, world.signed(1, proof_data=too_big), EnvelopeCheck.PROOF_SIZE)


def _expect_early_reject(
    world: World, signed: containers.SignedExecutionProofEnvelopeBase, reason: GossipReason
) -> None:
    with pytest.raises(GossipReject) as info:
        validate(world, signed)
    assert info.value.reason is reason
    assert info.value.check is None
    assert world.engine.verify_calls == 0
    assert not world.seen.execution_proof_provers


@pytest.mark.parametrize("known_block", [True, False], ids=["known-block", "unknown-block"])
def test_2026_10_rejects_empty_proof_first(world_2026_10: World, known_block: bool) -> None:
    world = world_2026_10
    root = world.root if known_block else h("unknown")
    signed = world.sign(world.envelope(1, proof_data=b"", root=root), 0)
    _expect_early_reject(world, signed, GossipReason.PROOF_DATA_EMPTY)
    assert EnvelopeCheck.EMPTY_PROOF_DATA  # the envelope check of the same rule exists too


@pytest.mark.parametrize("known_block", [True, False], ids=["known-block", "unknown-block"])
def test_2026_10_rejects_unsupported_type_first(world_2026_10: World, known_block: bool) -> None:
    world = world_2026_10
    root = world.root if known_block else h("unknown")
    signed = world.sign(world.envelope(4, root=root), 0)
    _expect_early_reject(world, signed, GossipReason.UNSUPPORTED_PROOF_TYPE)


def test_2026_10_envelope_check_order(world_2026_10: World) -> None:
    """verify_execution_proof_envelope alone: index, then empty data, then type, then BLS."""
    from eip8025.profiles import v2026_10
    from eip8025.verification import EnvelopeInvalid

    world = world_2026_10
    cases = [
        (world.sign(world.envelope(4, proof_data=b""), 8, key_index=0), "index"),
        (world.sign(world.envelope(4, proof_data=b""), 0, key_index=5), "empty"),
        (world.sign(world.envelope(4), 0, key_index=5), "type"),
        (world.sign(world.envelope(1), 0, key_index=5), "bls"),
    ]
    expected = {
        "index": EnvelopeCheck.VALIDATOR_INDEX_OUT_OF_RANGE,
        "empty": EnvelopeCheck.EMPTY_PROOF_DATA,
        "type": EnvelopeCheck.UNSUPPORTED_PROOF_TYPE,
        "bls": EnvelopeCheck.BAD_SIGNATURE,
    }
    for signed, which in cases:
        with pytest.raises(EnvelopeInvalid) as info:
            v2026_10.verify_execution_proof_envelope(world.state, signed, world.ctx)
        assert info.value.check is expected[which]


def test_max_size_proof_passes_the_size_check(world: World) -> None:
    exactly_max = world.envelope(1).proof_data.ljust(containers.MAX_PROOF_SIZE, b"\x00")
    validate(world, world.signed(1, proof_data=exactly_max))


def test_2026_08_rejects_unsupported_proof_type_as_envelope(world_2026_08: World) -> None:
    world = world_2026_08
    assert 4 not in world.ctx.config.supported_proof_types
    _expect_envelope_reject(world, world.signed(4), EnvelopeCheck.UNSUPPORTED_PROOF_TYPE)


@pytest.mark.parametrize(
    ("activation", "exit_epoch"),
    [(3, containers.FAR_FUTURE_EPOCH), (0, 2)],
    ids=["pending", "exited"],
)
def test_reject_envelope_inactive_validator(
    profile: SpecProfile, activation: int, exit_epoch: int
) -> None:
    validators = tuple(
        ValidatorView(BLS.sk_to_pk(privkey(i)), activation, exit_epoch) for i in range(2)
    )
    world = make_world(validators=validators, profile=profile)
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
    signed = world.ctx.profile.SignedExecutionProofEnvelope(
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


def test_2026_08_cheap_ignores_run_before_bls_and_engine(world_2026_08: World) -> None:
    world = world_2026_08
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


def test_2026_10_cheap_rules_run_before_hashing_bls_and_engine(world_2026_10: World) -> None:
    """Message-local REJECTs and lookups come before the envelope hash, BLS and the engine."""
    world = world_2026_10
    counting = CountingBLS()
    world.store.ctx = SpecContext(config=world.ctx.config, bls=counting)
    accept_and_store(world, world.signed(1, 0))
    assert counting.verifies == 1
    messages = [
        world.sign(world.envelope(2, proof_data=b""), 0),  # empty
        world.sign(world.envelope(7), 0),  # unsupported
        world.sign(world.envelope(2, root=h("nope")), 0),  # block not seen
        world.sign(world.envelope(1, proof_data=b"\x02"), 1),  # type 1 already verified
    ]
    for signed in messages:
        received = world.ctx.profile.SignedExecutionProofEnvelope.decode_bytes(
            signed.encode_bytes()
        )  # a fresh value, as off the wire: no cached root
        with pytest.raises((GossipIgnore, GossipReject)):
            validate(world, received)
        assert "_ssz_root" not in received.message.__dict__  # never hashed
    assert counting.verifies == 1
    assert world.engine.verify_calls == 1
