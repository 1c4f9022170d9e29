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
from eip8025.errors import Eip8025Error

__all__ = [
    "ChainIdGuard",
    "ChainIdMismatch",
    "ChainIdReporter",
    "ProofEngine",
    "ProofEngineError",
    "ProofEngineUnavailable",
]


class ProofEngineError(Eip8025Error):
    """Base class of proof-engine failures that are not a verdict on a proof."""


class ProofEngineUnavailable(ProofEngineError):
    """The engine could not be reached, did not answer in time, or cannot handle this proof."""


class ChainIdMismatch(ProofEngineError):
    """The proof is valid for the same payload but commits to another ``chain_id`` than ours.

    Either the prover or this node is configured for another chain; neither is evidence that the
    sender is malicious, so gossip IGNOREs it (and says so), never REJECTs it.
    """


class ProofEngine(Protocol):
    """proof-engine.md ``ProofEngine``."""

    def verify_execution_proof(self, execution_proof: ExecutionProofBase) -> bool:
        """Return True iff the proof is valid for ``hash_tree_root(public_input)``.

        Raises:
            ProofEngineUnavailable: The engine could not give a verdict.
        """
        ...


class ChainIdReporter(Protocol):
    """An engine that can tell which other ``chain_id`` an invalid proof commits to."""

    def committed_chain_id(self, execution_proof: ExecutionProofBase) -> int | None:
        """The other chain id a non-verifying proof is valid for, or None."""
        ...


class ChainIdGuard:
    """A :class:`ProofEngine` that turns "valid, but for another chain id" into no verdict.

    The spec's engine answers False for such a proof, and a node would REJECT the honest peer
    that sent it - when the difference is a configuration one (this node's ``DEPOSIT_CHAIN_ID``,
    or the prover's). Wrapping the engine, the node raises :class:`ChainIdMismatch` instead, which
    gossip IGNOREs (and reports). Engines that cannot tell (no ``committed_chain_id``) pass through.
    """

    def __init__(self, engine: ProofEngine) -> None:
        self.engine = engine

    def verify_execution_proof(self, execution_proof: ExecutionProofBase) -> bool:
        """The wrapped engine's verdict, or :class:`ChainIdMismatch` (see the class docs).

        Raises:
            ChainIdMismatch: The proof verifies for another chain id.
            ProofEngineUnavailable: The wrapped engine gave no verdict.
        """
        if self.engine.verify_execution_proof(execution_proof):
            return True
        report = getattr(self.engine, "committed_chain_id", None)
        other = None if report is None else report(execution_proof)
        if other is not None:
            raise ChainIdMismatch(
                f"the proof is for chain id {other}, this node's is "
                f"{execution_proof.public_input.chain_id}: check DEPOSIT_CHAIN_ID (or the prover's)"
            )
        return False
