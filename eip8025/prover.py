"""Proof generation: our prover interface, and producing signed proofs.

Since consensus-specs #5639 (profile 2026-10) the spec's proof engine only verifies and prover.md
is gone; producing proofs is our own feature. :class:`ProofGenerator` is the interface (the
native engine implements it; :class:`~eip8025.testing.FakeProofEngine` is its test double), and
:func:`sign_execution_proofs` follows the honest-prover steps for one accepted payload envelope:
build the profile's ``NewPayloadRequest`` and the ``PublicInput`` of a successful validation,
generate each wanted proof type, wrap it in the profile's ``ExecutionProofEnvelope`` and sign it
under ``DOMAIN_EXECUTION_PROOF``.

It does not validate what it signs: the caller validates each proof exactly once, as it would a
received one, before publishing (``ProofPipeline.publish`` in the node), so a node never
publishes a proof it would itself reject and never pays for the checks twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

from eip8025.chain import BeaconStateView
from eip8025.containers import (
    ExecutionPayloadEnvelope,
    PublicInput,
    SignedExecutionProofEnvelopeBase,
)
from eip8025.engine import ProofEngine, ProofEngineError
from eip8025.signing import get_execution_proof_envelope_signature
from eip8025.signing_protection import SigningProtection
from eip8025.verification import SpecContext, get_new_payload_request, get_public_input

__all__ = [
    "ProofBackend",
    "ProofGenerator",
    "ProofOutcome",
    "ProverIdentity",
    "sign_execution_proofs",
]


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


def sign_execution_proofs(
    state: BeaconStateView,
    payload_envelope: ExecutionPayloadEnvelope,
    proof_generator: ProofGenerator,
    proof_types: Sequence[int],
    prover: ProverIdentity,
    *,
    ctx: SpecContext,
    protection: SigningProtection | None = None,
) -> list[ProofOutcome]:
    """Generate and sign proofs of ``proof_types`` for one payload envelope (not validated).

    Generation failures are reported per type in the outcomes, never raised, so one failing
    proof type does not stop the others. With ``protection``, each envelope is recorded before
    it is signed, and a type for which ``prover`` already signed a *different* envelope of this
    block is refused (an outcome with an error, no signature).
    """
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
        if protection is not None and not protection.record_signing(
            prover.validator_index,
            beacon_block_root,
            proof_type,
            envelope.hash_tree_root(),
            state.slot,
        ):
            outcomes.append(
                ProofOutcome(
                    proof_type,
                    None,
                    f"refused to sign: validator {prover.validator_index} already signed a "
                    f"different proof of type {proof_type} for this block",
                )
            )
            continue
        signature = get_execution_proof_envelope_signature(
            state, envelope, prover.privkey, preset=ctx.preset, bls=ctx.bls
        )
        signed = profile.SignedExecutionProofEnvelope(
            message=envelope, validator_index=prover.validator_index, signature=signature
        )
        outcomes.append(ProofOutcome(proof_type, signed))
    return outcomes
