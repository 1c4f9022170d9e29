"""``NativeProofEngine``: the spec's ``ProofEngine`` (and our ``ProofGenerator``) in-process.

One verifier (and, where configured, one prover) per proof type, built from a
:class:`~eip8025.proof_engine_config.ProofEngineConfig`:

* ``mock`` / ``zkboost-mock`` - the built-in mock kinds. **NOT zero-knowledge proofs**; for
  devnets and tests only (see :mod:`eip8025.native`).
* ``library`` - an external ``ere-verifier-c`` library (real OpenVM / SP1 / ZisK verification)
  and/or a prover library speaking our prover ABI, loaded by path.
* ``groth16-sp1-v4`` / ``groth16-risc0-v3`` - the built-in BN254 Groth16 verifiers of SP1 v4 and
  RISC Zero v3 (real proofs, :mod:`eip8025.groth16`), created with the native program vk the
  config loader built. Verify only: generating a proof of such a type raises
  :class:`ProofEngineUnavailable`.

Verification returns True only if the native verifier accepts the proof *and* the public values
it returns bind the proof to its ``PublicInput`` (:func:`public_values_match`).
:meth:`NativeProofEngine.committed_chain_id` tells an invalid proof that is valid but for another
``chain_id`` apart (:class:`~eip8025.engine.ChainIdGuard` turns that into an IGNORE). A verifier
verdict ("does not verify", "cannot decode") is False; a native failure that is not a verdict
(internal error) raises :class:`ProofEngineUnavailable`, and so does a proof type this engine has
no verifier for. Calls are synchronous and release the GIL in C; network adapters call them from
worker threads.

Prover input: the 43-byte SSZ ``PublicInput`` (what the mock kinds commit to). A real prover library
additionally needs the execution witness, which it must obtain itself (e.g. from its EL by
``new_payload_request_root``); this node has no execution client.
"""

from __future__ import annotations

from eip8025 import groth16
from eip8025.containers import ExecutionProofBase, PublicInput
from eip8025.engine import ProofEngineUnavailable
from eip8025.native import NativeError, Prover, Status, Verifier, ZkVMKind
from eip8025.proof_engine_config import (
    Backend,
    ProofEngineConfig,
    ProofEngineConfigError,
    ProofTypeConfig,
    committed_chain_id,
    public_values_match,
)

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

    def __init__(self, config: ProofEngineConfig) -> None:
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

    @property
    def verifiable_proof_types(self) -> frozenset[int]:
        """Proof types this engine can verify."""
        return frozenset(self._verifiers)

    @property
    def provable_proof_types(self) -> frozenset[int]:
        """Proof types this engine can prove."""
        return frozenset(self._provers)

    def verify_execution_proof(self, execution_proof: ExecutionProofBase) -> bool:
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

    def committed_chain_id(self, execution_proof: ExecutionProofBase) -> int | None:
        """For a proof that does not verify: the other ``chain_id`` it commits to, if that is all.

        Verifies natively again (this is for the rare invalid proof); None when the verifier
        refuses the proof, or its public values differ from the ``PublicInput`` in anything but
        the chain id, or commit to no chain id (the zkboost form).
        """
        verifier = self._verifiers.get(execution_proof.proof_type)
        if verifier is None:
            return None
        try:
            public_values = verifier.verify(execution_proof.proof_data)
        except NativeError:
            return None
        entry = self.config.proof_types[execution_proof.proof_type]
        return committed_chain_id(entry.public_values, public_values, execution_proof.public_input)

    def _is_groth16(self, proof_type: int) -> bool:
        entry = self.config.proof_types.get(proof_type)
        return entry is not None and entry.backend.is_groth16

    def generate_proof(self, public_input: PublicInput, proof_type: int) -> bytes:
        """Prove ``public_input`` for ``proof_type`` now (GIL released in C); return proof_data.

        Raises:
            ProofEngineUnavailable: No prover for the type (Groth16 types never have one), or
                the native prover failed.
        """
        if self._is_groth16(proof_type):
            raise ProofEngineUnavailable(
                f"Groth16 backends verify only, there is no prover for proof type {proof_type} "
                "(proofs come from the zkVM's own Groth16 prover)"
            )
        prover = self._provers.get(proof_type)
        if prover is None:
            raise ProofEngineUnavailable(f"no prover configured for proof type {proof_type}")
        try:
            proof_data, _ = prover.prove(public_input.encode_bytes())
        except NativeError as exc:
            raise ProofEngineUnavailable(f"native prover failed: {exc.status}: {exc}") from None
        return proof_data
