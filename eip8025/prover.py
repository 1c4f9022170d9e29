"""prover.md: request proofs, sign them, validate our own proof, hand it over for publishing.

:func:`produce_signed_proofs` follows the honest-prover steps of the pinned text for one accepted
payload envelope: build the ``NewPayloadRequest``, ``request_proofs`` for the wanted types,
``get_proof`` each, check each proof's public input and type, wrap it in an
``ExecutionProofEnvelope``, sign it under ``DOMAIN_EXECUTION_PROOF``, and run our own
``validate_execution_proof_gossip`` on it before returning it - a node never publishes a proof it
would itself reject. Validating it also records it in ``Seen``, so our own proof echoed back by a
peer is ignored as already processed.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from eip8025.chain import BeaconStateView
from eip8025.engine import ProofAttributes, ProofEngine, ProofEngineError
from eip8025.forkchoice import on_validated_execution_proof
from eip8025.gossip import GossipError, Seen, validate_execution_proof_gossip
from eip8025.profile import (
    STATELESS_INPUT_SCHEMA_ID,
    ExecutionPayloadEnvelope,
    ExecutionProofEnvelope,
    SignedExecutionProofEnvelope,
)
from eip8025.signing import get_execution_proof_envelope_signature
from eip8025.store import ExecutionProofStore
from eip8025.verification import get_new_payload_request

__all__ = ["ProofOutcome", "ProverIdentity", "produce_signed_proofs"]

_log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ProverIdentity:
    """The validator a prover signs as."""

    validator_index: int
    privkey: int = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True)
class ProofOutcome:
    """The result for one requested proof type: a signed proof ready to publish, or why not."""

    proof_type: int
    signed: SignedExecutionProofEnvelope | None
    error: str | None = None


def produce_signed_proofs(
    state: BeaconStateView,
    payload_envelope: ExecutionPayloadEnvelope,
    proof_engine: ProofEngine,
    proof_types: Sequence[int],
    prover: ProverIdentity,
    *,
    seen: Seen,
    store: ExecutionProofStore,
) -> list[ProofOutcome]:
    """Produce, sign and self-validate proofs of ``proof_types`` for one payload envelope.

    Engine failures and self-validation failures are reported per type in the outcomes, never
    raised, so one failing proof type does not stop the others.
    """
    ctx = store.ctx
    beacon_block_root = payload_envelope.beacon_block_root
    new_payload_request = get_new_payload_request(state.bid_blob_kzg_commitments, payload_envelope)
    try:
        root = proof_engine.request_proofs(
            new_payload_request,
            ctx.config.deposit_chain_id,
            STATELESS_INPUT_SCHEMA_ID,
            ProofAttributes(tuple(proof_types)),
        )
    except ProofEngineError as exc:
        return [ProofOutcome(t, None, f"request_proofs failed: {exc}") for t in proof_types]
    if root != new_payload_request.hash_tree_root():
        return [ProofOutcome(t, None, "engine returned a wrong request root") for t in proof_types]
    outcomes = []
    for proof_type in proof_types:
        try:
            proof = proof_engine.get_proof(root, proof_type)
        except (ProofEngineError, KeyError) as exc:
            outcomes.append(ProofOutcome(proof_type, None, f"get_proof failed: {exc}"))
            continue
        if proof.public_input.new_payload_request_root != root or proof.proof_type != proof_type:
            outcomes.append(ProofOutcome(proof_type, None, "proof does not match the request"))
            continue
        envelope = ExecutionProofEnvelope(
            proof_data=proof.proof_data, proof_type=proof_type, beacon_block_root=beacon_block_root
        )
        signature = get_execution_proof_envelope_signature(
            state, envelope, prover.privkey, preset=ctx.config.preset, bls=ctx.bls
        )
        signed = SignedExecutionProofEnvelope(
            message=envelope, validator_index=prover.validator_index, signature=signature
        )
        try:
            validate_execution_proof_gossip(seen, store, signed, proof_engine)
        except GossipError as exc:
            _log.warning("own proof of type %d failed validation: %s", proof_type, exc.label)
            outcomes.append(ProofOutcome(proof_type, None, f"self-validation: {exc.label}"))
            continue
        on_validated_execution_proof(store, signed)
        outcomes.append(ProofOutcome(proof_type, signed))
    return outcomes
