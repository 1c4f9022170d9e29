"""The ``ProofEngine`` interface (proof-engine.md): verification only.

Since consensus-specs #5639 (profile 2026-10) the spec's engine only verifies; the 2026-08 text's
``request_proofs`` / ``get_proof`` / ``ProofAttributes`` and prover.md are gone upstream. Producing
proofs is our own feature, behind our own interface (:class:`eip8025.prover.ProofGenerator`), so
every profile gets the same engine protocol.

The core calls the engine synchronously, as the spec does; network adapters run it in a worker
thread so the event loop never blocks. An engine that cannot answer (down, timed out, misconfigured)
raises :class:`ProofEngineUnavailable`: that is *our* failure, never evidence against the peer that
sent the proof, so gossip validation turns it into an IGNORE, never a REJECT.
"""

from __future__ import annotations

from typing import Protocol

from eip8025.containers import ExecutionProofBase

__all__ = ["ProofEngine", "ProofEngineError", "ProofEngineUnavailable"]


class ProofEngineError(Exception):
    """Base class of proof-engine failures that are not a verdict on a proof."""


class ProofEngineUnavailable(ProofEngineError):
    """The engine could not be reached, did not answer in time, or cannot handle this proof."""


class ProofEngine(Protocol):
    """proof-engine.md ``ProofEngine``."""

    def verify_execution_proof(self, execution_proof: ExecutionProofBase) -> bool:
        """Return True iff the proof is valid for ``hash_tree_root(public_input)``.

        Raises:
            ProofEngineUnavailable: The engine could not give a verdict.
        """
        ...
