"""The ``networking/gossip_execution_proof`` vectors: scenarios every spec profile shares.

Each scenario is a function of the spec profile (its container types give the bytes) whose
expectations are written by hand from p2p-interface.md. Scenarios here have the same outcomes under
every profile; each profile's own rules get their own module
(:mod:`.gen_gossip_2026_08`, :mod:`.gen_gossip_2026_10`), listed in :data:`PROFILE_SCENARIOS`.
A new profile adds its module there. Case builders: :mod:`.gossip_builder`.
"""

from __future__ import annotations

from typing import Final

from eip8025.bls import G2_POINT_AT_INFINITY
from eip8025.containers import MAX_PROOF_SIZE
from eip8025.profiles import SpecProfile
from eip8025_spec_tests import gen_gossip_2026_08, gen_gossip_2026_10
from eip8025_spec_tests.formats import DECODE_MALFORMED, DECODE_TOO_LARGE
from eip8025_spec_tests.gossip_builder import (
    ALREADY_PROCESSED,
    BAD_SIGNATURE,
    BLOCK_A,
    BLOCK_B,
    BLOCK_NOT_SEEN,
    DOMAIN_BEACON_PROPOSER,
    ENGINE_UNAVAILABLE,
    EXITED,
    FORK_EPOCH_STATE,
    INACTIVE_VALIDATOR,
    INDEX_OUT_OF_RANGE,
    JUST_ACTIVATED,
    LAST_ACTIVE_EPOCH,
    OTHER_GENESIS_VALIDATORS_ROOT,
    PAYLOAD_UNAVAILABLE,
    PENDING,
    PREVIOUS_VERSION,
    PROOF_INVALID,
    PROOF_TYPE_ALREADY_VERIFIED,
    PROVER_ALREADY_SEEN,
    SLASHED_ACTIVE,
    VALIDATORS,
    GossipCase,
    Scenario,
)
from eip8025_spec_tests.vector_case import VectorCase

__all__ = ["COMMON_SCENARIOS", "PROFILE_SCENARIOS", "gossip_cases"]


def _max_proof(extra: int = 0) -> bytes:
    # Opaque and mostly zero, so the snappy file stays small (about 190 KiB for 4 MiB).
    return b"opaque test proof of maximal size".ljust(MAX_PROOF_SIZE + extra, b"\x00")


def _valid_proof_stored(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile, "valid", "valid_proof_stored", "A valid proof is accepted, then stored."
    )
    c.chain(BLOCK_A)
    c.checks({}, comment="gossip validation alone never writes store.execution_proofs")
    c.valid(c.signed(1), store=True)
    c.checks({BLOCK_A: [1]})
    return c


def _valid_each_supported_proof_type(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "valid",
        "valid_each_supported_proof_type",
        "One prover's proofs of each supported type (1, 2, 3) are distinct prover keys.",
    )
    c.chain(BLOCK_A)
    for proof_type in (1, 2, 3):
        c.valid(c.signed(proof_type, 0), store=True)
    c.checks({BLOCK_A: [1, 2, 3]})
    return c


