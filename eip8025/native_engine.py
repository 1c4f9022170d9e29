"""``NativeProofEngine``: the spec's ``ProofEngine`` in-process, through the C extension.

One verifier (and, where configured, one prover) per proof type, built from a
:class:`~eip8025.proof_engine_config.ProofEngineConfig`:

* ``mock`` / ``zkboost-mock`` - the built-in mock kinds. **NOT zero-knowledge proofs**; for
  devnets and tests only (see :mod:`eip8025.native`).
* ``library`` - an external ``ere-verifier-c`` library (real OpenVM / SP1 / ZisK verification)
  and/or a prover library speaking our prover ABI, loaded by path.
* ``groth16-sp1-v4`` / ``groth16-risc0-v3`` - the built-in BN254 Groth16 verifiers of SP1 v4 and
  RISC Zero v3 (real proofs, :mod:`eip8025.groth16`), created with the native program vk the
  config loader built. Verify only: requesting proofs of such a type raises
  :class:`ProofEngineUnavailable`.

Verification returns True only if the native verifier accepts the proof *and* the public values
it returns bind the proof to its ``PublicInput`` (:func:`public_values_match`). A verifier verdict
("does not verify", "cannot decode") is False; a native failure that is not a verdict (internal
error) raises :class:`ProofEngineUnavailable`, and so does a proof type this engine has no verifier
for. Calls are synchronous and release the GIL in C; network adapters call them from worker
threads.

Prover input: the 43-byte SSZ ``PublicInput`` (what the mock kinds commit to). A real prover library
additionally needs the execution witness, which it must obtain itself (e.g. from its EL by
``new_payload_request_root``); this node has no execution client.
"""

from __future__ import annotations

import collections
import threading

from eip8025 import groth16
from eip8025.engine import ProofAttributes, ProofEngineUnavailable
from eip8025.native import NativeError, Prover, Status, Verifier, ZkVMKind
from eip8025.profile import ExecutionProof, PublicInput, SSZNewPayloadRequest
from eip8025.proof_engine_config import (
    Backend,
    ProofEngineConfig,
    ProofEngineConfigError,
    ProofTypeConfig,
    public_values_match,
)
from eip8025.verification import get_public_input

__all__ = ["NativeProofEngine"]

_VERDICTS = frozenset({Status.VERIFY, Status.DECODE_PROOF})


def _kind(entry: ProofTypeConfig) -> int:
    if entry.backend is Backend.MOCK:
        return int(ZkVMKind.MOCK)
    if entry.backend is Backend.ZKBOOST_MOCK:
        return int(ZkVMKind.ZKBOOST_MOCK)
    if entry.backend is Backend.GROTH16_SP1_V4:
        return groth16.KIND_GROTH16_SP1_V4
    if entry.backend is Backend.GROTH16_RISC0_V3:
        return groth16.KIND_GROTH16_RISC0_V3
    assert entry.zkvm_kind is not None  # enforced by the config loader
    return entry.zkvm_kind


