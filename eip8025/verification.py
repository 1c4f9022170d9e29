"""beacon-chain.md *Execution proof verification*: the envelope checks and proof construction.

``verify_execution_proof_envelope`` raises :class:`EnvelopeInvalid` (an ``AssertionError``, as the
spec's ``assert`` statements are) carrying which check failed, so gossip validation can report a
machine-readable reason while still catching ``AssertionError`` like the spec does.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Iterable

from eip8025.bls import BLSBackend
from eip8025.chain import BeaconStateView, is_active_validator
from eip8025.engine import ProofEngine
from eip8025.profile import (
    DOMAIN_EXECUTION_PROOF,
    MAX_PROOF_SIZE,
    STATELESS_INPUT_SCHEMA_ID,
    VERSIONED_HASH_VERSION_KZG,
    ExecutionPayloadEnvelope,
    ExecutionProof,
    ExecutionProofEnvelope,
    PublicInput,
    SignedExecutionProofEnvelope,
    SpecConfig,
    SSZNewPayloadRequest,
)
from eip8025.signing import (
    compute_epoch_at_slot,
    compute_signing_root,
    get_current_epoch,
    get_domain,
)

__all__ = [
    "EnvelopeCheck",
    "EnvelopeInvalid",
    "SpecContext",
    "get_execution_proof",
    "get_new_payload_request",
    "get_public_input",
    "get_supported_proof_types",
    "kzg_commitment_to_versioned_hash",
    "process_execution_proof",
    "verify_execution_proof_envelope",
]


@dataclasses.dataclass(frozen=True)
class SpecContext:
    """What the spec functions read from globals in pyspec: configuration and the BLS backend."""

    config: SpecConfig
    bls: BLSBackend


class EnvelopeCheck(enum.Enum):
    """Which assertion of ``verify_execution_proof_envelope`` failed."""

    BLOCK_ROOT_MISMATCH = "block_root_mismatch"
    VALIDATOR_INDEX_OUT_OF_RANGE = "validator_index_out_of_range"
    PROOF_SIZE = "proof_size"
    UNSUPPORTED_PROOF_TYPE = "unsupported_proof_type"
    INACTIVE_VALIDATOR = "inactive_validator"
    BAD_SIGNATURE = "bad_signature"


class EnvelopeInvalid(AssertionError):
    """An assertion of ``verify_execution_proof_envelope`` failed."""

    def __init__(self, check: EnvelopeCheck) -> None:
        super().__init__(check.value)
        self.check = check


def get_supported_proof_types(config: SpecConfig) -> frozenset[int]:
    """``get_supported_proof_types()``: the configured set (the pinned text returns {1, 2, 3})."""
    return config.supported_proof_types


def kzg_commitment_to_versioned_hash(kzg_commitment: bytes) -> bytes:
    """Deneb ``kzg_commitment_to_versioned_hash``."""
    return VERSIONED_HASH_VERSION_KZG + hashlib.sha256(kzg_commitment).digest()[1:]


def verify_execution_proof_envelope(
    state: BeaconStateView,
    signed_proof_envelope: SignedExecutionProofEnvelope,
    payload_envelope: ExecutionPayloadEnvelope,
    *,
    ctx: SpecContext,
) -> None:
    """Verify an execution proof envelope against the beacon state and payload.

    The execution proof itself is verified separately by the proof engine. Checks run in the
    spec's order, which is also cheapest-first: the BLS verification is last.

    Raises:
        EnvelopeInvalid: Naming the failed check.
    """
    proof_envelope = signed_proof_envelope.message
    if proof_envelope.beacon_block_root != payload_envelope.beacon_block_root:
        raise EnvelopeInvalid(EnvelopeCheck.BLOCK_ROOT_MISMATCH)
    if not signed_proof_envelope.validator_index < state.validator_count():
        raise EnvelopeInvalid(EnvelopeCheck.VALIDATOR_INDEX_OUT_OF_RANGE)
    if not 0 < len(proof_envelope.proof_data) <= MAX_PROOF_SIZE:
        raise EnvelopeInvalid(EnvelopeCheck.PROOF_SIZE)
    if proof_envelope.proof_type not in get_supported_proof_types(ctx.config):
        raise EnvelopeInvalid(EnvelopeCheck.UNSUPPORTED_PROOF_TYPE)

    # Verify the prover is an active validator
    validator = state.validator(signed_proof_envelope.validator_index)
    if not is_active_validator(validator, get_current_epoch(state, ctx.config.preset)):
        raise EnvelopeInvalid(EnvelopeCheck.INACTIVE_VALIDATOR)

    # Verify the prover signature
    preset = ctx.config.preset
    domain = get_domain(
        state, DOMAIN_EXECUTION_PROOF, compute_epoch_at_slot(state.slot, preset), preset
    )
    signing_root = compute_signing_root(proof_envelope, domain)
    if not ctx.bls.verify(validator.pubkey, signing_root, signed_proof_envelope.signature):
        raise EnvelopeInvalid(EnvelopeCheck.BAD_SIGNATURE)


def get_new_payload_request(
    bid_blob_kzg_commitments: Iterable[bytes],
    payload_envelope: ExecutionPayloadEnvelope,
) -> SSZNewPayloadRequest:
    """The ``SSZNewPayloadRequest`` built inside ``get_execution_proof`` (shared with provers)."""
    return SSZNewPayloadRequest(
        execution_payload=payload_envelope.payload,
        versioned_hashes=tuple(
            kzg_commitment_to_versioned_hash(c) for c in bid_blob_kzg_commitments
        ),
        parent_beacon_block_root=payload_envelope.parent_beacon_block_root,
        execution_requests=payload_envelope.execution_requests,
    )


def get_public_input(
    new_payload_request_root: bytes, chain_id: int, schema_id: int = STATELESS_INPUT_SCHEMA_ID
) -> PublicInput:
    """The ``PublicInput`` of a successful validation, as ``get_execution_proof`` builds it.

    Also what proof engines derive for ``request_proofs`` and for verifying a proof by root.
    """
    return PublicInput(
        new_payload_request_root=new_payload_request_root,
        successful_validation=True,
        chain_id=chain_id,
        schema_id=schema_id,
    )


def get_execution_proof(
    state: BeaconStateView,
    proof_envelope: ExecutionProofEnvelope,
    payload_envelope: ExecutionPayloadEnvelope,
    *,
    ctx: SpecContext,
) -> ExecutionProof:
    """Construct the ``ExecutionProof`` for submission to the proof engine."""
    new_payload_request = get_new_payload_request(state.bid_blob_kzg_commitments, payload_envelope)
    public_input = get_public_input(
        new_payload_request.hash_tree_root(), ctx.config.deposit_chain_id
    )
    return ExecutionProof(
        proof_data=proof_envelope.proof_data,
        proof_type=proof_envelope.proof_type,
        public_input=public_input,
    )


def process_execution_proof(
    state: BeaconStateView,
    signed_proof_envelope: SignedExecutionProofEnvelope,
    payload_envelope: ExecutionPayloadEnvelope,
    proof_engine: ProofEngine,
    *,
    ctx: SpecContext,
) -> None:
    """Authenticate and verify an execution proof envelope.

    Raises:
        EnvelopeInvalid: The envelope failed a check.
        AssertionError: The proof engine said the proof is invalid.
        ProofEngineUnavailable: The engine gave no verdict.
    """
    verify_execution_proof_envelope(state, signed_proof_envelope, payload_envelope, ctx=ctx)
    proof = get_execution_proof(state, signed_proof_envelope.message, payload_envelope, ctx=ctx)
    if not proof_engine.verify_execution_proof(proof):
        raise AssertionError("execution proof is invalid")
