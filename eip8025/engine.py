"""The ``ProofEngine`` interface (proof-engine.md at the pinned commit).

The core calls the engine synchronously, as the spec does; network adapters run it in a worker
thread so the event loop never blocks. An engine that cannot answer (down, timed out, misconfigured)
raises :class:`ProofEngineUnavailable`: that is *our* failure, never evidence against the peer that
sent the proof, so gossip validation turns it into an IGNORE, never a REJECT.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

from eip8025.profile import ExecutionProof, SSZNewPayloadRequest

__all__ = ["ProofAttributes", "ProofEngine", "ProofEngineError", "ProofEngineUnavailable"]


class ProofEngineError(Exception):
    """Base class of proof-engine failures that are not a verdict on a proof."""


class ProofEngineUnavailable(ProofEngineError):
    """The engine could not be reached or did not answer in time."""


@dataclasses.dataclass(frozen=True)
class ProofAttributes:
    """proof-engine.md ``ProofAttributes``."""

    proof_types: Sequence[int]


class ProofEngine(Protocol):
    """proof-engine.md ``ProofEngine``: verification, plus generation for the prover role."""

    def verify_execution_proof(self, execution_proof: ExecutionProof) -> bool:
        """Return True iff the proof is valid for ``hash_tree_root(public_input)``.

        Raises:
            ProofEngineUnavailable: The engine could not give a verdict.
        """
        ...

    def request_proofs(
        self,
        new_payload_request: SSZNewPayloadRequest,
        chain_id: int,
        schema_id: int,
        proof_attributes: ProofAttributes,
    ) -> bytes:
        """Start proof generation; return ``hash_tree_root(new_payload_request)``."""
        ...

    def get_proof(self, new_payload_request_root: bytes, proof_type: int) -> ExecutionProof:
        """Wait for a requested proof and return it."""
        ...
