"""What the pipeline records beyond the store, so a restarted node resumes where it stopped.

The store's proofs and acceptances go through its :class:`~eip8025.store.ProofArchive`; the
pipeline adds the ``Seen`` marks (so a proof processed before a crash is still "already
processed" after it) and the provers caught signing invalid proofs. :class:`NullJournal` records
nothing (a node without a data directory); ``eip8025_p2p.storage.NodeStorage`` is the durable one.
"""

from __future__ import annotations

from typing import Protocol

from eip8025.gossip import ProverKey

__all__ = ["Journal", "NullJournal"]


class Journal(Protocol):
    """Where the pipeline writes what must survive the process."""

    def record_seen(self, prover_key: ProverKey, proof_root: bytes, slot: int) -> None:
        """A proof root and its prover attempt were marked seen (block at ``slot``)."""
        ...

    def record_invalid_prover(self, prover_key: ProverKey, slot: int) -> None:
        """A validator signed a proof the engine found invalid."""
        ...

    def prune(self, finalized_slot: int) -> None:
        """Forget everything of blocks below ``finalized_slot``."""
        ...


class NullJournal:
    """A :class:`Journal` that records nothing."""

    def record_seen(self, prover_key: ProverKey, proof_root: bytes, slot: int) -> None:
        """Nothing to record."""

    def record_invalid_prover(self, prover_key: ProverKey, slot: int) -> None:
        """Nothing to record."""

    def prune(self, finalized_slot: int) -> None:
        """Nothing to prune."""
