"""p2p-interface.md: the ``execution_proof`` topic's ``Seen`` state, outcomes and rules.

Each spec profile writes its own ``validate_execution_proof_gossip`` - its rules in its order -
from the rules here, one function per rule, each named after the spec's comment and tagged with
its ``[IGNORE]`` / ``[REJECT]``. :func:`validate_execution_proof_gossip` runs the profile of the
store's context. Outcomes are exceptions: :class:`GossipIgnore` (drop, do not penalise) and
:class:`GossipReject` (drop and penalise the sender); returning normally means *accept and
forward*. Every exception carries a :class:`GossipReason` for metrics and logs.

Engine failures. If the proof engine cannot give a verdict (any
:class:`~eip8025.engine.ProofEngineError`) the proof is IGNOREd, never REJECTed, and the ``Seen``
marks made for it are rolled back (:func:`mark_seen_and_verify`), so the same proof is validated
again when it arrives again (from the same or another peer) rather than being lost as "already
processed".
"""

from __future__ import annotations

import dataclasses
import enum
from typing import TYPE_CHECKING

from eip8025.chain import BeaconStateView
from eip8025.containers import (
    ExecutionPayloadEnvelope,
    ExecutionProofBase,
    ExecutionProofEnvelopeBase,
    SignedExecutionProofEnvelopeBase,
)
from eip8025.engine import ChainIdMismatch, ProofEngine, ProofEngineError
from eip8025.errors import Eip8025Error
from eip8025.verification import EnvelopeCheck, EnvelopeInvalid, get_supported_proof_types

if TYPE_CHECKING:
    from eip8025.store import ExecutionProofStore

__all__ = [
    "GossipError",
    "GossipIgnore",
    "GossipReason",
    "GossipReject",
    "ProverKey",
    "Seen",
    "mark_seen_and_verify",
    "reject_invalid_envelope",
    "require_block_seen",
    "require_block_state",
    "require_first_proof_from_prover",
    "require_no_verified_proof",
    "require_non_empty_proof_data",
    "require_not_processed",
    "require_payload",
    "require_supported_proof_type",
    "validate_execution_proof_gossip",
]

ProverKey = tuple[bytes, int, int]
"""``(beacon_block_root, proof_type, validator_index)``."""


class GossipReason(enum.Enum):
    """Machine-readable outcome reasons, one per rule of the ``execution_proof`` topic.

    A profile uses the rules of its text: ``BLOCK_INVALID`` is a 2026-08 rule,
    ``PROOF_DATA_EMPTY`` and ``UNSUPPORTED_PROOF_TYPE`` are the 2026-10 early REJECTs.
    ``STATE_UNAVAILABLE`` is ours: a chain view that has a block's payload but not its state
    cannot judge the proof (2026-10 reads the state without a check), so that is an IGNORE.
    ``ENGINE_UNAVAILABLE`` and ``CHAIN_ID_MISMATCH`` are ours too: the engine gave no verdict, or
    the proof commits to another ``chain_id`` than this node's (a configuration difference, not
    evidence against the sender).
    """

    PROOF_DATA_EMPTY = "proof_data_empty"
    UNSUPPORTED_PROOF_TYPE = "unsupported_proof_type"
    ALREADY_PROCESSED = "already_processed"
    PROVER_ALREADY_SEEN = "prover_already_seen"
    BLOCK_NOT_SEEN = "block_not_seen"
    BLOCK_INVALID = "block_invalid"
    PAYLOAD_UNAVAILABLE = "payload_unavailable"
    PROOF_TYPE_ALREADY_VERIFIED = "proof_type_already_verified"
    ENVELOPE_INVALID = "envelope_invalid"
    PROOF_INVALID = "proof_invalid"
    ENGINE_UNAVAILABLE = "engine_unavailable"
    CHAIN_ID_MISMATCH = "chain_id_mismatch"
    STATE_UNAVAILABLE = "state_unavailable"


class GossipError(Eip8025Error):
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
    """The EIP-8025 fields of the spec's ``Seen`` (``[New in EIP8025]``), prunable by slot.

    ``block_slots`` is ours: the slot of every block something was marked for, so finalization can
    drop everything below a slot (the spec's ``Seen`` is keyed by root alone).
    """

    execution_proof_roots: dict[bytes, set[bytes]] = dataclasses.field(default_factory=dict)
    execution_proof_provers: set[ProverKey] = dataclasses.field(default_factory=set)
    block_slots: dict[bytes, int] = dataclasses.field(default_factory=dict)

    def mark(self, prover_key: ProverKey, proof_root: bytes, slot: int) -> bool:
        """Mark an authenticated proof and its prover attempt; True if the root was new."""
        beacon_block_root = prover_key[0]
        roots_for_block = self.execution_proof_roots.setdefault(beacon_block_root, set())
        newly_marked_root = proof_root not in roots_for_block
        roots_for_block.add(proof_root)
        self.execution_proof_provers.add(prover_key)
        self.block_slots[beacon_block_root] = slot
        return newly_marked_root

    def unmark(self, prover_key: ProverKey, proof_root: bytes, *, root_too: bool) -> None:
        """Undo :meth:`mark` (the engine gave no verdict); ``root_too`` if it marked the root."""
        self.execution_proof_provers.discard(prover_key)
        if root_too:
            self.execution_proof_roots.get(prover_key[0], set()).discard(proof_root)

    def prune(self, finalized_slot: int) -> int:
        """Forget every block below ``finalized_slot``; return how many blocks were dropped."""
        stale = {root for root, slot in self.block_slots.items() if slot < finalized_slot}
        for root in stale:
            self.execution_proof_roots.pop(root, None)
            del self.block_slots[root]
        if stale:
            self.execution_proof_provers = {
                key for key in self.execution_proof_provers if key[0] not in stale
            }
        return len(stale)


