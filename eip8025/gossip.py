"""p2p-interface.md: the ``execution_proof`` topic's ``Seen`` state and gossip validation.

:func:`validate_execution_proof_gossip` is the spec function with each check tagged by its rule.
Outcomes are exceptions: :class:`GossipIgnore` (drop, do not penalise) and :class:`GossipReject`
(drop and penalise the sender); returning normally means *accept and forward*. Every exception
carries a :class:`GossipReason` for metrics and logs.

Order of checks. The spec computes ``hash_tree_root(proof_envelope)`` first; for a 4 MiB proof
that is the most expensive step before BLS, so we run the two IGNORE checks that need no hashing
(prover already seen, block not seen) before it. That cannot change any outcome class: all three
are IGNOREs, and every later check keeps the spec's order.

Engine failures. If the proof engine cannot give a verdict (any
:class:`~eip8025.engine.ProofEngineError`) the proof is IGNOREd, never REJECTed, and the ``Seen``
marks made for it are rolled back, so the same proof is validated again when it arrives again
(from the same or another peer) rather than being lost as "already processed".
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable

from eip8025.engine import ProofEngine, ProofEngineError
from eip8025.profile import SignedExecutionProofEnvelope
from eip8025.store import ExecutionProofStore
from eip8025.verification import (
    EnvelopeCheck,
    EnvelopeInvalid,
    get_execution_proof,
    verify_execution_proof_envelope,
)

__all__ = [
    "GossipError",
    "GossipIgnore",
    "GossipReason",
    "GossipReject",
    "Seen",
    "validate_execution_proof_gossip",
]


class GossipReason(enum.Enum):
    """Machine-readable outcome reasons, one per rule of the ``execution_proof`` topic."""

    ALREADY_PROCESSED = "already_processed"
    PROVER_ALREADY_SEEN = "prover_already_seen"
    BLOCK_NOT_SEEN = "block_not_seen"
    BLOCK_INVALID = "block_invalid"
    PAYLOAD_UNAVAILABLE = "payload_unavailable"
    PROOF_TYPE_ALREADY_VERIFIED = "proof_type_already_verified"
    ENVELOPE_INVALID = "envelope_invalid"
    PROOF_INVALID = "proof_invalid"
    ENGINE_UNAVAILABLE = "engine_unavailable"


class GossipError(Exception):
    """A gossip validation outcome other than accept."""

    def __init__(
        self, reason: GossipReason, message: str, check: EnvelopeCheck | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.check = check

    @property
    def label(self) -> str:
        """``reason`` or ``reason:check`` (for metrics and logs)."""
        if self.check is None:
            return self.reason.value
        return f"{self.reason.value}:{self.check.value}"


class GossipIgnore(GossipError):
    """``[IGNORE]``: drop the message without penalising the sender."""


class GossipReject(GossipError):
    """``[REJECT]``: drop the message and penalise the sender."""


@dataclasses.dataclass
class Seen:
    """The EIP-8025 fields of the spec's ``Seen`` (``[New in EIP8025]``)."""

    execution_proof_roots: dict[bytes, set[bytes]] = dataclasses.field(default_factory=dict)
    execution_proof_provers: set[tuple[bytes, int, int]] = dataclasses.field(default_factory=set)

    def prune(self, beacon_block_roots: Iterable[bytes]) -> None:
        """Forget everything recorded for the given beacon blocks (e.g. below finalization)."""
        roots = set(beacon_block_roots)
        for root in roots:
            self.execution_proof_roots.pop(root, None)
        self.execution_proof_provers = {
            key for key in self.execution_proof_provers if key[0] not in roots
        }


def validate_execution_proof_gossip(
    seen: Seen,
    store: ExecutionProofStore,
    signed_proof_envelope: SignedExecutionProofEnvelope,
    proof_engine: ProofEngine,
) -> None:
    """Validate a ``SignedExecutionProofEnvelope`` for gossip propagation.

    Raises:
        GossipIgnore: Drop without penalty (reason attached).
        GossipReject: Drop and penalise the sender (reason attached).
    """
    proof_envelope = signed_proof_envelope.message
    beacon_block_root = proof_envelope.beacon_block_root
    chain = store.chain

    # [IGNORE] This is the prover's first valid or invalid proof for this key
    validator_index = signed_proof_envelope.validator_index
    prover_key = (beacon_block_root, proof_envelope.proof_type, validator_index)
    if prover_key in seen.execution_proof_provers:
        raise GossipIgnore(
            GossipReason.PROVER_ALREADY_SEEN,
            "proof already seen from this prover for this beacon block and proof type",
        )

    # [IGNORE] The proof's beacon block has been seen
    if not chain.is_block_known(beacon_block_root):
        raise GossipIgnore(
            GossipReason.BLOCK_NOT_SEEN, "execution proof's beacon block has not been seen"
        )

    # [IGNORE] The proof has not already been processed
    proof_root = proof_envelope.hash_tree_root()
    if proof_root in seen.execution_proof_roots.get(beacon_block_root, set()):
        raise GossipIgnore(
            GossipReason.ALREADY_PROCESSED, "execution proof has already been processed"
        )

    # [REJECT] The proof's beacon block has passed consensus validation
    state = chain.block_state(beacon_block_root)
    if state is None:
        raise GossipReject(
            GossipReason.BLOCK_INVALID, "execution proof's beacon block failed validation"
        )

    # [IGNORE] The proof's execution payload is available
    payload_envelope = chain.payload_envelope(beacon_block_root)
    if payload_envelope is None:
        raise GossipIgnore(
            GossipReason.PAYLOAD_UNAVAILABLE, "execution proof's payload is unavailable"
        )

    # [IGNORE] No valid proof is known for this beacon block and proof type
    if proof_envelope.proof_type in store.execution_proofs.get(beacon_block_root, {}):
        raise GossipIgnore(
            GossipReason.PROOF_TYPE_ALREADY_VERIFIED,
            "verified proof already known for this beacon block and proof type",
        )

    # [REJECT] The execution proof envelope passes validation
    try:
        verify_execution_proof_envelope(
            state, signed_proof_envelope, payload_envelope, ctx=store.ctx
        )
    except EnvelopeInvalid as exc:
        raise GossipReject(
            GossipReason.ENVELOPE_INVALID,
            f"execution proof envelope is invalid ({exc.check.value})",
            exc.check,
        ) from None

    proof = get_execution_proof(state, proof_envelope, payload_envelope, ctx=store.ctx)

    # Mark the authenticated proof and prover attempt as seen
    roots_for_block = seen.execution_proof_roots.setdefault(beacon_block_root, set())
    newly_marked_root = proof_root not in roots_for_block
    roots_for_block.add(proof_root)
    seen.execution_proof_provers.add(prover_key)

    # [REJECT] The execution proof is valid
    try:
        valid = proof_engine.verify_execution_proof(proof)
    except BaseException as exc:
        # No verdict is not the sender's fault: undo the marks so the proof is validated again
        # when it arrives again. Engine failures are IGNOREs; anything else (a bug) propagates.
        seen.execution_proof_provers.discard(prover_key)
        if newly_marked_root:
            roots_for_block.discard(proof_root)
        if isinstance(exc, ProofEngineError):
            raise GossipIgnore(
                GossipReason.ENGINE_UNAVAILABLE, f"proof engine gave no verdict: {exc}"
            ) from None
        raise
    if not valid:
        raise GossipReject(GossipReason.PROOF_INVALID, "execution proof is invalid")
