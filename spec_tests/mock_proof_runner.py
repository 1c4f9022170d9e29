"""Runner of ``proof_engine/mock`` cases (format: ``vectors/README.md``).

Nothing here is a test double. The case's ``proof_engine.yaml`` is one entry of the proof-engine
file, loaded by :func:`~eip8025.proof_engine_config.load_proof_engine_config`; the engine is the
real :class:`~eip8025.native_engine.NativeProofEngine` built from it, whose
``verify_execution_proof`` gives the verdict. The native verifier's own answer (status and public
values, before the binding check) comes from a :class:`~eip8025.native.Verifier` of the same kind
and vk.

The built-in backends are NOT zero-knowledge proofs (``csrc/include/eip8025_mock.h``).
"""

from __future__ import annotations

from typing import Any, Final

from eip8025.engine import ProofEngineUnavailable
from eip8025.native import NativeError, Verifier, ZkVMKind
from eip8025.native_engine import NativeProofEngine
from eip8025.profiles import SpecProfile
from eip8025.proof_engine_config import ProofEngineConfigError, load_proof_engine_config
from eip8025_spec_tests.errors import CaseFailure
from eip8025_spec_tests.formats import (
    DECODE_ERRORS,
    MOCK_BACKENDS,
    MOCK_PROOF_FILE,
    PUBLIC_VALUES_FORMS,
    VERIFIER_STATUSES,
    field,
    hex_bytes,
    only_keys,
    parse_bytes,
)
from eip8025_spec_tests.layout import Case, read_snappy, read_yaml

__all__ = ["run_proof_engine_mock"]

_KINDS: Final = {"mock": ZkVMKind.MOCK, "zkboost-mock": ZkVMKind.ZKBOOST_MOCK}
_ENTRY_KEYS: Final = ("proof_type", "program_vk", "backend", "public_values")
_EXPECTED_KEYS: Final = ("valid", "verifier_status", "public_values")


def _choice(mapping: Any, key: str, choices: tuple[str, ...], where: str) -> str:
    value = field(mapping, key, str, where)
    if value not in choices:
        raise CaseFailure(f"malformed vector: {where}.{key} is {value!r}, not one of {choices}")
    return value


def _load_entry(document: Any) -> tuple[dict[str, Any], int, bytes, str]:
    """Check ``proof_engine.yaml``; return it with its proof type, vk and backend."""
    where = "proof_engine.yaml"
    only_keys(document, _ENTRY_KEYS, where)
    proof_type = field(document, "proof_type", int, where)
    program_vk = parse_bytes(document.get("program_vk"), None, f"{where} program_vk")
    backend = _choice(document, "backend", MOCK_BACKENDS, where)
    _choice(document, "public_values", PUBLIC_VALUES_FORMS, where)
    return dict(document), proof_type, program_vk, backend


def _load_expected(document: Any) -> tuple[bool, str, bytes | None]:
    """Check ``expected.yaml``; return the verdict, verifier status and public values."""
    where = "expected.yaml"
    only_keys(document, _EXPECTED_KEYS, where)
    valid = field(document, "valid", bool, where)
    status = _choice(document, "verifier_status", VERIFIER_STATUSES, where)
    public_values = None
    if status == "OK":
        public_values = parse_bytes(document.get("public_values"), None, f"{where} public_values")
    elif "public_values" in document:
        raise CaseFailure(f"malformed vector: {where} has public_values without status OK")
    return valid, status, public_values


def _verifier_answer(
    backend: str, program_vk: bytes, proof_data: bytes
) -> tuple[str, bytes | None]:
    """What the native verifier of this kind and vk says: (status name, public values or None)."""
    verifier = Verifier(_KINDS[backend], program_vk)
    try:
        return "OK", verifier.verify(proof_data)
    except NativeError as exc:
        return exc.status, None


def run_proof_engine_mock(case: Case, profile: SpecProfile) -> None:
    """Run one ``proof_engine/mock`` case (``execution_proof`` decodes as ``profile``'s type).

    Raises:
        CaseFailure: The engine or the verifier disagrees with the vector (every difference is
            listed), or the vector is malformed.
    """
    only_keys(read_yaml(case.path / "meta.yaml"), ("description",), "meta.yaml")
    entry, proof_type, program_vk, backend = _load_entry(read_yaml(case.path / "proof_engine.yaml"))
    valid, status, public_values = _load_expected(read_yaml(case.path / "expected.yaml"))
    try:
        proof = profile.ExecutionProof.decode_bytes(
            read_snappy(case.path / f"{MOCK_PROOF_FILE}.ssz_snappy")
        )
    except DECODE_ERRORS as exc:
        raise CaseFailure(f"{MOCK_PROOF_FILE}.ssz_snappy is not an ExecutionProof: {exc}") from None
    if proof.proof_type != proof_type:
        raise CaseFailure(
            f"malformed vector: the proof has type {proof.proof_type}, proof_engine.yaml "
            f"configures {proof_type}"
        )
    try:
        engine = NativeProofEngine(load_proof_engine_config({"execution_proofs": [entry]}))
    except ProofEngineConfigError as exc:
        raise CaseFailure(f"the proof engine refuses proof_engine.yaml: {exc}") from None

    differences = []
    try:
        verdict = engine.verify_execution_proof(proof)
    except ProofEngineUnavailable as exc:
        differences.append(f"verify_execution_proof gave no verdict ({exc}), expected {valid}")
    else:
        if verdict != valid:
            differences.append(f"verify_execution_proof returned {verdict}, expected {valid}")
    got_status, got_values = _verifier_answer(backend, program_vk, proof.proof_data)
    if got_status != status:
        differences.append(f"the native verifier answered {got_status}, expected {status}")
    elif got_values != public_values:
        shown = "none" if got_values is None else hex_bytes(got_values)
        expected = "none" if public_values is None else hex_bytes(public_values)
        differences.append(
            f"the native verifier returned public values {shown}, expected {expected}"
        )
    if differences:
        raise CaseFailure("; ".join(differences))
