"""fork-choice.md: ``on_execution_proof`` and the post-gossip storing path.

Stored proofs are not fork-choice inputs in the spec; the acceptance policy in the store is the
*hook* a host client wires to its own payload status (see :mod:`eip8025.acceptance`).
"""

from __future__ import annotations

from eip8025.containers import SignedExecutionProofEnvelopeBase
from eip8025.engine import ProofEngine
from eip8025.store import ExecutionProofStore
from eip8025.verification import process_execution_proof

__all__ = ["on_execution_proof", "on_validated_execution_proof"]


def on_execution_proof(
    store: ExecutionProofStore,
    signed_proof_envelope: SignedExecutionProofEnvelopeBase,
    proof_engine: ProofEngine,
) -> None:
    """Verify and store a received execution proof envelope (spec handler).

    Raises:
        AssertionError: A spec assertion failed (unknown / invalid block, payload unavailable,
            proof type already stored, invalid envelope or proof).
        ProofEngineUnavailable: The engine gave no verdict.
    """
    proof_envelope = signed_proof_envelope.message
    beacon_block_root = proof_envelope.beacon_block_root

    # The corresponding beacon block must be known and consensus-valid
    assert store.chain.is_block_known(beacon_block_root)
    state = store.chain.block_state(beacon_block_root)
    assert state is not None

    # The corresponding execution payload must be available
    payload_envelope = store.chain.payload_envelope(beacon_block_root)
    assert payload_envelope is not None

    # Only one verified proof is stored for each beacon block and proof type
    assert proof_envelope.proof_type not in store.execution_proofs.get(beacon_block_root, {})

    process_execution_proof(
        state, signed_proof_envelope, payload_envelope, proof_engine, ctx=store.ctx
    )

    # Store only proofs that pass downstream verification
    store.store_proof(state.slot, proof_envelope)


def on_validated_execution_proof(
    store: ExecutionProofStore, signed_proof_envelope: SignedExecutionProofEnvelopeBase
) -> bool:
    """Store a proof that ``validate_execution_proof_gossip`` just accepted.

    Gossip validation already ran every check and the proof-engine verification of
    ``process_execution_proof``; running them again would double the BLS and proof-engine cost
    for every proof. Returns False when a proof of this type was stored meanwhile (or the block
    was pruned), True when it was stored.
    """
    proof_envelope = signed_proof_envelope.message
    state = store.chain.block_state(proof_envelope.beacon_block_root)
    if state is None:
        return False
    return store.store_proof(state.slot, proof_envelope)
