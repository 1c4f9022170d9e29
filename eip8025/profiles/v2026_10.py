"""Profile ``2026-10`` (the default): consensus-specs master after #5593, #5619 and #5639.

Pinned texts: ``beacon-chain.md`` at 04cc0780 (#5593), ``proof-engine.md`` at e42b2493 (#5639),
Gloas ``NewPayloadRequest`` as an SSZ container (#5619). What changed from 2026-08:

* ``ProofData`` is ``ByteList[MAX_PROOF_SIZE]``: the bound is part of the type (over-long bytes do
  not decode), and the roots of ``ExecutionProof``, ``ExecutionProofEnvelope`` and
  ``SignedExecutionProofEnvelope`` change - the signing root and the dedup root with them. The
  serialization is the same bytes as before.
* EIP-8025's ``SSZNewPayloadRequest`` is gone; the request is Gloas ``NewPayloadRequest``, a width-4
  ``ProgressiveContainer`` with the same fields and the same root. ``VersionedHashes`` stays the
  bounded Deneb list (open PR #5643 would make it progressive: a new profile).
* ``verify_execution_proof_envelope(state, signed_proof_envelope)`` asserts only: validator index
  in range, non-empty proof data, supported proof type, active validator, BLS signature. No size
  assert and no envelope/payload block-root assert.
* Gossip: two REJECTs first (empty proof data, unsupported type), then IGNOREs (block seen, no valid
  proof known, not already processed, prover's first, payload available), the envelope REJECT,
  marking ``Seen``, the engine REJECT. The "block failed validation" REJECT and the gossip size
  REJECT are gone; the byte bound before decoding stays.
* The proof engine only verifies (#5639).

The p2p-interface.md text after #5593 is not stored in our reference set; the rule order here is
the one PR #5593's review diffs, Prysm #17490's validator and texts built on it (EIP-9998, EIP-8440)
agree on. ``MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE`` keeps its value (the bytes are unchanged).
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
    GossipIgnore,
    GossipReason,
    Seen,
    mark_seen_and_verify,
    reject_invalid_envelope,
    require_block_seen,
    require_first_proof_from_prover,
    require_no_verified_proof,
    require_non_empty_proof_data,
    require_not_processed,
    require_payload,
    require_supported_proof_type,
)
from eip8025.profiles.base import SpecProfile
from eip8025.ssz.sedes import ByteList
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
    "NewPayloadRequest",
    "ProofData",
    "SignedExecutionProofEnvelope",
    "validate_execution_proof_gossip",
    "verify_execution_proof_envelope",
]

BEACON_CHAIN_COMMIT: Final = "04cc0780d073ddf960af267c5b04e2de57b8b9a2"
PROOF_ENGINE_COMMIT: Final = "e42b24931bd08e638016e02b5e63ede3d463cfff"

ProofData = Annotated[bytes, ByteList(MAX_PROOF_SIZE)]
"""``ProofData(ByteList)`` with ``LIMIT = MAX_PROOF_SIZE`` [Modified in #5593]."""

MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE: Final = 4_194_449
"""p2p-interface.md type-specific SSZ bound of a ``SignedExecutionProofEnvelope`` (unchanged:
4,194,304 proof bytes + 2 offsets + type + root + index + signature)."""


class NewPayloadRequest(NewPayloadRequestBase, active_fields=(1,) * 4):
    """Gloas ``NewPayloadRequest`` as an SSZ ``ProgressiveContainer`` (#5619)."""

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
    ctx: SpecContext,
) -> None:
    """Verify an execution proof envelope against the beacon state.

    The execution proof itself is verified separately by the proof engine.

    Raises:
        EnvelopeInvalid: Naming the failed check.
    """
    proof_envelope = signed_proof_envelope.message
    if not signed_proof_envelope.validator_index < state.validator_count():
        raise EnvelopeInvalid(EnvelopeCheck.VALIDATOR_INDEX_OUT_OF_RANGE)
    if len(proof_envelope.proof_data) == 0:
        raise EnvelopeInvalid(EnvelopeCheck.EMPTY_PROOF_DATA)
    if proof_envelope.proof_type not in get_supported_proof_types(ctx.config):
        raise EnvelopeInvalid(EnvelopeCheck.UNSUPPORTED_PROOF_TYPE)
    verify_active_prover_signature(state, signed_proof_envelope, ctx=ctx)


