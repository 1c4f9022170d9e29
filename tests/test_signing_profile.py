"""Signing helpers against known values, and the profile's configuration handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eip8025 import config as cfg
from eip8025 import containers
from eip8025.chain import StaticStateView
from eip8025.profiles import DEFAULT_PROFILE as PROFILE
from eip8025.signing import compute_domain, compute_fork_data_root, compute_signing_root, get_domain


def test_compute_domain_matches_the_mainnet_deposit_domain() -> None:
    # Well-known value: DOMAIN_DEPOSIT on mainnet genesis fork version with a zero root.
    domain = compute_domain(bytes.fromhex("03000000"), bytes(4), bytes(32))
    assert domain.hex() == "03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9"


def test_domain_execution_proof_value() -> None:
    assert bytes([0x0F, 0, 0, 0]) == containers.DOMAIN_EXECUTION_PROOF
    assert PROFILE.max_signed_execution_proof_envelope_size == 4_194_449
    assert containers.MAX_PROOF_SIZE == 4 * 1024 * 1024
    assert containers.STATELESS_INPUT_SCHEMA_ID == 0x1501


def test_get_domain_uses_previous_version_before_fork_epoch() -> None:
    fork = containers.Fork(previous_version=b"\x01" * 4, current_version=b"\x02" * 4, epoch=5)
    state = StaticStateView(slot=0, fork=fork, genesis_validators_root=b"\x09" * 32, validators=())
    before = get_domain(state, containers.DOMAIN_EXECUTION_PROOF, 4, cfg.MINIMAL)
    after = get_domain(state, containers.DOMAIN_EXECUTION_PROOF, 5, cfg.MINIMAL)
    assert before == compute_domain(containers.DOMAIN_EXECUTION_PROOF, b"\x01" * 4, b"\x09" * 32)
    assert after == compute_domain(containers.DOMAIN_EXECUTION_PROOF, b"\x02" * 4, b"\x09" * 32)
    assert before[:4] == containers.DOMAIN_EXECUTION_PROOF


def test_signing_root_is_signing_data_root() -> None:
    checkpoint = containers.Checkpoint(epoch=3, root=b"\x07" * 32)
    domain = b"\x0f" + bytes(31)
    expected = containers.SigningData(
        object_root=checkpoint.hash_tree_root(), domain=domain
    ).hash_tree_root()
    assert compute_signing_root(checkpoint, domain) == expected
    assert compute_fork_data_root(bytes(4), bytes(32)) != bytes(32)


def test_max_signed_envelope_size_is_the_largest_valid_encoding() -> None:
    biggest = PROFILE.SignedExecutionProofEnvelope(
        message=PROFILE.ExecutionProofEnvelope(
            proof_data=bytes(containers.MAX_PROOF_SIZE), proof_type=1, beacon_block_root=bytes(32)
        ),
        validator_index=0,
        signature=bytes(96),
    )
    assert len(biggest.encode_bytes()) == PROFILE.max_signed_execution_proof_envelope_size


def test_load_config_overrides_and_rejects_typos(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(
        json.dumps(
            {
                "preset": "minimal",
                "supported_proof_types": [1, 2, 8],
                "acceptance_threshold": 2,
                "proof_types": [
                    {"id": 8, "name": "ethrex-pico", "el_guest": "ethrex", "zkvm": "pico"}
                ],
            }
        )
    )
    config = cfg.load_config(path)
    assert config.preset is cfg.MINIMAL
    assert config.deposit_chain_id == 5
    assert config.registry.get(8).zkvm == "pico"
    assert config.registry.get(1).name == "ethrex-openvm"
    assert config.supported_proof_types == frozenset({1, 2, 8})
    with pytest.raises(ValueError, match="unknown config keys"):
        cfg.load_config({"acceptance_treshold": 2})
    with pytest.raises(ValueError, match="unknown preset"):
        cfg.load_config({"preset": "holesky"})


def test_registry_refuses_duplicates_and_bad_ids() -> None:
    entry = cfg.ProofTypeInfo(1, "a", "g", "z")
    with pytest.raises(ValueError, match="twice"):
        cfg.ProofTypeRegistry([entry, cfg.ProofTypeInfo(1, "b", "g", "z")])
    with pytest.raises(ValueError, match="Uint8"):
        cfg.ProofTypeInfo(256, "x", "g", "z")
    with pytest.raises(KeyError, match="not in the registry"):
        cfg.DEFAULT_REGISTRY.get(200)
