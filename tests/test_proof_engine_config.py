"""Proof-engine configuration (Lighthouse PR #10080 file + our keys) and public-values binding."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from eip8025 import containers
from eip8025.proof_engine_config import (
    Backend,
    ProofEngineConfigError,
    PublicValuesForm,
    load_proof_engine_config,
    public_values_match,
)

ROOT = bytes(range(32))


def _public_input(**changes: object) -> containers.PublicInput:
    base = containers.PublicInput(
        new_payload_request_root=ROOT,
        successful_validation=True,
        chain_id=1,
        schema_id=containers.STATELESS_INPUT_SCHEMA_ID,
    )
    return base.copy_with(**changes)


def test_lighthouse_file_loads_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "proof-engine.json"
    path.write_text(
        json.dumps(
            {
                "execution_proofs": [
                    {"proof_type": 1, "program_vk": "0xaabb"},
                    {"proof_type": 2, "program_vk": "0x"},
                ]
            }
        )
    )
    config = load_proof_engine_config(path, default_backend=Backend.MOCK)
    assert set(config.proof_types) == {1, 2}
    assert config.get(1).program_vk == b"\xaa\xbb"  # type: ignore[union-attr]
    assert config.get(1).backend is Backend.MOCK  # type: ignore[union-attr]
    assert config.get(3) is None


def test_extension_keys() -> None:
    config = load_proof_engine_config(
        {
            "execution_proofs": [
                {
                    "proof_type": 5,
                    "program_vk": "0x01",
                    "backend": "library",
                    "verifier_library": "/opt/libere_verifier_c.so",
                    "zkvm_kind": 3,
                },
                {
                    "proof_type": 6,
                    "backend": "zkboost-mock",
                    "public_values": "zkboost-v0.7",
                    "proof_size": 4096,
                },
            ]
        }
    )
    assert config.get(5).verifier_library == "/opt/libere_verifier_c.so"  # type: ignore[union-attr]
    assert config.get(6).public_values is PublicValuesForm.ZKBOOST_V07  # type: ignore[union-attr]
    assert config.get(6).proof_size == 4096  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({}, "execution_proofs"),
        ({"execution_proofs": [{"program_vk": "0x"}]}, "proof_type"),
        ({"execution_proofs": [{"proof_type": 256}]}, "Uint8"),
        ({"execution_proofs": [{"proof_type": 1, "program_vk": "aa"}]}, "0x-prefixed"),
        ({"execution_proofs": [{"proof_type": 1, "program_vk": "0xzz"}]}, "invalid hex"),
        ({"execution_proofs": [{"proof_type": 1, "backend": "gpu"}]}, "gpu"),
        (
            {"execution_proofs": [{"proof_type": 1, "backend": "library", "zkvm_kind": 1}]},
            "needs verifier_library",
        ),
        ({"execution_proofs": [{"proof_type": 1, "verifer_library": "x"}]}, "unknown keys"),
        (
            {
                "execution_proofs": [
                    {"proof_type": 1, "backend": "mock"},
                    {"proof_type": 1, "backend": "mock"},
                ]
            },
            "twice",
        ),
    ],
)
def test_malformed_configs_name_the_problem(content: dict, message: str) -> None:
    with pytest.raises(ProofEngineConfigError, match=message):
        load_proof_engine_config(content)


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ProofEngineConfigError):
        load_proof_engine_config(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ProofEngineConfigError):
        load_proof_engine_config(tmp_path / "bad.json")


def test_ssz_binding_accepts_exact_and_256_padded() -> None:
    public_input = _public_input()
    encoded = public_input.encode_bytes()
    assert len(encoded) == 43
    assert public_values_match(PublicValuesForm.SSZ, encoded, public_input)
    assert public_values_match(PublicValuesForm.SSZ, encoded.ljust(256, b"\x00"), public_input)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda pv: pv[:-1],
        lambda pv: pv + b"\x00",
        lambda pv: pv.ljust(255, b"\x00"),
        lambda pv: pv.ljust(255, b"\x00") + b"\x01",
        lambda pv: bytes([pv[0] ^ 1]) + pv[1:],
    ],
    ids=["short", "43+1", "255", "nonzero-padding", "wrong-root"],
)
def test_ssz_binding_rejects_anything_else(mutate: object) -> None:
    public_input = _public_input()
    bad = mutate(public_input.encode_bytes())  # type: ignore[operator]
    assert not public_values_match(PublicValuesForm.SSZ, bad, public_input)


@pytest.mark.parametrize(
    "changes",
    [{"chain_id": 2}, {"schema_id": 0x1502}, {"successful_validation": False}],
    ids=["chain-id", "schema", "success-false"],
)
def test_public_values_of_a_different_public_input_do_not_match(changes: dict) -> None:
    proven = _public_input(**changes)
    expected = _public_input()
    assert not public_values_match(PublicValuesForm.SSZ, proven.encode_bytes(), expected)
    # and a proof whose own public input says success=false / wrong schema never matches
    assert not public_values_match(PublicValuesForm.SSZ, proven.encode_bytes(), proven) or (
        "chain_id" in changes
    )


def test_zkboost_v07_binding() -> None:
    public_input = _public_input()
    commitment = hashlib.sha256(ROOT + b"\x01").digest()
    assert public_values_match(PublicValuesForm.ZKBOOST_V07, commitment, public_input)
    assert not public_values_match(
        PublicValuesForm.ZKBOOST_V07, hashlib.sha256(ROOT + b"\x00").digest(), public_input
    )
