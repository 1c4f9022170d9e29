"""Profile ``2026-08``: consensus-specs ``specs/_features/eip8025/`` at c63ce15 (right after #5566).

What this text says that 2026-10 changed:

* ``ProofData`` is ``ProgressiveList[Byte]`` (EIP-7916): no type bound, the 4 MiB limit is an
  assert of ``verify_execution_proof_envelope`` and the gossip size bound.
* The new-payload request is EIP-8025's own ``SSZNewPayloadRequest`` (Gloas' ``NewPayloadRequest``
  is still a dataclass in this text).
* ``verify_execution_proof_envelope(state, signed_proof_envelope, payload_envelope)`` also
  checks that the envelope's block root is the payload's and that
  ``0 < len(proof_data) <= MAX_PROOF_SIZE``.
* Gossip REJECTs a proof whose known block has no post-state ("failed validation").
* proof-engine.md also has ``request_proofs`` / ``get_proof`` and there is a prover.md; our proof
  generation is profile-independent (:mod:`eip8025.prover`), so neither is modelled here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Final

from eip8025.chain import BeaconStateView
from eip8025.containers import (
    BASE_SSZ_TYPES,
    GLOAS_BASE_COMMIT,
    MAX_PROOF_SIZE,
    SPEC_SUPPORTED_PROOF_TYPES,
    ExecutionPayload,
    ExecutionPayloadEnvelope,
    ExecutionProofBase,
    ExecutionProofEnvelopeBase,
    ExecutionRequests,
    NewPayloadRequestBase,
    ProofType,
    PublicInput,
    Root,
    SignedExecutionProofEnvelopeBase,
    ValidatorIndex,
    VersionedHashes,
)
from eip8025.containers import BLSSignature as _BLSSignature
from eip8025.gossip import (
    Seen,
    mark_seen_and_verify,
    reject_invalid_envelope,
    require_block_seen,
    require_block_state,
    require_first_proof_from_prover,
    require_no_verified_proof,
    require_not_processed,
    require_payload,
)
from eip8025.profiles.base import SpecProfile
from eip8025.ssz.sedes import ProgressiveByteList
from eip8025.verification import (
    EnvelopeCheck,
    EnvelopeInvalid,
    SpecContext,
    get_execution_proof,
    get_supported_proof_types,
    verify_active_prover_signature,
)

if TYPE_CHECKING:
    from eip8025.engine import ProofEngine
    from eip8025.store import ExecutionProofStore

__all__ = [
    "MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE",
    "PROFILE",
    "ExecutionProof",
    "ExecutionProofEnvelope",
    "ProofData",
    "SSZNewPayloadRequest",
    "SignedExecutionProofEnvelope",
    "validate_execution_proof_gossip",
    "verify_execution_proof_envelope",
]

SPEC_COMMIT: Final = "c63ce15bfeca90b8bef4008b31c194ef67394a70"

ProofData = Annotated[bytes, ProgressiveByteList()]
"""``ProofData(ProgressiveList[Byte])`` (EIP-7916): opaque proof bytes, no type bound."""

MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE: Final = 4_194_449
"""p2p-interface.md type-specific SSZ bound of a ``SignedExecutionProofEnvelope``."""


class SSZNewPayloadRequest(NewPayloadRequestBase, active_fields=(1,) * 4):
    """EIP-8025 ``SSZNewPayloadRequest``."""

    execution_payload: ExecutionPayload
    versioned_hashes: VersionedHashes
    parent_beacon_block_root: Root
    execution_requests: ExecutionRequests


class ExecutionProof(ExecutionProofBase):
    """``ExecutionProof``: what the proof engine verifies."""

    proof_data: ProofData
    proof_type: ProofType
    public_input: PublicInput


class ExecutionProofEnvelope(ExecutionProofEnvelopeBase):
    """``ExecutionProofEnvelope``: what a prover signs."""

    proof_data: ProofData
    proof_type: ProofType
    beacon_block_root: Root


class SignedExecutionProofEnvelope(SignedExecutionProofEnvelopeBase):
    """``SignedExecutionProofEnvelope``: the ``execution_proof`` gossip message."""

    message: ExecutionProofEnvelope
    validator_index: ValidatorIndex
    signature: _BLSSignature


def verify_execution_proof_envelope(
    state: BeaconStateView,
    signed_proof_envelope: SignedExecutionProofEnvelopeBase,
    payload_envelope: ExecutionPayloadEnvelope,
    ctx: SpecContext,
) -> None:
    """Verify an execution proof envelope against the beacon state and payload.

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
    verify_active_prover_signature(state, signed_proof_envelope, ctx=ctx)


