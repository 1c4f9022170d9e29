"""Bounds of the proof pipeline and the IGNORE reasons it treats specially."""

from __future__ import annotations

import dataclasses
from typing import Final

from eip8025.gossip import GossipReason
from eip8025_p2p.pipeline.pending import PendingLimits

__all__ = ["PENDING_REASONS", "RETRYABLE_REASONS", "PipelineConfig"]

MiB: Final = 1024 * 1024
PENDING_REASONS: Final = frozenset({GossipReason.BLOCK_NOT_SEEN, GossipReason.PAYLOAD_UNAVAILABLE})
"""IGNORE reasons whose proofs wait in the pending queue."""
RETRYABLE_REASONS: Final = frozenset(
    {GossipReason.ENGINE_UNAVAILABLE, GossipReason.CHAIN_ID_MISMATCH}
)
"""IGNORE reasons after which a later copy of the same message is validated again."""


@dataclasses.dataclass(frozen=True)
class PipelineConfig:
    """Bounds of the pipeline."""

    max_concurrent_validations: int = 2
    """Worker threads decoding and validating at once (hashing, BLS, proof engine)."""
    max_queued_validations: int = 256
    max_queued_bytes: int = 128 * MiB
    pending: PendingLimits = dataclasses.field(default_factory=PendingLimits)
