"""NativeProofEngine: mock round trips per proof type, INVALID cases, libraries by path, gossip."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from eip8025 import config as cfg
from eip8025 import containers
from eip8025.engine import ChainIdGuard, ChainIdMismatch, ProofEngineUnavailable
from eip8025.gossip import GossipReason, GossipReject, validate_execution_proof_gossip
from eip8025.native_engine import NativeProofEngine
from eip8025.profiles import DEFAULT_PROFILE as PROFILE
from eip8025.proof_engine_config import ProofEngineConfigError, load_proof_engine_config
from eip8025.prover import ProverIdentity, sign_execution_proofs
from eip8025.verification import get_public_input
from tests.conftest import REPO
from tests.factories import make_world, privkey

TYPES = cfg.DEFAULT_ACCEPTED_PROOF_TYPES


def _mock_config(**extra: object) -> dict[str, object]:
    return {
        "execution_proofs": [
            {"proof_type": t, "program_vk": "0x" + bytes([t]).hex() * 32, "backend": "mock"}
            for t in TYPES
        ]
        + [{"proof_type": 7, "backend": "zkboost-mock", "proof_size": 4096}],
        **extra,
    }


@pytest.fixture(scope="module")
def engine() -> NativeProofEngine:
    return NativeProofEngine(load_proof_engine_config(_mock_config()))


def _root() -> bytes:
    world = make_world()
    npr = PROFILE.NewPayloadRequest(
        execution_payload=world.payload.payload,
        versioned_hashes=(b"\x01" * 32,),
        parent_beacon_block_root=b"\x02" * 32,
        execution_requests=world.payload.execution_requests,
    )
    return npr.hash_tree_root()


def _proof(
    engine: NativeProofEngine, proof_type: int, chain_id: int = 1
) -> containers.ExecutionProofBase:
    public_input = get_public_input(_root(), chain_id)
    return PROFILE.ExecutionProof(
        proof_data=engine.generate_proof(public_input, proof_type),
        proof_type=proof_type,
        public_input=public_input,
    )


@pytest.mark.parametrize("proof_type", [*TYPES, 7])
def test_mock_round_trip_for_each_proof_type(engine: NativeProofEngine, proof_type: int) -> None:
    proof = _proof(engine, proof_type)
    assert proof.public_input.new_payload_request_root == _root()
    assert len(proof.proof_data) == (4096 if proof_type == 7 else 128 * 1024)
    assert engine.verify_execution_proof(proof)


@pytest.mark.parametrize(
    "change",
    [
        {"new_payload_request_root": b"\x09" * 32},
        {"chain_id": 2},
        {"schema_id": 0x1502},
        {"successful_validation": False},
    ],
    ids=["wrong-root", "wrong-chain-id", "wrong-schema", "success-false"],
)
def test_public_input_mismatch_is_invalid(engine: NativeProofEngine, change: dict) -> None:
    proof = _proof(engine, 1)
    other = proof.copy_with(public_input=proof.public_input.copy_with(**change))
    assert not engine.verify_execution_proof(other)


def test_chain_id_difference_is_told_apart_and_guarded(engine: NativeProofEngine) -> None:
    proof = _proof(engine, 1, chain_id=1)
    on_our_chain = proof.copy_with(public_input=proof.public_input.copy_with(chain_id=5))
    assert not engine.verify_execution_proof(on_our_chain)  # the spec engine: invalid
    assert engine.committed_chain_id(on_our_chain) == 1
    with pytest.raises(ChainIdMismatch, match="the proof is for chain id 1, this node's is 5"):
        ChainIdGuard(engine).verify_execution_proof(on_our_chain)
    assert ChainIdGuard(engine).verify_execution_proof(proof)
    other_root = on_our_chain.copy_with(
        public_input=on_our_chain.public_input.copy_with(new_payload_request_root=b"\x09" * 32)
    )
    assert engine.committed_chain_id(other_root) is None  # differs in more than the chain id
    assert not ChainIdGuard(engine).verify_execution_proof(other_root)
    zkboost = _proof(engine, 7, chain_id=1)  # commits to the root only: no chain id to tell
    moved = zkboost.copy_with(public_input=zkboost.public_input.copy_with(chain_id=5))
    assert ChainIdGuard(engine).verify_execution_proof(moved)


def test_tampered_proof_is_invalid(engine: NativeProofEngine) -> None:
    proof = _proof(engine, 2)
    for index in (0, 40, 80, len(proof.proof_data) - 1):
        data = bytearray(proof.proof_data)
        data[index] ^= 0x01
        assert not engine.verify_execution_proof(proof.copy_with(proof_data=bytes(data)))
    assert not engine.verify_execution_proof(proof.copy_with(proof_data=proof.proof_data[:50]))


def test_proof_of_one_type_does_not_verify_as_another(engine: NativeProofEngine) -> None:
    proof = _proof(engine, 1)
    assert not engine.verify_execution_proof(proof.copy_with(proof_type=2))


def test_zkboost_mock_binds_the_root_only(engine: NativeProofEngine) -> None:
    proof = _proof(engine, 7)
    moved = proof.copy_with(
        public_input=proof.public_input.copy_with(new_payload_request_root=b"\x05" * 32)
    )
    assert not engine.verify_execution_proof(moved)


def test_unconfigured_types_are_unavailable_not_invalid(engine: NativeProofEngine) -> None:
    proof = _proof(engine, 1)
    with pytest.raises(ProofEngineUnavailable, match="no verifier"):
        engine.verify_execution_proof(proof.copy_with(proof_type=4))
    with pytest.raises(ProofEngineUnavailable, match="no prover"):
        _proof(engine, 4)


def test_gossip_with_the_native_engine(engine: NativeProofEngine) -> None:
    world = make_world()
    outcomes = sign_execution_proofs(
        world.state, world.payload, engine, [1, 2], ProverIdentity(0, privkey(0)), ctx=world.ctx
    )
    assert [o.error for o in outcomes] == [None, None]
    good = outcomes[0].signed
    assert good is not None
    validate_execution_proof_gossip(world.seen, world.store, good, engine)
    tampered = bytearray(good.message.proof_data)
    tampered[100] ^= 1
    forged = world.sign(good.message.copy_with(proof_data=bytes(tampered)), 1)
    fresh = make_world()
    with pytest.raises(GossipReject) as info:
        validate_execution_proof_gossip(fresh.seen, fresh.store, forged, engine)
    assert info.value.reason is GossipReason.PROOF_INVALID
    validate_execution_proof_gossip(fresh.seen, fresh.store, world.sign(good.message, 2), engine)


def _compile(source: str, out: Path) -> Path:
    cc = shutil.which("cc")
    assert cc is not None
    include = REPO / "csrc" / "include"
    doubles = REPO / "tests" / "native_double"
    subprocess.run(
        [
            cc,
            "-shared",
            "-fPIC",
            "-O2",
            "-Wall",
            "-Werror",
            "-I",
            str(include),
            "-I",
            str(doubles),
            "-o",
            str(out),
            str(doubles / source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def test_external_libraries_by_path_through_the_config_file(tmp_path: Path) -> None:
    verifier = _compile("double_verifier.c", tmp_path / "libv.so")
    prover = _compile("double_prover.c", tmp_path / "libp.so")
    path = tmp_path / "proof-engine.json"
    path.write_text(
        json.dumps(
            {
                "execution_proofs": [
                    {
                        "proof_type": 3,
                        "program_vk": "0xabcdef",
                        "backend": "library",
                        "zkvm_kind": 2,
                        "verifier_library": str(verifier),
                        "prover_library": str(prover),
                    },
                ]
            }
        )
    )
    engine = NativeProofEngine(load_proof_engine_config(path))
    assert engine.verifiable_proof_types == engine.provable_proof_types == {3}
    proof = _proof(engine, 3)
    assert engine.verify_execution_proof(proof)
    data = bytearray(proof.proof_data)
    data[-1] ^= 1
    assert not engine.verify_execution_proof(proof.copy_with(proof_data=bytes(data)))
    assert not engine.verify_execution_proof(
        proof.copy_with(public_input=proof.public_input.copy_with(chain_id=9))
    )


def test_a_missing_library_fails_at_start_up(tmp_path: Path) -> None:
    config = load_proof_engine_config(
        {
            "execution_proofs": [
                {
                    "proof_type": 3,
                    "program_vk": "0x01",
                    "backend": "library",
                    "zkvm_kind": 2,
                    "verifier_library": str(tmp_path / "nope.so"),
                },
            ]
        }
    )
    with pytest.raises(ProofEngineConfigError, match="proof type 3"):
        NativeProofEngine(config)