def validate_execution_proof_gossip(
    seen: Seen,
    store: ExecutionProofStore,
    signed_proof_envelope: SignedExecutionProofEnvelopeBase,
    proof_engine: ProofEngine,
) -> None:
    """Validate a ``SignedExecutionProofEnvelope`` for gossip propagation (c63ce15 rules).

    The text hashes the envelope first; for a 4 MiB proof that is the most expensive step before
    BLS, so the two IGNOREs that need no hash (prover already seen, block not seen) run before it.
    All three are IGNOREs, so no outcome class changes; every later rule keeps the text's order.

    Raises:
        GossipIgnore: Drop without penalty (reason attached).
        GossipReject: Drop and penalise the sender (reason attached).
    """
    proof_envelope = signed_proof_envelope.message
    beacon_block_root = proof_envelope.beacon_block_root
    validator_index = signed_proof_envelope.validator_index
    prover_key = (beacon_block_root, proof_envelope.proof_type, validator_index)

    # [IGNORE] This is the prover's first valid or invalid proof for this key
    require_first_proof_from_prover(seen, prover_key)
    # [IGNORE] The proof's beacon block has been seen
    require_block_seen(store, beacon_block_root)
    # [IGNORE] The proof has not already been processed
    proof_root = proof_envelope.hash_tree_root()
    require_not_processed(seen, beacon_block_root, proof_root)
    # [REJECT] The proof's beacon block has passed consensus validation
    state = require_block_state(store, beacon_block_root)
    # [IGNORE] The proof's execution payload is available
    payload_envelope = require_payload(store, beacon_block_root)
    # [IGNORE] No valid proof is known for this beacon block and proof type
    require_no_verified_proof(store, proof_envelope)

    # [REJECT] The execution proof envelope passes validation
    try:
        verify_execution_proof_envelope(state, signed_proof_envelope, payload_envelope, store.ctx)
    except EnvelopeInvalid as exc:
        raise reject_invalid_envelope(exc) from None

    proof = get_execution_proof(state, proof_envelope, payload_envelope, ctx=store.ctx)
    # Mark the authenticated proof and prover attempt as seen; [REJECT] the proof is valid
    mark_seen_and_verify(seen, prover_key, proof_root, state, proof, proof_engine)


PROFILE: Final = SpecProfile(
    name="2026-08",
    summary="consensus-specs c63ce15 (after #5566): progressive ProofData, SSZNewPayloadRequest",
    spec_commits={
        "specs/_features/eip8025/": SPEC_COMMIT,
        "specs/gloas/ (base)": GLOAS_BASE_COMMIT,
    },
    ExecutionProof=ExecutionProof,
    ExecutionProofEnvelope=ExecutionProofEnvelope,
    SignedExecutionProofEnvelope=SignedExecutionProofEnvelope,
    NewPayloadRequest=SSZNewPayloadRequest,
    max_signed_execution_proof_envelope_size=MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE,
    spec_supported_proof_types=SPEC_SUPPORTED_PROOF_TYPES,
    ssz_types={
        **BASE_SSZ_TYPES,
        "PublicInput": PublicInput,
        "SSZNewPayloadRequest": SSZNewPayloadRequest,
        "ExecutionProof": ExecutionProof,
        "ExecutionProofEnvelope": ExecutionProofEnvelope,
        "SignedExecutionProofEnvelope": SignedExecutionProofEnvelope,
    },
    verify_execution_proof_envelope=verify_execution_proof_envelope,
    validate_execution_proof_gossip=validate_execution_proof_gossip,
)
"""The 2026-08 profile."""
