"""``networking/gossip_execution_proof`` scenarios of profile ``2026-10`` only (#5593 rules).

What this text changed: empty proof data and unsupported proof types are REJECTed first, before
any lookup (so also for unknown blocks and missing payloads); a seen block without a post-state is
no longer a REJECT (it has no payload, so the proof is IGNOREd as ``payload_unavailable``); the
envelope checks no longer compare the envelope's block root with the payload's; "no valid proof
known" comes before "not already processed", which comes before "prover's first proof".
"""

from __future__ import annotations

from typing import Final

from eip8025.profiles import SpecProfile
from eip8025_spec_tests.gossip_builder import (
    ALREADY_PROCESSED,
    BAD_SIGNATURE,
    BLOCK_A,
    BLOCK_B,
    BLOCK_FOREIGN_PAYLOAD,
    BLOCK_INVALID_ROOT,
    BLOCK_NOT_SEEN,
    PAYLOAD_UNAVAILABLE,
    PENDING,
    PROOF_DATA_EMPTY,
    PROOF_TYPE_ALREADY_VERIFIED,
    UNSUPPORTED_PROOF_TYPE,
    GossipCase,
    Scenario,
    payload_envelope,
)

__all__ = ["SCENARIOS"]


def _empty_proof_data(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "reject",
        "empty_proof_data",
        "Empty proof_data is rejected by the first rule; one byte passes.",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(1, 0, data=b""), "reject", PROOF_DATA_EMPTY)
    c.valid(c.signed(1, 0, data=b"\x01"), comment="not marked by the rejected message")
    return c


def _unsupported_proof_type(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "reject",
        "unsupported_proof_type",
        "Proof types outside get_supported_proof_types() = {1, 2, 3} are rejected by the second "
        "rule.",
    )
    c.chain(BLOCK_A)
    for proof_type in (0, 4, 5, 255):
        c.send(c.signed(proof_type, 0), "reject", UNSUPPORTED_PROOF_TYPE)
    c.valid(c.signed(1, 0), comment="nothing was marked for the prover")
    return c


def _block_without_state(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ignore",
        "block_failed_validation_is_ignored",
        "A block that was seen but failed consensus validation has no payload: its proofs are "
        "ignored as payload_unavailable (2026-08 rejected them as block_invalid).",
    )
    c.chain(BLOCK_A)
    c.block(BLOCK_INVALID_ROOT, valid=False)
    c.send(c.signed(1, 0, root=BLOCK_INVALID_ROOT), "ignore", PAYLOAD_UNAVAILABLE)
    c.valid(c.signed(1, 0), comment="nothing was marked for the prover")
    return c


def _payload_block_root_not_checked(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "valid",
        "payload_block_root_not_compared",
        "The envelope checks no longer compare the proof's block root with the stored payload's "
        "(the payload handler guarantees it): the proof is verified against the public input "
        "of the payload stored for its block.",
    )
    c.chain(BLOCK_A)
    c.block(BLOCK_FOREIGN_PAYLOAD)
    c.payload(
        BLOCK_FOREIGN_PAYLOAD, payload_envelope(BLOCK_A), comment="block A's payload envelope"
    )
    c.valid(c.signed(1, 0, root=BLOCK_FOREIGN_PAYLOAD), store=True)
    c.checks({BLOCK_FOREIGN_PAYLOAD: [1]})
    return c


def _early_rejects_before_block_check(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ordering",
        "early_rejects_before_block_check",
        "For a block that has not been seen, empty and unsupported proofs are rejected (the two "
        "message-local rules come first); a forged proof of a supported type is ignored.",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(1, 0, root=BLOCK_B, data=b""), "reject", PROOF_DATA_EMPTY)
    c.send(c.signed(7, 0, root=BLOCK_B), "reject", UNSUPPORTED_PROOF_TYPE)
    c.send(c.sign(c.envelope(1, root=BLOCK_B), 0, key_of=1), "ignore", BLOCK_NOT_SEEN)
    return c


def _early_rejects_before_payload_check(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ordering",
        "early_rejects_before_payload_check",
        "Without the payload, empty and unsupported proofs are still rejected, while envelope "
        "failures (bad signature, inactive prover) are ignored: the envelope is checked only "
        "once the payload is available.",
    )
    c.block(BLOCK_A)
    c.send(c.signed(9, 0), "reject", UNSUPPORTED_PROOF_TYPE)
    c.send(c.signed(1, 0, data=b""), "reject", PROOF_DATA_EMPTY)
    c.send(c.sign(c.envelope(1), 0, key_of=1), "ignore", PAYLOAD_UNAVAILABLE, comment="bad sig")
    c.send(c.signed(1, PENDING), "ignore", PAYLOAD_UNAVAILABLE, comment="inactive prover")
    return c


def _verified_type_before_processed(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ordering",
        "proof_type_already_verified_before_seen_checks",
        "Once a type is stored, the stored message arriving again and the same envelope "
        "re-signed by another prover are ignored as proof_type_already_verified: that rule "
        "comes before the already-processed and prover checks.",
    )
    c.chain(BLOCK_A)
    envelope = c.envelope(1)
    stored = c.sign(envelope, 0)
    c.valid(stored, store=True)
    c.send(stored, "ignore", PROOF_TYPE_ALREADY_VERIFIED, comment="identical message")
    c.send(c.sign(envelope, 1), "ignore", PROOF_TYPE_ALREADY_VERIFIED, comment="re-signed")
    return c


def _processed_before_prover(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ordering",
        "already_processed_before_prover_check",
        "An accepted, not stored message arriving again: its proof root and its prover key are "
        "both marked, and the proof-root rule comes first (already_processed, exactly).",
    )
    c.chain(BLOCK_A)
    message = c.signed(2, 0)
    c.valid(message)
    c.send(message, "ignore", ALREADY_PROCESSED)
    return c


def _bad_signature_after_payload(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ordering",
        "envelope_checked_once_payload_arrives",
        "A badly signed proof is ignored while the payload is missing and rejected once it is "
        "available (nothing was marked by the IGNORE).",
    )
    c.block(BLOCK_A)
    forged = c.sign(c.envelope(1), 0, key_of=1)
    c.send(forged, "ignore", PAYLOAD_UNAVAILABLE)
    c.payload(BLOCK_A)
    c.send(forged, "reject", BAD_SIGNATURE)
    return c


SCENARIOS: Final[tuple[Scenario, ...]] = (
    _empty_proof_data,
    _unsupported_proof_type,
    _block_without_state,
    _payload_block_root_not_checked,
    _early_rejects_before_block_check,
    _early_rejects_before_payload_check,
    _verified_type_before_processed,
    _processed_before_prover,
    _bad_signature_after_payload,
)
"""The 2026-10 scenarios."""
