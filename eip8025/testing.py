"""Labelled test doubles. Nothing here is a real proof system or a real fork choice.

* :class:`FakeProofEngine` - a **test double** of :class:`~eip8025.engine.ProofEngine` and of
  :class:`~eip8025.prover.ProofGenerator`. Its "proofs" are a tag plus
  ``sha256(hash_tree_root(public_input) || proof_type)``: anyone can make one, so it proves
  nothing. It exists so the core's gossip and acceptance logic can be tested without a zkVM, and
  it can be switched to "down" to test engine outages.
* :class:`RecordingForkChoiceSink` - a **test double** of the fork-choice hook that records calls.

Real engines (native, HTTP) live in their own modules and are never substituted by these.
"""

from __future__ import annotations

import dataclasses
import hashlib

from eip8025.acceptance import AcceptanceRecord
from eip8025.containers import ExecutionProofBase, PublicInput
from eip8025.engine import ProofEngineUnavailable

__all__ = ["FAKE_PROOF_TAG", "FakeProofEngine", "RecordingForkChoiceSink", "fake_proof_data"]

FAKE_PROOF_TAG = b"EIP8025-TEST-DOUBLE-NOT-A-PROOF:"


def fake_proof_data(public_input: PublicInput, proof_type: int, size: int = 0) -> bytes:
    """The bytes :class:`FakeProofEngine` accepts for this public input and type (test double)."""
    digest = hashlib.sha256(public_input.hash_tree_root() + bytes([proof_type])).digest()
    data = FAKE_PROOF_TAG + digest
    return data + bytes(max(0, size - len(data)))


@dataclasses.dataclass
class FakeProofEngine:
    """**Test double** proof engine and generator (see module docstring). Not a proof system."""

    down: bool = False
    verify_calls: int = 0
    generate_calls: int = 0
    provable_proof_types: frozenset[int] = frozenset(range(256))
    any_padding: bool = False
    """Accept any bytes after the fake proof, not only zeros (incompressible large test proofs)."""

    def verify_execution_proof(self, execution_proof: ExecutionProofBase) -> bool:
        """Accept :func:`fake_proof_data` for the public input followed by padding.

        The padding must be zeros unless ``any_padding``.
        """
        self.verify_calls += 1
        if self.down:
            raise ProofEngineUnavailable("fake proof engine is switched off")
        expected = fake_proof_data(execution_proof.public_input, execution_proof.proof_type)
        data = execution_proof.proof_data
        if self.any_padding:
            return data.startswith(expected)
        padding = len(data) - len(expected)
        return padding >= 0 and data == expected + bytes(padding)

    def generate_proof(self, public_input: PublicInput, proof_type: int) -> bytes:
        """Return the fake proof of ``proof_type`` for ``public_input``."""
        self.generate_calls += 1
        if self.down:
            raise ProofEngineUnavailable("fake proof engine is switched off")
        if proof_type not in self.provable_proof_types:
            raise ProofEngineUnavailable(f"fake proof engine does not prove type {proof_type}")
        return fake_proof_data(public_input, proof_type)


@dataclasses.dataclass
class RecordingForkChoiceSink:
    """**Test double** fork-choice hook: records every ``on_payload_proven`` call."""

    records: list[AcceptanceRecord] = dataclasses.field(default_factory=list)

    def on_payload_proven(self, record: AcceptanceRecord) -> None:
        """Record the call."""
        self.records.append(record)
