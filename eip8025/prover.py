"""Proof generation: our prover interface, and producing signed, self-validated proofs.

Since consensus-specs #5639 (profile 2026-10) the spec's proof engine only verifies and prover.md
is gone; producing proofs is our own feature. :class:`ProofGenerator` is the interface (the
native engine implements it; :class:`~eip8025.testing.FakeProofEngine` is its test double), and
:func:`produce_signed_proofs` follows the honest-prover steps for one accepted payload envelope:
build the profile's ``NewPayloadRequest`` and the ``PublicInput`` of a successful validation,
generate each wanted proof type, wrap it in the profile's ``ExecutionProofEnvelope``, sign it under
``DOMAIN_EXECUTION_PROOF``, and run our own gossip validation on it before returning it - a node
never publishes a proof it would itself reject. Validating it also records it in ``Seen``, so our
own proof echoed back by a peer is ignored as already processed.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import Protocol

from eip8025.chain import BeaconStateView
from eip8025.containers import (
    ExecutionPayloadEnvelope,
    PublicInput,
    SignedExecutionProofEnvelopeBase,
)
from eip8025.engine import ProofEngine, ProofEngineError
from eip8025.forkchoice import on_validated_execution_proof
from eip8025.gossip import GossipError, Seen, validate_execution_proof_gossip
from eip8025.signing import get_execution_proof_envelope_signature
from eip8025.store import ExecutionProofStore
from eip8025.verification import get_new_payload_request, get_public_input

__all__ = [
    "ProofBackend",
    "ProofGenerator",
    "ProofOutcome",
    "ProverIdentity",
    "produce_signed_proofs",
]

_log = logging.getLogger(__name__)


class ProofGenerator(Protocol):
    """Makes the proof bytes of one proof type for a public input (ours, not the spec's)."""

    @property
    def provable_proof_types(self) -> frozenset[int]:
        """The proof types this generator can prove."""
        ...

    def generate_proof(self, public_input: PublicInput, proof_type: int) -> bytes:
        """Return ``proof_data`` proving ``public_input`` for ``proof_type``.

        Raises:
            ProofEngineError: It cannot (no prover for the type, a prover failure).
        """
        ...


class ProofBackend(ProofEngine, ProofGenerator, Protocol):
    """Verifies and generates (the native engine; :class:`~eip8025.testing.FakeProofEngine`)."""


@dataclasses.dataclass(frozen=True)
class ProverIdentity:
    """The validator a prover signs as."""

    validator_index: int
    privkey: int = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True)
class ProofOutcome:
    """The result for one requested proof type: a signed proof ready to publish, or why not."""

    proof_type: int
    signed: SignedExecutionProofEnvelopeBase | None
    error: str | None = None


def produce_signed_proofs(
    state: BeaconStateView,
    payload_envelope: ExecutionPayloadEnvelope,
    proof_generator: ProofGenerator,
    proof_engine: ProofEngine,
    proof_types: Sequence[int],
    prover: ProverIdentity,
    *,
    seen: Seen,
    store: ExecutionProofStore,
) -> list[ProofOutcome]:
    """Produce, sign and self-validate proofs of ``proof_types`` for one payload envelope.

    Generation failures and self-validation failures are reported per type in the outcomes, never
    raised, so one failing proof type does not stop the others.
    """
    ctx = store.ctx
    profile = ctx.profile
    beacon_block_root = payload_envelope.beacon_block_root
    new_payload_request = get_new_payload_request(
        state.bid_blob_kzg_commitments, payload_envelope, profile=profile
    )
    public_input = get_public_input(
        new_payload_request.hash_tree_root(), ctx.config.deposit_chain_id
    )
    outcomes = []
    for proof_type in proof_types:
        try:
            proof_data = proof_generator.generate_proof(public_input, proof_type)
        except ProofEngineError as exc:
            outcomes.append(ProofOutcome(proof_type, None, f"proof generation failed: {exc}"))
            continue
        envelope = profile.ExecutionProofEnvelope(
            proof_data=proof_data, proof_type=proof_type, beacon_block_root=beacon_block_root
        )
        signature = get_execution_proof_envelope_signature(
            state, envelope, prover.privkey, preset=ctx.preset, bls=ctx.bls
        )
        signed = profile.SignedExecutionProofEnvelope(
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