class NativeProofEngine:
    """In-process proof engine over the native verifiers / provers of each configured type."""

    def __init__(self, config: ProofEngineConfig, *, max_cached_requests: int = 64) -> None:
        """Build every configured verifier and prover now, so misconfiguration fails at start-up.

        Raises:
            ProofEngineConfigError: A library cannot be loaded or refuses its kind / vk.
        """
        self.config = config
        self._verifiers: dict[int, Verifier] = {}
        self._provers: dict[int, Prover] = {}
        for proof_type, entry in config.proof_types.items():
            kind = _kind(entry)
            try:
                if entry.backend is not Backend.LIBRARY or entry.verifier_library:
                    self._verifiers[proof_type] = Verifier(
                        kind, entry.verifier_program_vk, entry.verifier_library
                    )
                if entry.backend is Backend.LIBRARY:
                    if entry.prover_library:
                        self._provers[proof_type] = Prover(
                            kind, entry.program_vk, entry.prover_library
                        )
                elif not entry.backend.is_groth16:  # Groth16 is verify only: no prover
                    self._provers[proof_type] = Prover(
                        kind, entry.program_vk, None, proof_size=entry.proof_size
                    )
            except NativeError as exc:
                raise ProofEngineConfigError(
                    f"proof type {proof_type}: {exc.status}: {exc}"
                ) from None
        self._requests: collections.OrderedDict[bytes, tuple[PublicInput, frozenset[int]]] = (
            collections.OrderedDict()
        )
        self._max_requests = max_cached_requests
        self._lock = threading.Lock()

    @property
    def verifiable_proof_types(self) -> frozenset[int]:
        """Proof types this engine can verify."""
        return frozenset(self._verifiers)

    @property
    def provable_proof_types(self) -> frozenset[int]:
        """Proof types this engine can prove."""
        return frozenset(self._provers)

    def verify_execution_proof(self, execution_proof: ExecutionProof) -> bool:
        """Verify natively, then check the public values against the proof's ``PublicInput``.

        Raises:
            ProofEngineUnavailable: No verifier for this type, or a native failure that is not a
                verdict on the proof.
        """
        verifier = self._verifiers.get(execution_proof.proof_type)
        if verifier is None:
            raise ProofEngineUnavailable(
                f"no verifier configured for proof type {execution_proof.proof_type}"
            )
        try:
            public_values = verifier.verify(execution_proof.proof_data)
        except NativeError as exc:
            if exc.code in _VERDICTS:
                return False
            raise ProofEngineUnavailable(f"native verifier failed: {exc.status}: {exc}") from None
        entry = self.config.proof_types[execution_proof.proof_type]
        return public_values_match(entry.public_values, public_values, execution_proof.public_input)

    def _is_groth16(self, proof_type: int) -> bool:
        entry = self.config.proof_types.get(proof_type)
        return entry is not None and entry.backend.is_groth16

    def request_proofs(
        self,
        new_payload_request: SSZNewPayloadRequest,
        chain_id: int,
        schema_id: int,
        proof_attributes: ProofAttributes,
    ) -> bytes:
        """Record a proving request (proving happens in :meth:`get_proof`); return its root.

        Raises:
            ProofEngineUnavailable: A requested type has no prover here (Groth16 types never
                have one).
        """
        missing = sorted(set(proof_attributes.proof_types) - set(self._provers))
        verify_only = [t for t in missing if self._is_groth16(t)]
        if verify_only:
            raise ProofEngineUnavailable(
                f"Groth16 backends verify only, there is no prover: proof types {verify_only} "
                "use a groth16-* backend (proofs come from the zkVM's own Groth16 prover)"
            )
        if missing:
            raise ProofEngineUnavailable(f"no prover configured for proof types {missing}")
        root = new_payload_request.hash_tree_root()
        public_input = get_public_input(root, chain_id, schema_id)
        with self._lock:
            self._requests[root] = (public_input, frozenset(proof_attributes.proof_types))
            self._requests.move_to_end(root)
            while len(self._requests) > self._max_requests:
                self._requests.popitem(last=False)
        return root

    def get_proof(self, new_payload_request_root: bytes, proof_type: int) -> ExecutionProof:
        """Prove a requested type now (GIL released in C) and return the proof.

        Raises:
            KeyError: The root / type was not requested (or the request was evicted).
            ProofEngineUnavailable: The native prover failed, or the type is a verify-only
                Groth16 type.
        """
        with self._lock:
            request = self._requests.get(new_payload_request_root)
        if self._is_groth16(proof_type):
            raise ProofEngineUnavailable(
                f"Groth16 backends verify only, there is no prover for proof type {proof_type}"
            )
        if request is None or proof_type not in request[1]:
            raise KeyError(f"no request for proof type {proof_type} of this root")
        public_input = request[0]
        try:
            proof_data, _ = self._provers[proof_type].prove(public_input.encode_bytes())
        except NativeError as exc:
            raise ProofEngineUnavailable(f"native prover failed: {exc.status}: {exc}") from None
        return ExecutionProof(
            proof_data=proof_data, proof_type=proof_type, public_input=public_input
        )
