"""The EIP-8025 part of the fork-choice store: verified proofs by block root and proof type.

:class:`ExecutionProofStore` is what the spec functions receive as ``store``: it exposes the host's
:class:`~eip8025.chain.ChainView` as ``store.chain`` and the spec's
``store.execution_proofs[root][proof_type]``, and it runs the acceptance policy each time a proof is
stored, calling the fork-choice sink exactly once per block when the policy is first met.

Memory is bounded by finalization: :meth:`ExecutionProofStore.prune` (call it on every finalized
checkpoint, as ``notify_forkchoice_updated`` would) drops everything below the finalized slot and
refuses later proofs for those blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from eip8025.acceptance import AcceptancePolicy, AcceptanceRecord, ForkChoiceSink
from eip8025.chain import ChainView
from eip8025.containers import ExecutionProofEnvelopeBase
from eip8025.verification import SpecContext

__all__ = ["ExecutionProofStore"]

_log = logging.getLogger(__name__)


class ExecutionProofStore:
    """Verified execution proofs, the acceptance state, and the fork-choice hook."""

    def __init__(
        self,
        chain: ChainView,
        ctx: SpecContext,
        *,
        policy: AcceptancePolicy | None = None,
        sinks: list[ForkChoiceSink] | None = None,
    ) -> None:
        self.chain = chain
        self.ctx = ctx
        self.policy = policy if policy is not None else AcceptancePolicy.from_config(ctx.config)
        self.sinks: list[ForkChoiceSink] = list(sinks or [])
        self.execution_proofs: dict[bytes, dict[int, ExecutionProofEnvelopeBase]] = {}
        self._slots: dict[bytes, int] = {}
        self._accepted: dict[bytes, AcceptanceRecord] = {}
        self.finalized_slot = 0

    def add_sink(self, sink: ForkChoiceSink) -> None:
        """Register another fork-choice hook."""
        self.sinks.append(sink)

    def store_proof(self, slot: int, proof_envelope: ExecutionProofEnvelopeBase) -> bool:
        """Store a verified proof; return False if one of its type is already stored or pruned.

        Runs the acceptance policy and fires the sinks when the block first becomes proven.
        """
        root = proof_envelope.beacon_block_root
        if slot < self.finalized_slot:
            return False
        by_type = self.execution_proofs.setdefault(root, {})
        if proof_envelope.proof_type in by_type:
            return False
        by_type[proof_envelope.proof_type] = proof_envelope
        self._slots[root] = slot
        if root not in self._accepted and self.policy.is_satisfied(by_type):
            record = AcceptanceRecord(root, slot, tuple(by_type))
            self._accepted[root] = record
            for sink in self.sinks:
                try:
                    sink.on_payload_proven(record)
                except Exception:  # a host callback must not break proof processing
                    _log.exception("fork-choice sink %r failed for %s", sink, root.hex())
        return True

    def is_proof_verified(self, beacon_block_root: bytes) -> bool:
        """True once the acceptance policy has been met for this block."""
        return beacon_block_root in self._accepted

    def acceptance(self, beacon_block_root: bytes) -> AcceptanceRecord | None:
        """The acceptance record of a proven block, if any."""
        return self._accepted.get(beacon_block_root)

    def proofs(self, beacon_block_root: bytes) -> Mapping[int, ExecutionProofEnvelopeBase]:
        """Verified proofs of a block by proof type (read-only view)."""
        return dict(self.execution_proofs.get(beacon_block_root, {}))

    def prune(self, finalized_slot: int) -> list[bytes]:
        """Drop proofs and acceptance state of blocks below ``finalized_slot``; return the roots."""
        self.finalized_slot = max(self.finalized_slot, finalized_slot)
        stale = [root for root, slot in self._slots.items() if slot < self.finalized_slot]
        for root in stale:
            self.execution_proofs.pop(root, None)
            self._slots.pop(root, None)
            self._accepted.pop(root, None)
        return stale
