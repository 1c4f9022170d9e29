"""beacon-chain.md *Execution proof verification*: what every profile's checks are made of.

Each spec profile (:mod:`eip8025.profiles`) writes its own ``verify_execution_proof_envelope``
with the asserts of its text, in its order, from the pieces here;
:func:`verify_execution_proof_envelope` and :func:`process_execution_proof` run the profile of the
context they are handed.

A failed check raises :class:`EnvelopeInvalid` (an ``AssertionError``, as the spec's ``assert``
statements are) carrying which check failed, so gossip validation can report a machine-readable
reason while still catching ``AssertionError`` like the spec does.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from eip8025.bls import BLSBackend
from eip8025.chain import BeaconStateView, is_active_validator
from eip8025.containers import (
    DOMAIN_EXECUTION_PROOF,
    STATELESS_INPUT_SCHEMA_ID,
    VERSIONED_HASH_VERSION_KZG,
    ExecutionPayloadEnvelope,
    ExecutionProofBase,
    ExecutionProofEnvelopeBase,
    NewPayloadRequestBase,
    PublicInput,
    SignedExecutionProofEnvelopeBase,
)
from eip8025.engine import ProofEngine
from eip8025.errors import Eip8025Error
from eip8025.signing import (
    compute_epoch_at_slot,
    compute_signing_root,
    get_current_epoch,
    get_domain,
)

if TYPE_CHECKING:
    from eip8025.config import Preset, SpecConfig
    from eip8025.profiles.base import SpecProfile

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
    "verify_active_prover_signature",
    "verify_execution_proof_envelope",
]


@dataclasses.dataclass(frozen=True)
class SpecContext:
    """What the spec functions read from globals in pyspec: configuration and the BLS backend."""

    config: SpecConfig
    bls: BLSBackend

    @property
    def profile(self) -> SpecProfile:
        """The spec profile of the configuration."""
        return self.config.profile

    @property
    def preset(self) -> Preset:
        """The preset of the configuration."""
        return self.config.preset


class EnvelopeCheck(enum.Enum):
    """Which assertion of a profile's ``verify_execution_proof_envelope`` failed.

    The profiles use different subsets: ``BLOCK_ROOT_MISMATCH`` and ``PROOF_SIZE``
    (``0 < len <= MAX_PROOF_SIZE``) are 2026-08 checks, ``EMPTY_PROOF_DATA`` replaced
    ``PROOF_SIZE`` in 2026-10 (#5593).
    """

    BLOCK_ROOT_MISMATCH = "block_root_mismatch"
    VALIDATOR_INDEX_OUT_OF_RANGE = "validator_index_out_of_range"
    PROOF_SIZE = "proof_size"
    EMPTY_PROOF_DATA = "empty_proof_data"
    UNSUPPORTED_PROOF_TYPE = "unsupported_proof_type"
    INACTIVE_VALIDATOR = "inactive_validator"
    BAD_SIGNATURE = "bad_signature"


class EnvelopeInvalid(Eip8025Error, AssertionError):
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


def verify_active_prover_signature(
    state: BeaconStateView,
    signed_proof_envelope: SignedExecutionProofEnvelopeBase,
    *,
    ctx: SpecContext,
) -> None:
    """The last two checks of every profile's envelope verification (BLS is last: cheapest-first).

    The caller has checked ``validator_index < len(state.validators)``.

    Raises:
        EnvelopeInvalid: ``INACTIVE_VALIDATOR`` or ``BAD_SIGNATURE``.
    """
    # Verify the prover is an active validator
    validator = state.validator(signed_proof_envelope.validator_index)
    if not is_active_validator(validator, get_current_epoch(state, ctx.preset)):
        raise EnvelopeInvalid(EnvelopeCheck.INACTIVE_VALIDATOR)

    # Verify the prover signature
    domain = get_domain(
        state,
        DOMAIN_EXECUTION_PROOF,
        compute_epoch_at_slot(state.slot, ctx.preset),
        ctx.preset,
    )
    signing_root = compute_signing_root(signed_proof_envelope.message, domain)
    if not ctx.bls.verify(validator.pubkey, signing_root, signed_proof_envelope.signature):
        raise EnvelopeInvalid(EnvelopeCheck.BAD_SIGNATURE)


def verify_execution_proof_envelope(
    state: BeaconStateView,
    signed_proof_envelope: SignedExecutionProofEnvelopeBase,
    payload_envelope: ExecutionPayloadEnvelope,
    *,
    ctx: SpecContext,
) -> None:
    """Run the context profile's ``verify_execution_proof_envelope``.

    Raises:
        EnvelopeInvalid: Naming the failed check.
    """
    ctx.profile.verify_execution_proof_envelope(state, signed_proof_envelope, payload_envelope, ctx)


def get_new_payload_request(
    bid_blob_kzg_commitments: Iterable[bytes],
    payload_envelope: ExecutionPayloadEnvelope,
    *,
    profile: SpecProfile,
) -> NewPayloadRequestBase:
    """The new-payload request built inside ``get_execution_proof`` (shared with provers)."""
    return profile.NewPayloadRequest(
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

    Also what provers commit to.
    """
    return PublicInput(
        new_payload_request_root=new_payload_request_root,
        successful_validation=True,
        chain_id=chain_id,
        schema_id=schema_id,
    )


def get_execution_proof(
    state: BeaconStateView,
    proof_envelope: ExecutionProofEnvelopeBase,
    payload_envelope: ExecutionPayloadEnvelope,
    *,
    ctx: SpecContext,
) -> ExecutionProofBase:
    """Construct the ``ExecutionProof`` for submission to the proof engine."""
    new_payload_request = get_new_payload_request(
        state.bid_blob_kzg_commitments, payload_envelope, profile=ctx.profile
    )
    public_input = get_public_input(
        new_payload_request.hash_tree_root(), ctx.config.deposit_chain_id
    )
    return ctx.profile.ExecutionProof(
        proof_data=proof_envelope.proof_data,
        proof_type=proof_envelope.proof_type,
        public_input=public_input,
    )


def process_execution_proof(
    state: BeaconStateView,
    signed_proof_envelope: SignedExecutionProofEnvelopeBase,
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
