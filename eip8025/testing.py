"""Labelled test doubles. Nothing here is a real proof system or a real fork choice.

* :class:`FakeProofEngine` - a **test double** of :class:`~eip8025.engine.ProofEngine`. Its
  "proofs" are a tag plus ``sha256(hash_tree_root(public_input) || proof_type)``: anyone can make
  one, so it proves nothing. It exists so the core's gossip and acceptance logic can be tested
  without a zkVM, and it can be switched to "down" to test engine outages.
* :class:`RecordingForkChoiceSink` - a **test double** of the fork-choice hook that records calls.

Real engines (native, HTTP) live in their own modules and are never substituted by these.
"""

from __future__ import annotations

import dataclasses
import hashlib

from eip8025.acceptance import AcceptanceRecord
from eip8025.engine import ProofAttributes, ProofEngineUnavailable
from eip8025.profile import ExecutionProof, PublicInput, SSZNewPayloadRequest
from eip8025.verification import get_public_input

__all__ = ["FAKE_PROOF_TAG", "FakeProofEngine", "RecordingForkChoiceSink", "fake_proof_data"]

FAKE_PROOF_TAG = b"EIP8025-TEST-DOUBLE-NOT-A-PROOF:"


def fake_proof_data(public_input: PublicInput, proof_type: int, size: int = 0) -> bytes:
    """The bytes :class:`FakeProofEngine` accepts for this public input and type (test double)."""
    digest = hashlib.sha256(public_input.hash_tree_root() + bytes([proof_type])).digest()
    data = FAKE_PROOF_TAG + digest
    return data + bytes(max(0, size - len(data)))


@dataclasses.dataclass
class FakeProofEngine:
    """**Test double** proof engine (see module docstring). Not a proof system."""

    down: bool = False
    verify_calls: int = 0
    _requests: dict[bytes, tuple[PublicInput, tuple[int, ...]]] = dataclasses.field(
        default_factory=dict
    )

    def verify_execution_proof(self, execution_proof: ExecutionProof) -> bool:
        """Accept exactly :func:`fake_proof_data` (any zero padding) for the public input."""
        self.verify_calls += 1
        if self.down:
            raise ProofEngineUnavailable("fake proof engine is switched off")
        expected = fake_proof_data(execution_proof.public_input, execution_proof.proof_type)
        data = execution_proof.proof_data
        padding = len(data) - len(expected)
        return padding >= 0 and data == expected + bytes(padding)

    def request_proofs(
        self,
        new_payload_request: SSZNewPayloadRequest,
        chain_id: int,
        schema_id: int,
        proof_attributes: ProofAttributes,
    ) -> bytes:
        """Remember the request; proofs are made on :meth:`get_proof`."""
        if self.down:
            raise ProofEngineUnavailable("fake proof engine is switched off")
        root = new_payload_request.hash_tree_root()
        public_input = get_public_input(root, chain_id, schema_id)
        self._requests[root] = (public_input, tuple(proof_attributes.proof_types))
        return root

    def get_proof(self, new_payload_request_root: bytes, proof_type: int) -> ExecutionProof:
        """Return the fake proof of a requested type."""
        public_input, types = self._requests[new_payload_request_root]
        if proof_type not in types:
            raise KeyError(f"proof type {proof_type} was not requested")
        return ExecutionProof(
            proof_data=fake_proof_data(public_input, proof_type),
            proof_type=proof_type,
            public_input=public_input,
        )


@dataclasses.dataclass
class RecordingForkChoiceSink:
    """**Test double** fork-choice hook: records every ``on_payload_proven`` call."""

    records: list[AcceptanceRecord] = dataclasses.field(default_factory=list)

    def on_payload_proven(self, record: AcceptanceRecord) -> None:
        """Record the call."""
        self.records.append(record)