def _valid_not_stored(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "valid",
        "valid_proof_not_stored",
        "Accepted proofs that are not stored leave store.execution_proofs empty.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0))
    c.valid(c.signed(2, 1))
    c.checks({})
    return c


def _valid_active_validator_boundaries(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "valid",
        "active_validator_boundaries",
        "Provers active at the state's epoch: activated this epoch, exiting next epoch, slashed "
        "but not exited (is_active_validator ignores slashing).",
    )
    c.chain(BLOCK_A)
    for index, comment in (
        (JUST_ACTIVATED, "activation_epoch == current epoch"),
        (LAST_ACTIVE_EPOCH, "exit_epoch == current epoch + 1"),
        (SLASHED_ACTIVE, "slashed, exit_epoch far future"),
    ):
        c.valid(c.signed(1, index, variant=index), comment=comment)
    return c


def _valid_two_blocks(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "valid",
        "same_prover_and_type_on_two_blocks",
        "Seen keys are per beacon block: one prover's type-1 proofs for two blocks are both valid.",
    )
    c.chain(BLOCK_A, BLOCK_B)
    c.valid(c.signed(1, 0, root=BLOCK_A), store=True)
    c.valid(c.signed(1, 0, root=BLOCK_B), store=True)
    c.checks({BLOCK_A: [1], BLOCK_B: [1]})
    return c


def _signature_domain_at_fork_epoch(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "valid",
        "signature_domain_at_fork_epoch",
        "state.fork.epoch equals the current epoch: the domain uses fork.current_version, so "
        "a signature under fork.previous_version is rejected.",
        state=FORK_EPOCH_STATE,
    )
    c.chain(BLOCK_A)
    c.send(
        c.sign(c.envelope(1), 0, fork_version=PREVIOUS_VERSION),
        "reject",
        BAD_SIGNATURE,
        comment="signed under fork.previous_version",
    )
    c.valid(c.sign(c.envelope(1), 0), comment="signed under fork.current_version")
    return c


def _block_not_seen_then_block_arrives(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ignore",
        "block_not_seen_then_block_arrives",
        "A proof for an unseen block is ignored without being marked seen; once the block and "
        "its payload arrive the same message is valid.",
    )
    message = c.signed(1, 0, root=BLOCK_B)
    c.chain(BLOCK_A)
    c.send(message, "ignore", BLOCK_NOT_SEEN)
    c.block(BLOCK_B)
    c.payload(BLOCK_B)
    c.valid(message, store=True)
    c.checks({BLOCK_B: [1]})
    return c


def _payload_unavailable_then_payload_arrives(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ignore",
        "payload_unavailable_then_payload_arrives",
        "A proof for a valid block whose payload is not available is ignored without being "
        "marked seen; once the payload arrives the same message is valid.",
    )
    message = c.signed(2, 0)
    c.block(BLOCK_A)
    c.send(message, "ignore", PAYLOAD_UNAVAILABLE)
    c.payload(BLOCK_A)
    c.valid(message)
    return c


def _already_processed_resigned(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ignore",
        "already_processed_resigned_by_other_prover",
        "The same ExecutionProofEnvelope signed by another prover has the same proof root: "
        "ignored as already processed, without calling the proof engine.",
    )
    c.chain(BLOCK_A)
    envelope = c.envelope(2)
    c.valid(c.sign(envelope, 0))
    c.send(c.sign(envelope, 1), "ignore", ALREADY_PROCESSED)
    c.send(c.sign(envelope, 2), "ignore", ALREADY_PROCESSED)
    return c


def _already_processed_after_invalid_proof(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ignore",
        "already_processed_after_invalid_proof",
        "A proof the engine found invalid is marked processed: another prover re-signing the "
        "same envelope is ignored without a second engine call.",
    )
    c.chain(BLOCK_A)
    envelope = c.envelope(2)
    c.send(c.sign(envelope, 0), "reject", PROOF_INVALID, verdict="invalid")
    c.send(c.sign(envelope, 1), "ignore", ALREADY_PROCESSED)
    return c


def _prover_second_attempt(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ignore",
        "prover_second_attempt_after_valid",
        "After a prover's valid proof for (block, type), its second, different proof for that "
        "key is ignored; other types and other provers are not affected.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0, variant=0), comment="not stored")
    c.send(c.signed(1, 0, variant=1), "ignore", PROVER_ALREADY_SEEN)
    c.valid(c.signed(2, 0, variant=0), comment="other proof type: another prover key")
    c.valid(c.signed(1, 1, variant=1), comment="other prover; type 1 is not stored yet")
    return c


def _prover_second_attempt_after_invalid(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ignore",
        "prover_second_attempt_after_invalid_proof",
        "A prover's first valid *or invalid* proof for (block, type) counts: after an invalid "
        "proof its corrected proof is ignored, while another prover's proof is accepted.",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(3, 0, variant=0), "reject", PROOF_INVALID, verdict="invalid")
    c.send(c.signed(3, 0, variant=1), "ignore", PROVER_ALREADY_SEEN)
    c.valid(c.signed(3, 1, variant=1), store=True)
    c.checks({BLOCK_A: [3]})
    return c


def _proof_type_already_verified(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ignore",
        "proof_type_already_verified",
        "Once a valid proof of a type is stored for a block, later proofs of that type are "
        "ignored; other types still pass.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0, variant=0), store=True)
    c.send(c.signed(1, 1, variant=1), "ignore", PROOF_TYPE_ALREADY_VERIFIED)
    c.send(c.signed(1, 2, variant=2), "ignore", PROOF_TYPE_ALREADY_VERIFIED)
    c.valid(c.signed(2, 1, variant=1), store=True)
    c.checks({BLOCK_A: [1, 2]})
    return c


def _proof_type_blocks_only_after_store(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ignore",
        "proof_type_blocks_only_after_store",
        "A valid proof blocks its type only once it is stored: before, a second prover's proof "
        "of the type is valid; after storing, a third is ignored.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0, variant=0), comment="accepted, not (yet) stored")
    c.valid(c.signed(1, 1, variant=1), store=True)
    c.send(c.signed(1, 2, variant=2), "ignore", PROOF_TYPE_ALREADY_VERIFIED)
    c.checks({BLOCK_A: [1]})
    return c


def _same_message_resent(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ignore",
        "same_message_resent",
        "The identical message arriving again is ignored. Both the proof root and the prover "
        "key are marked; the spec checks the proof root first (already_processed).",
    )
    c.chain(BLOCK_A)
    valid = c.signed(1, 0)
    invalid = c.signed(2, 0)
    c.valid(valid)
    c.send(valid, "ignore", ALREADY_PROCESSED, equivalent=[PROVER_ALREADY_SEEN])
    c.send(invalid, "reject", PROOF_INVALID, verdict="invalid")
    c.send(invalid, "ignore", ALREADY_PROCESSED, equivalent=[PROVER_ALREADY_SEEN])
    return c


def _envelope_validator_index_boundary(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "reject",
        "envelope_validator_index_out_of_range",
        "validator_index must be < len(state.validators).",
    )
    c.chain(BLOCK_A)
    last = len(VALIDATORS) - 1
    c.send(
        c.sign(c.envelope(1), len(VALIDATORS), key_of=0),
        "reject",
        INDEX_OUT_OF_RANGE,
        comment="index == len(validators)",
    )
    c.send(
        c.sign(c.envelope(1), 2**64 - 1, key_of=0),
        "reject",
        INDEX_OUT_OF_RANGE,
        comment="index 2**64 - 1",
    )
    c.valid(c.signed(1, last), comment="index == len(validators) - 1")
    return c


def _envelope_inactive_validator(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "reject",
        "envelope_inactive_validator",
        "Provers not active at the state's epoch are rejected: not yet activated, and exited "
        "(exit_epoch == current epoch).",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(1, PENDING), "reject", INACTIVE_VALIDATOR, comment="activation next epoch")
    c.send(c.signed(1, EXITED), "reject", INACTIVE_VALIDATOR, comment="exit_epoch == epoch")
    return c


def _envelope_bad_signature(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "reject",
        "envelope_bad_signature",
        "Signatures that do not verify under the prover's key and DOMAIN_EXECUTION_PROOF are "
        "rejected and mark nothing: the genuine proof of the same prover is valid afterwards.",
    )
    c.chain(BLOCK_A)
    envelope = c.envelope(1)
    c.send(c.sign(envelope, 0, key_of=1), "reject", BAD_SIGNATURE, comment="validator 1's key")
    c.send(
        c.sign(envelope, 0, genesis_validators_root=OTHER_GENESIS_VALIDATORS_ROOT),
        "reject",
        BAD_SIGNATURE,
        comment="another chain's genesis_validators_root",
    )
    c.send(
        c.sign(envelope, 0, domain_type=DOMAIN_BEACON_PROPOSER),
        "reject",
        BAD_SIGNATURE,
        comment="DOMAIN_BEACON_PROPOSER",
    )
    other = c.sign(c.envelope(1, variant=9), 0)
    c.send(
        c.sign(envelope, 0, signature=other.signature),
        "reject",
        BAD_SIGNATURE,
        comment="signature over another envelope",
    )
    c.send(c.sign(envelope, 0, signature=bytes(96)), "reject", BAD_SIGNATURE, comment="zeros")
    c.send(
        c.sign(envelope, 0, signature=G2_POINT_AT_INFINITY),
        "reject",
        BAD_SIGNATURE,
        comment="G2 point at infinity",
    )
    c.valid(c.sign(envelope, 0), comment="the same envelope, genuinely signed")
    return c


def _proof_invalid(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "reject",
        "proof_invalid",
        "The engine's invalid verdict rejects the proof, which is not stored.",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(1, 0), "reject", PROOF_INVALID, verdict="invalid")
    c.checks({})
    return c


def _verified_type_before_envelope(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ordering",
        "proof_type_already_verified_before_envelope_checks",
        "Once type 1 is stored, a forged type-1 proof is ignored, not rejected.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0), store=True)
    c.send(
        c.sign(c.envelope(1, variant=1), 1, key_of=2),
        "ignore",
        PROOF_TYPE_ALREADY_VERIFIED,
        comment="bad signature",
    )
    return c


def _prover_seen_before_envelope(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ordering",
        "prover_already_seen_before_envelope_checks",
        "After validator 0's valid type-1 proof, a forged type-1 proof naming validator 0 is "
        "ignored (prover key seen), not rejected.",
    )
    c.chain(BLOCK_A)
    c.valid(c.signed(1, 0))
    c.send(
        c.sign(c.envelope(1, variant=1), 0, key_of=3),
        "ignore",
        PROVER_ALREADY_SEEN,
        comment="signed with validator 3's key",
    )
    return c


def _engine_unavailable_then_valid(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "engine",
        "engine_unavailable_then_valid",
        "An engine that gives no verdict makes the proof ignored and marks nothing: the same "
        "message is validated again and accepted once the engine answers.",
    )
    c.chain(BLOCK_A)
    message = c.signed(1, 0)
    c.send(message, "ignore", ENGINE_UNAVAILABLE, verdict="unavailable")
    c.valid(message, store=True)
    c.checks({BLOCK_A: [1]})
    return c


def _engine_unavailable_other_prover(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "engine",
        "engine_unavailable_then_other_prover",
        "After an unavailable engine neither the proof root nor the prover key is marked: the "
        "same envelope from another prover and a new proof from the first are both validated.",
    )
    c.chain(BLOCK_A)
    envelope = c.envelope(2)
    c.send(c.sign(envelope, 0), "ignore", ENGINE_UNAVAILABLE, verdict="unavailable")
    c.valid(c.sign(envelope, 1), comment="same envelope, other prover")
    c.valid(c.signed(2, 0, variant=1), comment="first prover, new proof")
    return c


def _engine_unavailable_then_invalid(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "engine",
        "engine_unavailable_then_invalid",
        "Unavailable, then invalid on the second arrival (rejected and marked), then ignored.",
    )
    c.chain(BLOCK_A)
    message = c.signed(3, 0)
    c.send(message, "ignore", ENGINE_UNAVAILABLE, verdict="unavailable")
    c.send(message, "reject", PROOF_INVALID, verdict="invalid")
    c.send(message, "ignore", ALREADY_PROCESSED, equivalent=[PROVER_ALREADY_SEEN])
    return c


def _max_proof_size_accepted(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "size_limits",
        "max_proof_size_accepted",
        "proof_data of exactly MAX_PROOF_SIZE bytes: the message is exactly "
        "MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE bytes and valid.",
    )
    c.chain(BLOCK_A)
    message = c.signed(1, 0, data=_max_proof())
    if len(message.encode_bytes()) != profile.max_signed_execution_proof_envelope_size:
        raise AssertionError("the maximal message must be exactly the bound")
    c.valid(message, store=True)
    c.checks({BLOCK_A: [1]})
    return c


def _proof_size_over_max(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "size_limits",
        "max_proof_size_plus_one_rejected_at_decode",
        "proof_data of MAX_PROOF_SIZE + 1 bytes makes the message one byte over "
        "MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE: rejected before decoding.",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(1, 0, data=_max_proof(1)), "reject", DECODE_TOO_LARGE)
    c.valid(c.signed(1, 0), comment="nothing was marked for the prover")
    return c


def _malformed_ssz(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "size_limits",
        "malformed_ssz_rejected_at_decode",
        "Bytes that are not a SignedExecutionProofEnvelope are rejected at decode.",
    )
    c.chain(BLOCK_A)
    good = c.signed(1, 0).encode_bytes()
    outer_fixed, inner_fixed = 108, 37
    malformed = [
        (b"", "empty"),
        (good[:144], "one byte short of the minimal (empty proof) size"),
        ((outer_fixed - 1).to_bytes(4, "little") + good[4:], "message offset 107"),
        (len(good).to_bytes(4, "little") + good[4:], "message offset past the end"),
        (
            good[:outer_fixed] + (inner_fixed + 1).to_bytes(4, "little") + good[outer_fixed + 4 :],
            "proof_data offset 38",
        ),
    ]
    for raw, comment in malformed:
        c.send(raw, "reject", DECODE_MALFORMED, comment=comment)
    c.valid(c.signed(1, 0), comment="the well-formed message")
    return c


COMMON_SCENARIOS: Final[tuple[Scenario, ...]] = (
    _valid_proof_stored,
    _valid_each_supported_proof_type,
    _valid_not_stored,
    _valid_active_validator_boundaries,
    _valid_two_blocks,
    _signature_domain_at_fork_epoch,
    _block_not_seen_then_block_arrives,
    _payload_unavailable_then_payload_arrives,
    _already_processed_resigned,
    _already_processed_after_invalid_proof,
    _prover_second_attempt,
    _prover_second_attempt_after_invalid,
    _proof_type_already_verified,
    _proof_type_blocks_only_after_store,
    _same_message_resent,
    _envelope_validator_index_boundary,
    _envelope_inactive_validator,
    _envelope_bad_signature,
    _proof_invalid,
    _verified_type_before_envelope,
    _prover_seen_before_envelope,
    _engine_unavailable_then_valid,
    _engine_unavailable_other_prover,
    _engine_unavailable_then_invalid,
    _max_proof_size_accepted,
    _proof_size_over_max,
    _malformed_ssz,
)
"""Scenarios with the same expectations under every profile."""
PROFILE_SCENARIOS: Final[dict[str, tuple[Scenario, ...]]] = {
    "2026-08": gen_gossip_2026_08.SCENARIOS,
    "2026-10": gen_gossip_2026_10.SCENARIOS,
}
"""Each profile's own scenarios (its rules and their order)."""


def gossip_cases(profile: SpecProfile) -> list[VectorCase]:
    """Every ``networking/gossip_execution_proof`` case of ``profile``, in a fixed order.

    Raises:
        KeyError: The profile has no scenario module in :data:`PROFILE_SCENARIOS`.
    """
    scenarios = (*COMMON_SCENARIOS, *PROFILE_SCENARIOS[profile.name])
    return [scenario(profile).build() for scenario in scenarios]
