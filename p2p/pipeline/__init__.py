"""The proof pipeline: one owner for a proof's life, independent of the transport.

``pipeline`` (:class:`ProofPipeline`: admit, prepare off the loop, validate per (block, type),
store, park early proofs, prune by slot), ``pending`` (the bounded early-proof queue),
``verdicts`` (outcomes and counters), ``journal`` (what must survive a restart besides the store),
``locks`` (per-key trio locks), ``config`` (bounds), ``transport`` (what a transport provides).
"""

from .config import PENDING_REASONS, PipelineConfig
from .journal import Journal, NullJournal
from .pending import AddResult, PendingLimits, PendingProof, PendingProofQueue
from .pipeline import ProofPipeline
from .transport import NoTransport, Transport
from .verdicts import ACCEPTED, API, LOCAL, Outcome, PipelineCounters, Verdict, VerdictEvent

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
