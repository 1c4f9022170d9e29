"""The proof pipeline: one owner for a proof's life, independent of the transport.

``pipeline`` (:class:`ProofPipeline`: admit, prepare off the loop, validate per (block, type),
store, park early proofs, prune by slot), ``pending`` (the bounded early-proof queue),
``verdicts`` (outcomes and counters), ``journal`` (what must survive a restart besides the store),
``locks`` (per-key trio locks), ``config`` (bounds), ``transport`` (what a transport provides).
"""

from eip8025_p2p.pipeline.config import PENDING_REASONS, PipelineConfig
from eip8025_p2p.pipeline.journal import Journal, NullJournal
from eip8025_p2p.pipeline.pending import AddResult, PendingLimits, PendingProof, PendingProofQueue
from eip8025_p2p.pipeline.pipeline import ProofPipeline
from eip8025_p2p.pipeline.transport import NoTransport, Transport
from eip8025_p2p.pipeline.verdicts import (
    ACCEPTED,
    API,
    LOCAL,
    Outcome,
    PipelineCounters,
    Verdict,
    VerdictEvent,
)

__all__ = [
    "ACCEPTED",
    "API",
    "LOCAL",
    "PENDING_REASONS",
    "AddResult",
    "Journal",
    "NoTransport",
    "NullJournal",
    "Outcome",
    "PendingLimits",
    "PendingProof",
    "PendingProofQueue",
    "PipelineConfig",
    "PipelineCounters",
    "ProofPipeline",
    "Transport",
    "Verdict",
    "VerdictEvent",
]
