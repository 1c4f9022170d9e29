"""The EIP-8025 part of the fork-choice store: verified proofs by block root and proof type.

:class:`ExecutionProofStore` is what the spec functions receive as ``store``: it exposes the host's
:class:`~eip8025.chain.ChainView` as ``store.chain`` and the spec's
``store.execution_proofs[root][proof_type]``, and it runs the acceptance policy each time a proof is
stored, calling the fork-choice sinks exactly once per block when the policy is first met.

Where the proofs live is a :class:`ProofArchive`: in memory by default (:class:`MemoryArchive`), on
disk for a node with a data directory (``eip8025_p2p.storage``), so proof bytes need not stay in
RAM. The store itself keeps only an index (root -> proof type -> slot) and the acceptance records;
``store.execution_proofs`` is that index (gossip only asks whether a type is there), and
:meth:`ExecutionProofStore.proofs` loads the envelopes. An acceptance is written to the archive
before the sinks hear of it, so a store rebuilt from a durable archive never fires twice for one
block.

Memory is bounded by finalization: :meth:`ExecutionProofStore.prune` (call it on every finalized
checkpoint) drops everything below the finalized slot, in the archive too, and refuses later
proofs for those blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Protocol

from eip8025.acceptance import AcceptancePolicy, AcceptanceRecord, ForkChoiceSink
from eip8025.chain import ChainView
from eip8025.containers import ExecutionProofEnvelopeBase
from eip8025.verification import SpecContext

__all__ = ["ExecutionProofStore", "MemoryArchive", "ProofArchive"]

_log = logging.getLogger(__name__)


class ProofArchive(Protocol):
    """Where an :class:`ExecutionProofStore` keeps verified envelopes and acceptances."""

    def save_proof(self, slot: int, envelope: ExecutionProofEnvelopeBase) -> None:
        """Keep a verified envelope (durably, for a durable archive) before it is indexed."""
        ...

    def load_proof(self, beacon_block_root: bytes, proof_type: int) -> ExecutionProofEnvelopeBase:
        """The envelope saved for ``(root, proof_type)`` (KeyError if there is none)."""
        ...

    def save_acceptance(self, record: AcceptanceRecord) -> None:
        """Record that a block met the policy (before the sinks are called)."""
        ...

    def prune(self, finalized_slot: int) -> None:
        """Drop proofs and acceptances of blocks below ``finalized_slot``."""
        ...

    def proof_index(self) -> Iterable[tuple[bytes, int, int]]:
        """``(root, proof_type, slot)`` of every saved proof (to rebuild a store)."""
        ...

    def acceptances(self) -> Iterable[AcceptanceRecord]:
        """Every saved acceptance (to rebuild a store)."""
        ...


class MemoryArchive:
    """A :class:`ProofArchive` in dictionaries (nothing survives the process)."""

    def __init__(self) -> None:
        self._proofs: dict[tuple[bytes, int], tuple[int, ExecutionProofEnvelopeBase]] = {}
        self._accepted: dict[bytes, AcceptanceRecord] = {}

    def save_proof(self, slot: int, envelope: ExecutionProofEnvelopeBase) -> None:
        """See :meth:`ProofArchive.save_proof`."""
        self._proofs[(envelope.beacon_block_root, envelope.proof_type)] = (slot, envelope)

    def load_proof(self, beacon_block_root: bytes, proof_type: int) -> ExecutionProofEnvelopeBase:
        """See :meth:`ProofArchive.load_proof`."""
        return self._proofs[(beacon_block_root, proof_type)][1]

    def save_acceptance(self, record: AcceptanceRecord) -> None:
        """See :meth:`ProofArchive.save_acceptance`."""
        self._accepted[record.beacon_block_root] = record

    def prune(self, finalized_slot: int) -> None:
        """See :meth:`ProofArchive.prune`."""
        for key in [k for k, (slot, _) in self._proofs.items() if slot < finalized_slot]:
            del self._proofs[key]
        for root in [r for r, rec in self._accepted.items() if rec.slot < finalized_slot]:
            del self._accepted[root]

    def proof_index(self) -> Iterable[tuple[bytes, int, int]]:
        """See :meth:`ProofArchive.proof_index`."""
        return [(root, proof_type, slot) for (root, proof_type), (slot, _) in self._proofs.items()]

    def acceptances(self) -> Iterable[AcceptanceRecord]:
        """See :meth:`ProofArchive.acceptances`."""
        return list(self._accepted.values())


class ExecutionProofStore:
    """Verified execution proofs, the acceptance state, and the fork-choice hook."""

    def __init__(
        self,
        chain: ChainView,
        ctx: SpecContext,
        *,
        policy: AcceptancePolicy | None = None,
        sinks: list[ForkChoiceSink] | None = None,
        archive: ProofArchive | None = None,
    ) -> None:
        """Build a store; with an ``archive`` that holds proofs, the store resumes from it."""
        self.chain = chain
        self.ctx = ctx
        self.policy = policy if policy is not None else AcceptancePolicy.from_config(ctx.config)
        self.sinks: list[ForkChoiceSink] = list(sinks or [])
        self.archive: ProofArchive = archive if archive is not None else MemoryArchive()
        self.execution_proofs: dict[bytes, dict[int, int]] = {}
        """``store.execution_proofs``: root -> proof type -> slot (envelopes: :meth:`proofs`)."""
        self._slots: dict[bytes, int] = {}
        self._accepted: dict[bytes, AcceptanceRecord] = {}
        self.finalized_slot = 0
        for root, proof_type, slot in self.archive.proof_index():
            self.execution_proofs.setdefault(root, {})[proof_type] = slot
            self._slots[root] = slot
        for record in self.archive.acceptances():
            self._accepted[record.beacon_block_root] = record

    def add_sink(self, sink: ForkChoiceSink) -> None:
        """Register another fork-choice hook."""
        self.sinks.append(sink)

    def has_proof(self, beacon_block_root: bytes, proof_type: int) -> bool:
        """True if a verified proof of ``proof_type`` is stored for the block."""
        return proof_type in self.execution_proofs.get(beacon_block_root, {})

    def store_proof(self, slot: int, proof_envelope: ExecutionProofEnvelopeBase) -> bool:
        """Store a verified proof; return False if one of its type is already stored or pruned.

        Runs the acceptance policy and fires the sinks when the block first becomes proven.
        """
        root = proof_envelope.beacon_block_root
        if slot < self.finalized_slot or self.has_proof(root, proof_envelope.proof_type):
            return False
        self.archive.save_proof(slot, proof_envelope)
        by_type = self.execution_proofs.setdefault(root, {})
        by_type[proof_envelope.proof_type] = slot
        self._slots[root] = slot
        if root not in self._accepted and self.policy.is_satisfied(by_type):
            record = AcceptanceRecord(root, slot, tuple(by_type))
            self.archive.save_acceptance(record)
            self._accepted[root] = record
            for sink in self.sinks:
                try:
                    sink.on_payload_proven(record)
                except Exception:  # noqa: BLE001 - a host callback must not break proof processing
                    _log.exception("fork-choice sink %r failed for %s", sink, root.hex())
        return True

    def is_proof_verified(self, beacon_block_root: bytes) -> bool:
        """True once the acceptance policy has been met for this block."""
        return beacon_block_root in self._accepted

    def acceptance(self, beacon_block_root: bytes) -> AcceptanceRecord | None:
        """The acceptance record of a proven block, if any."""
        return self._accepted.get(beacon_block_root)

    def proofs(self, beacon_block_root: bytes) -> Mapping[int, ExecutionProofEnvelopeBase]:
        """Verified proofs of a block by proof type, loaded from the archive."""
        return {
            proof_type: self.archive.load_proof(beacon_block_root, proof_type)
            for proof_type in self.execution_proofs.get(beacon_block_root, {})
        }

    def slot_of(self, beacon_block_root: bytes) -> int | None:
        """The slot of a block with stored proofs."""
        return self._slots.get(beacon_block_root)

    def prune(self, finalized_slot: int) -> list[bytes]:
        """Drop proofs and acceptance state of blocks below ``finalized_slot``; return the roots.

        The finalized slot never decreases. Everything else keyed by block (``Seen``, a pending
        queue, the chain view) is pruned by slot by its owner.
        """
        self.finalized_slot = max(self.finalized_slot, finalized_slot)
        stale = [root for root, slot in self._slots.items() if slot < self.finalized_slot]
        for root in stale:
            self.execution_proofs.pop(root, None)
            self._slots.pop(root, None)
            self._accepted.pop(root, None)
        self.archive.prune(self.finalized_slot)
        return stale
