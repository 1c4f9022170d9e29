"""``networking/gossip_execution_proof`` scenarios of profile ``2026-08`` (c63ce15) only.

Rules of this text that 2026-10 dropped or reordered: a seen block without a post-state is a
REJECT (``block_invalid``); the envelope checks compare the envelope's block root with the
payload's and bound the proof size (``0 < len <= MAX_PROOF_SIZE``, an envelope REJECT); an
unsupported proof type is an envelope REJECT, reached only after the block, payload and seen
checks (so it is an IGNORE while the block or payload is missing).
"""

from __future__ import annotations

from typing import Final

from eip8025.profiles import SpecProfile
from eip8025_spec_tests.gossip_builder import (
    BLOCK_A,
    BLOCK_B,
    BLOCK_FOREIGN_PAYLOAD,
    BLOCK_INVALID,
    BLOCK_INVALID_ROOT,
    BLOCK_NOT_SEEN,
    BLOCK_ROOT_MISMATCH,
    ENVELOPE_UNSUPPORTED_PROOF_TYPE,
    PAYLOAD_UNAVAILABLE,
    PENDING,
    PROOF_SIZE,
    GossipCase,
    Scenario,
    payload_envelope,
)

__all__ = ["SCENARIOS"]


def _block_failed_validation(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "reject",
        "block_failed_validation",
        "A proof for a block that was seen but failed consensus validation is rejected.",
    )
    c.chain(BLOCK_A)
    c.block(BLOCK_INVALID_ROOT, valid=False)
    c.send(c.signed(1, 0, root=BLOCK_INVALID_ROOT), "reject", BLOCK_INVALID)
    c.valid(c.signed(1, 0), comment="nothing was marked for the prover")
    return c


def _envelope_block_root_mismatch(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "reject",
        "envelope_block_root_mismatch",
        "The payload stored for the proof's block names another beacon block root.",
    )
    c.chain(BLOCK_A)
    c.block(BLOCK_FOREIGN_PAYLOAD)
    c.payload(
        BLOCK_FOREIGN_PAYLOAD, payload_envelope(BLOCK_A), comment="block A's payload envelope"
    )
    c.send(c.signed(1, 0, root=BLOCK_FOREIGN_PAYLOAD), "reject", BLOCK_ROOT_MISMATCH)
    return c


def _envelope_proof_size(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "reject",
        "envelope_empty_proof_data",
        "Empty proof_data fails 0 < len(proof_data); one byte passes.",
    )
    c.chain(BLOCK_A)
    c.send(c.signed(1, 0, data=b""), "reject", PROOF_SIZE)
    c.valid(c.signed(1, 0, data=b"\x01"), comment="not marked by the rejected message")
    return c


def _envelope_unsupported_proof_type(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "reject",
        "envelope_unsupported_proof_type",
        "Proof types outside get_supported_proof_types() = {1, 2, 3} are rejected.",
    )
    c.chain(BLOCK_A)
    for proof_type in (0, 4, 5, 255):
        c.send(c.signed(proof_type, 0), "reject", ENVELOPE_UNSUPPORTED_PROOF_TYPE)
    return c


def _unknown_block_before_envelope(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ordering",
        "block_not_seen_before_envelope_checks",
        "A forged proof for an unseen block is ignored (not rejected): the block check comes "
        "before the envelope checks.",
    )
    c.chain(BLOCK_A)
    c.send(c.sign(c.envelope(1, root=BLOCK_B), 0, key_of=1), "ignore", BLOCK_NOT_SEEN)
    c.send(c.signed(7, 0, root=BLOCK_B), "ignore", BLOCK_NOT_SEEN, comment="unsupported type")
    return c


def _invalid_block_before_payload(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ordering",
        "block_invalid_before_payload_check",
        "A block that failed validation has no payload either: the proof is rejected "
        "(block_invalid), not ignored (payload_unavailable).",
    )
    c.block(BLOCK_INVALID_ROOT, valid=False)
    c.send(c.signed(1, 0, root=BLOCK_INVALID_ROOT), "reject", BLOCK_INVALID)
    return c


def _missing_payload_before_envelope(profile: SpecProfile) -> GossipCase:
    c = GossipCase(
        profile,
        "ordering",
        "payload_unavailable_before_envelope_checks",
        "Without the payload, proofs are ignored even when their envelope is invalid.",
    )
    c.block(BLOCK_A)
    c.send(c.sign(c.envelope(1), 0, key_of=1), "ignore", PAYLOAD_UNAVAILABLE, comment="bad sig")
    c.send(c.signed(9, 0), "ignore", PAYLOAD_UNAVAILABLE, comment="unsupported type")
    c.send(c.signed(1, PENDING), "ignore", PAYLOAD_UNAVAILABLE, comment="inactive prover")
    return c


SCENARIOS: Final[tuple[Scenario, ...]] = (
    _block_failed_validation,
    _envelope_block_root_mismatch,
    _envelope_proof_size,
    _envelope_unsupported_proof_type,
    _unknown_block_before_envelope,
    _invalid_block_before_payload,
    _missing_payload_before_envelope,
)
"""The 2026-08 scenarios."""