def _verify_envelope(
    state: BeaconStateView,
    signed_proof_envelope: SignedExecutionProofEnvelopeBase,
    payload_envelope: ExecutionPayloadEnvelope,
    ctx: SpecContext,
) -> None:
    """:func:`verify_execution_proof_envelope` behind the profile call shape (payload unread)."""
    verify_execution_proof_envelope(state, signed_proof_envelope, ctx)


def validate_execution_proof_gossip(
    seen: Seen,
    store: ExecutionProofStore,
    signed_proof_envelope: SignedExecutionProofEnvelopeBase,
    proof_engine: ProofEngine,
) -> None:
    """Validate a ``SignedExecutionProofEnvelope`` for gossip propagation (2026-10 rules).

    Raises:
        GossipIgnore: Drop without penalty (reason attached).
        GossipReject: Drop and penalise the sender (reason attached).
    """
    proof_envelope = signed_proof_envelope.message

    # [REJECT] The proof data is non-empty
    require_non_empty_proof_data(proof_envelope)
    # [REJECT] The proof type is supported
    require_supported_proof_type(store, proof_envelope)

    beacon_block_root = proof_envelope.beacon_block_root
    # [IGNORE] The proof's beacon block has been seen
    require_block_seen(store, beacon_block_root)
    # [IGNORE] No valid proof is known for this beacon block and proof type
    require_no_verified_proof(store, proof_envelope)

    proof_root = proof_envelope.hash_tree_root()
    # [IGNORE] The proof has not already been processed
    require_not_processed(seen, beacon_block_root, proof_root)
    # [IGNORE] This is the prover's first valid or invalid proof for this key
    prover_key = (
        beacon_block_root,
        proof_envelope.proof_type,
        signed_proof_envelope.validator_index,
    )
    require_first_proof_from_prover(seen, prover_key)
    # [IGNORE] The proof's execution payload is available
    payload_envelope = require_payload(store, beacon_block_root)

    state = store.chain.block_state(beacon_block_root)
    if state is None:  # ours: the text reads store.block_states[root] unchecked
        raise GossipIgnore(
            GossipReason.STATE_UNAVAILABLE, "the block's post-state is not available here"
        )

    # [REJECT] The execution proof envelope passes validation
    try:
        verify_execution_proof_envelope(state, signed_proof_envelope, store.ctx)
    except EnvelopeInvalid as exc:
        raise reject_invalid_envelope(exc) from None

    proof = get_execution_proof(state, proof_envelope, payload_envelope, ctx=store.ctx)
    # Mark the authenticated proof and prover attempt as seen; [REJECT] the proof is valid
    mark_seen_and_verify(seen, prover_key, proof_root, state, proof, proof_engine)


PROFILE: Final = SpecProfile(
    name="2026-10",
    summary="consensus-specs master after #5593/#5619/#5639: ByteList ProofData, NewPayloadRequest",
    spec_commits={
        "specs/_features/eip8025/beacon-chain.md": BEACON_CHAIN_COMMIT,
        "specs/_features/eip8025/proof-engine.md": PROOF_ENGINE_COMMIT,
        "specs/gloas/ (base)": GLOAS_BASE_COMMIT,
    },
    ExecutionProof=ExecutionProof,
    ExecutionProofEnvelope=ExecutionProofEnvelope,
    SignedExecutionProofEnvelope=SignedExecutionProofEnvelope,
    NewPayloadRequest=NewPayloadRequest,
    max_signed_execution_proof_envelope_size=MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE,
    spec_supported_proof_types=SPEC_SUPPORTED_PROOF_TYPES,
    ssz_types={
        **BASE_SSZ_TYPES,
        "PublicInput": PublicInput,
        "NewPayloadRequest": NewPayloadRequest,
        "ExecutionProof": ExecutionProof,
        "ExecutionProofEnvelope": ExecutionProofEnvelope,
        "SignedExecutionProofEnvelope": SignedExecutionProofEnvelope,
    },
    verify_execution_proof_envelope=_verify_envelope,
    validate_execution_proof_gossip=validate_execution_proof_gossip,
)
"""The 2026-10 profile (default)."""