def require_non_empty_proof_data(proof_envelope: ExecutionProofEnvelopeBase) -> None:
    """[REJECT] The proof data is non-empty."""
    if len(proof_envelope.proof_data) == 0:
        raise GossipReject(GossipReason.PROOF_DATA_EMPTY, "execution proof is empty")


def require_supported_proof_type(
    store: ExecutionProofStore, proof_envelope: ExecutionProofEnvelopeBase
) -> None:
    """[REJECT] The proof type is supported."""
    if proof_envelope.proof_type not in get_supported_proof_types(store.ctx.config):
        raise GossipReject(GossipReason.UNSUPPORTED_PROOF_TYPE, "unexpected execution proof type")


def require_block_seen(store: ExecutionProofStore, beacon_block_root: bytes) -> None:
    """[IGNORE] The proof's beacon block has been seen."""
    if not store.chain.is_block_known(beacon_block_root):
        raise GossipIgnore(
            GossipReason.BLOCK_NOT_SEEN, "execution proof's beacon block has not been seen"
        )


def require_block_state(store: ExecutionProofStore, beacon_block_root: bytes) -> BeaconStateView:
    """[REJECT] The proof's beacon block has passed consensus validation (2026-08)."""
    state = store.chain.block_state(beacon_block_root)
    if state is None:
        raise GossipReject(
            GossipReason.BLOCK_INVALID, "execution proof's beacon block failed validation"
        )
    return state


def require_no_verified_proof(
    store: ExecutionProofStore, proof_envelope: ExecutionProofEnvelopeBase
) -> None:
    """[IGNORE] No valid proof is known for this beacon block and proof type."""
    if store.has_proof(proof_envelope.beacon_block_root, proof_envelope.proof_type):
        raise GossipIgnore(
            GossipReason.PROOF_TYPE_ALREADY_VERIFIED,
            "verified proof already known for this beacon block and proof type",
        )


def require_not_processed(seen: Seen, beacon_block_root: bytes, proof_root: bytes) -> None:
    """[IGNORE] The proof has not already been processed."""
    if proof_root in seen.execution_proof_roots.get(beacon_block_root, set()):
        raise GossipIgnore(
            GossipReason.ALREADY_PROCESSED, "execution proof has already been processed"
        )


def require_first_proof_from_prover(seen: Seen, prover_key: ProverKey) -> None:
    """[IGNORE] This is the prover's first valid or invalid proof for this key."""
    if prover_key in seen.execution_proof_provers:
        raise GossipIgnore(
            GossipReason.PROVER_ALREADY_SEEN,
            "proof already seen from this prover for this beacon block and proof type",
        )


def require_payload(
    store: ExecutionProofStore, beacon_block_root: bytes
) -> ExecutionPayloadEnvelope:
    """[IGNORE] The proof's execution payload is available."""
    payload_envelope = store.chain.payload_envelope(beacon_block_root)
    if payload_envelope is None:
        raise GossipIgnore(
            GossipReason.PAYLOAD_UNAVAILABLE, "execution proof's payload is unavailable"
        )
    return payload_envelope


def reject_invalid_envelope(exc: EnvelopeInvalid) -> GossipReject:
    """[REJECT] The execution proof envelope passes validation: the outcome of a failed check."""
    return GossipReject(
        GossipReason.ENVELOPE_INVALID,
        f"execution proof envelope is invalid ({exc.check.value})",
        exc.check,
    )


def mark_seen_and_verify(
    seen: Seen,
    prover_key: ProverKey,
    proof_root: bytes,
    state: BeaconStateView,
    proof: ExecutionProofBase,
    proof_engine: ProofEngine,
) -> None:
    """Mark the authenticated proof and prover attempt as seen, then [REJECT] the proof is valid.

    No verdict is not the sender's fault: when the engine raises, the marks made here are undone
    so the proof is validated again when it arrives again; engine failures become an IGNORE
    (``ENGINE_UNAVAILABLE``, or ``CHAIN_ID_MISMATCH`` when the proof is for another chain id than
    ours), anything else (a bug) propagates.
    """
    newly_marked_root = seen.mark(prover_key, proof_root, state.slot)

    # [REJECT] The execution proof is valid
    try:
        valid = proof_engine.verify_execution_proof(proof)
    except BaseException as exc:
        seen.unmark(prover_key, proof_root, root_too=newly_marked_root)
        if isinstance(exc, ChainIdMismatch):
            raise GossipIgnore(GossipReason.CHAIN_ID_MISMATCH, str(exc)) from None
        if isinstance(exc, ProofEngineError):
            raise GossipIgnore(
                GossipReason.ENGINE_UNAVAILABLE, f"proof engine gave no verdict: {exc}"
            ) from None
        raise
    if not valid:
        raise GossipReject(GossipReason.PROOF_INVALID, "execution proof is invalid")


def validate_execution_proof_gossip(
    seen: Seen,
    store: ExecutionProofStore,
    signed_proof_envelope: SignedExecutionProofEnvelopeBase,
    proof_engine: ProofEngine,
) -> None:
    """Validate a ``SignedExecutionProofEnvelope`` with the rules of the store's spec profile.

    Raises:
        GossipIgnore: Drop without penalty (reason attached).
        GossipReject: Drop and penalise the sender (reason attached).
    """
    store.ctx.profile.validate_execution_proof_gossip(
        seen, store, signed_proof_envelope, proof_engine
    )
