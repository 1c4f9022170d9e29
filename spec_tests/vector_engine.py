"""``VectorProofEngine``: the proof engine **test double** that EIP-8025 vectors script.

A gossip vector gives, for every message that reaches the proof engine, the engine's verdict as an
*input* (``valid`` / ``invalid`` / ``unavailable``) and the ``hash_tree_root`` of the
``ExecutionProof`` the client must hand to the engine as an *expected value*. This double answers
with the scripted verdict and records the root of every ``ExecutionProof`` it is given, so the
runner can check that the engine was called exactly when the vector says and with the right proof.

It proves nothing and never looks at ``proof_data``: vectors keep proof bytes opaque, exactly as
pyspec's ``MockProofEngine`` does for the consensus-level tests. Client test suites mock their own
engine the same way. Real engines are never substituted by it outside vector runs.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from eip8025.containers import ExecutionProofBase
from eip8025.engine import ProofEngineUnavailable

__all__ = ["VERDICTS", "VectorProofEngine", "Verdict"]

Verdict = Literal["valid", "invalid", "unavailable"]
VERDICTS: Final[tuple[str, ...]] = get_args(Verdict)


class VectorProofEngine:
    """**Test double** of :class:`~eip8025.engine.ProofEngine` scripted per message by a vector.

    Call :meth:`script` before each message with the vector's verdict, or ``None`` when the vector
    says validation stops before the engine. An unscripted call is recorded (the runner reports it
    as a failure) and answered with :class:`ProofEngineUnavailable`, the one answer that commits
    the caller to nothing.
    """

    def __init__(self) -> None:
        self._verdict: Verdict | None = None
        self.calls: list[bytes] = []
        """``hash_tree_root(ExecutionProof)`` of each verification request since :meth:`script`."""

    def script(self, verdict: Verdict | None) -> None:
        """Set the answer for the next message and forget earlier calls."""
        self._verdict = verdict
        self.calls = []

    def verify_execution_proof(self, execution_proof: ExecutionProofBase) -> bool:
        """Record the request and answer with the scripted verdict."""
        self.calls.append(execution_proof.hash_tree_root())
        if self._verdict is None:
            raise ProofEngineUnavailable("vector test double: no verdict scripted for this call")
        if self._verdict == "unavailable":
            raise ProofEngineUnavailable("vector test double: scripted as unavailable")
        return self._verdict == "valid"
