"""Our EIP-8025 vectors: regeneration is byte-exact, and each runner fails on corrupted cases.

Each spec profile has its tree (``vectors/<profile>/``); the runner tests run on both. The
``proof_engine/mock`` generator's transcription of the mock formats is checked against the
native prover here as well.

Every committed case also runs through ``tests/test_spec_vectors.py::test_vector``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cramjam
import pytest
import yaml

from eip8025 import containers, native
from eip8025.engine import ProofEngineUnavailable
from eip8025.gossip import GossipReason
from eip8025.profiles import PROFILES, SpecProfile
from eip8025.proof_engine_config import devnet_mock_config
from eip8025.verification import EnvelopeCheck
from eip8025_cli import main as cli_main
from eip8025_spec_tests import generator
from eip8025_spec_tests.gen_acceptance import acceptance_cases
from eip8025_spec_tests.gen_mock_proofs import (
    MockInput,
    devnet_vk,
    execution_proof_ssz,
    mock_cases,
    mock_proof,
    zkboost_proof,
)
from eip8025_spec_tests.layout import Case, discover_cases
from eip8025_spec_tests.runner import Outcome, run_tree
from eip8025_spec_tests.vector_engine import VectorProofEngine
from tests.conftest import REPO

VECTORS = REPO / "vectors"
_TREES = {name: VECTORS / name for name in PROFILES}
_BY_PROFILE = {name: {c.id: c for c in discover_cases(tree)} for name, tree in _TREES.items()}
_CASES = _BY_PROFILE["2026-10"]
"""The default profile's cases (tests that read one tree's documents)."""
GOSSIP = "minimal/eip8025/networking/gossip_execution_proof/"
ACCEPTANCE = "minimal/eip8025/fork_choice/execution_proof_acceptance/"
MOCK = "minimal/eip8025/proof_engine/mock/"


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_generator_reproduces_committed_vectors_byte_for_byte(
    tmp_path: Path, profile: SpecProfile
) -> None:
    result = generator.generate(tmp_path, profile)
    generated = _files(tmp_path / "tests")
    committed = _files(_TREES[profile.name] / "tests")
    assert sorted(generated) == sorted(committed)
    differing = [name for name in committed if committed[name] != generated[name]]
    assert differing == [], (
        f"regenerate: eip8025 vectors generate vectors/{profile.name} "
        f"--spec-profile {profile.name} --force"
    )
    assert result.files == len(committed)


def test_profiles_share_acceptance_and_mock_vectors_but_not_gossip_ones() -> None:
    old, new = (_files(_TREES[name] / "tests") for name in ("2026-08", "2026-10"))
    for prefix in (ACCEPTANCE, MOCK):
        assert {k: v for k, v in old.items() if k.startswith(prefix)} == {
            k: v for k, v in new.items() if k.startswith(prefix)
        }
    stored = "valid/valid_proof_stored/steps.yaml"
    assert old[GOSSIP + stored] != new[GOSSIP + stored]  # roots and signatures differ


def test_committed_vectors_cover_both_handlers_and_stay_small(profile: SpecProfile) -> None:
    cases = _BY_PROFILE[profile.name]
    gossip = [c for c in cases if c.startswith(GOSSIP)]
    acceptance = [c for c in cases if c.startswith(ACCEPTANCE)]
    assert len(gossip) >= 30
    assert len(acceptance) >= 15
    assert {c.split("/")[4] for c in gossip} == {
        "valid",
        "ignore",
        "reject",
        "ordering",
        "engine",
        "size_limits",
    }
    total = sum(len(data) for data in _files(_TREES[profile.name]).values())
    assert total < 2_000_000, f"vectors/{profile.name} is {total:,} bytes"


_UNREACHABLE: dict[str, set[str]] = {
    "2026-08": {
        GossipReason.PROOF_DATA_EMPTY.value,
        GossipReason.UNSUPPORTED_PROOF_TYPE.value,
        f"envelope_invalid:{EnvelopeCheck.EMPTY_PROOF_DATA.value}",
    },
    "2026-10": {
        GossipReason.BLOCK_INVALID.value,
        f"envelope_invalid:{EnvelopeCheck.BLOCK_ROOT_MISMATCH.value}",
        f"envelope_invalid:{EnvelopeCheck.PROOF_SIZE.value}",
        # the early REJECTs come first, so the envelope's own checks of the same rules never fire
        f"envelope_invalid:{EnvelopeCheck.EMPTY_PROOF_DATA.value}",
        f"envelope_invalid:{EnvelopeCheck.UNSUPPORTED_PROOF_TYPE.value}",
    },
}
"""Reasons each text cannot produce (its rules lack them or an earlier rule shadows them)."""


def test_gossip_vectors_cover_every_reason(profile: SpecProfile) -> None:
    reasons = {
        step["reason"]
        for case_id, case in _BY_PROFILE[profile.name].items()
        if case_id.startswith(GOSSIP)
        for step in yaml.safe_load((case.path / "steps.yaml").read_text())
        if "reason" in step
    }
    # no spec rule (our own IGNOREs): unit tests cover them
    ours = {GossipReason.STATE_UNAVAILABLE.value, GossipReason.CHAIN_ID_MISMATCH.value}
    expected = {r.value for r in GossipReason if r is not GossipReason.ENVELOPE_INVALID} - ours
    expected |= {f"envelope_invalid:{c.value}" for c in EnvelopeCheck}
    expected |= {"decode_error:too_large", "decode_error:malformed"}
    assert reasons == expected - _UNREACHABLE[profile.name]


# ---------------------------------------------------------------------------------------------
# The runners fail on corrupted copies of valid cases
# ---------------------------------------------------------------------------------------------


def _copy(case_id: str, dest: Path, profile: SpecProfile) -> Path:
    target = dest / "tests" / case_id
    shutil.copytree(_BY_PROFILE[profile.name][case_id].path, target)
    return target


def _edit_yaml(path: Path, edit: Callable[[Any], None]) -> None:
    document = yaml.safe_load(path.read_text())
    edit(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def _message_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in steps if "message" in s]


def _edit_ssz(path: Path, edit: Callable[[bytes], bytes]) -> None:
    raw = bytes(cramjam.snappy.decompress_raw(path.read_bytes()))
    path.write_bytes(bytes(cramjam.snappy.compress_raw(edit(raw))))


def _flip(position: int) -> Callable[[bytes], bytes]:
    def edit(raw: bytes) -> bytes:
        data = bytearray(raw)
        data[position] ^= 0x01
        return bytes(data)

    return edit


def _first_valid_message_file(case_dir: Path) -> Path:
    steps = yaml.safe_load((case_dir / "steps.yaml").read_text())
    name = next(s["message"] for s in steps if s.get("expected") == "valid")
    return case_dir / f"{name}.ssz_snappy"


def _payload_file(case_dir: Path) -> Path:
    return next(case_dir.glob("payload_envelope_*.ssz_snappy"))


def _other_parent_root(raw: bytes) -> bytes:
    envelope = containers.ExecutionPayloadEnvelope.decode_bytes(raw)
    return envelope.copy_with(parent_beacon_block_root=b"\x77" * 32).encode_bytes()


def _set(index: int, key: str, value: Any, kind: str = "message") -> Callable[[Any], None]:
    def edit(steps: list[dict[str, Any]]) -> None:
        [s for s in steps if kind in s][index][key] = value

    return edit


def _del(index: int, key: str, kind: str = "message") -> Callable[[Any], None]:
    def edit(steps: list[dict[str, Any]]) -> None:
        del [s for s in steps if kind in s][index][key]

    return edit


def _expect_valid(index: int) -> Callable[[Any], None]:
    def edit(steps: list[dict[str, Any]]) -> None:
        step = _message_steps(steps)[index]
        step["expected"] = "valid"
        del step["reason"]

    return edit


def _set_engine(index: int, key: str, value: Any) -> Callable[[Any], None]:
    def edit(steps: list[dict[str, Any]]) -> None:
        _message_steps(steps)[index]["proof_engine"][key] = value

    return edit


def _last_checks(edit: Callable[[dict[str, Any]], None]) -> Callable[[Any], None]:
    def apply(steps: list[dict[str, Any]]) -> None:
        edit([s for s in steps if "checks" in s][-1]["checks"])

    return apply


def _steps(case_dir: Path) -> Path:
    return case_dir / "steps.yaml"


Corruption = Callable[[Path], None]

STORED = GOSSIP + "valid/valid_proof_stored"
NOT_STORED = GOSSIP + "valid/valid_proof_not_stored"
BAD_SIG = GOSSIP + "reject/envelope_bad_signature"
ENGINE = GOSSIP + "engine/engine_unavailable_then_valid"
MAX_SIZE = GOSSIP + "size_limits/max_proof_size_accepted"
FIRES = ACCEPTANCE + "k_of_n/3_of_5_fires_on_third_type"
PRUNE = ACCEPTANCE + "pruning/prune_drops_proven_block"
DIVERSITY = ACCEPTANCE + "diversity/min_el_guests_2"
ZEROS = "0x" + "00" * 32
BAD_SIGNATURE = "got reject (envelope_invalid:bad_signature)"


def _steps_edit(edit: Callable[[Any], None]) -> Corruption:
    return lambda case_dir: _edit_yaml(_steps(case_dir), edit)


def _file_edit(name: str, edit: Callable[[Any], None]) -> Corruption:
    return lambda case_dir: _edit_yaml(case_dir / name, edit)


def _ssz_edit(pick: Callable[[Path], Path], edit: Callable[[bytes], bytes]) -> Corruption:
    return lambda case_dir: _edit_ssz(pick(case_dir), edit)


def _proven_index(steps: list[dict[str, Any]]) -> int:
    return next(i for i, s in enumerate(steps) if "payload_proven" in s)


def _move_payload_proven(delta: int) -> Callable[[Any], None]:
    def edit(steps: list[dict[str, Any]]) -> None:
        index = _proven_index(steps)
        steps[index + delta]["payload_proven"] = steps[index].pop("payload_proven")

    return edit


def _edit_payload_proven(**changes: Any) -> Callable[[Any], None]:
    def edit(steps: list[dict[str, Any]]) -> None:
        steps[_proven_index(steps)]["payload_proven"].update(changes)

    return edit


def _expect(index: int, expected: str, reason: str) -> Callable[[Any], None]:
    return lambda steps: _message_steps(steps)[index].update(expected=expected, reason=reason)


# name -> (valid case, corruption, text the failure reason must contain)
GOSSIP_CORRUPTIONS: dict[str, tuple[str, Corruption, str]] = {
    "signature_byte_flipped": (
        STORED,
        _ssz_edit(_first_valid_message_file, _flip(50)),
        BAD_SIGNATURE,
    ),
    "validator_index_byte_flipped": (
        STORED,
        _ssz_edit(_first_valid_message_file, _flip(4)),
        BAD_SIGNATURE,
    ),
    "proof_data_byte_flipped_in_4_mib_message": (
        MAX_SIZE,
        _ssz_edit(_first_valid_message_file, _flip(1_000_000)),
        BAD_SIGNATURE,
    ),
    "payload_changed_so_engine_input_differs": (
        STORED,
        _ssz_edit(_payload_file, _other_parent_root),
        "expected one proof-engine call for ExecutionProof 0x",
    ),
    "expected_outcome_valid_to_ignore": (
        NOT_STORED,
        _steps_edit(_expect(0, "ignore", "prover_already_seen")),
        "expected ignore (prover_already_seen), got valid",
    ),
    "expected_outcome_reject_to_valid": (
        BAD_SIG,
        _steps_edit(_expect_valid(0)),
        "expected valid, got reject (envelope_invalid:bad_signature)",
    ),
    "reason_changed": (
        BAD_SIG,
        _steps_edit(_set(0, "reason", "envelope_invalid:inactive_validator")),
        "expected reject (envelope_invalid:inactive_validator), " + BAD_SIGNATURE,
    ),
    "reason_check_dropped": (
        BAD_SIG,
        _steps_edit(_set(0, "reason", "envelope_invalid")),
        "expected reject (envelope_invalid), " + BAD_SIGNATURE,
    ),
    "engine_verdict_valid_to_invalid": (
        STORED,
        _steps_edit(_set_engine(0, "verdict", "invalid")),
        "expected valid, got reject (proof_invalid)",
    ),
    "engine_verdict_unavailable_to_valid": (
        ENGINE,
        _steps_edit(_set_engine(0, "verdict", "valid")),
        "expected ignore (engine_unavailable), got valid",
    ),
    "engine_input_root_changed": (
        STORED,
        _steps_edit(_set_engine(0, "execution_proof_root", ZEROS)),
        f"expected one proof-engine call for ExecutionProof {ZEROS}",
    ),
    "engine_call_not_expected": (
        STORED,
        _steps_edit(_del(0, "proof_engine")),
        "got ignore (engine_unavailable); proof-engine calls ['0x",
    ),
    "engine_call_expected_but_none": (
        BAD_SIG,
        _steps_edit(_set(0, "proof_engine", {"verdict": "valid", "execution_proof_root": ZEROS})),
        "got none",
    ),
    "store_dropped": (
        STORED,
        _steps_edit(_del(0, "store")),
        "store.execution_proofs is {}, expected {'0x",
    ),
    "checks_wrong_proof_types": (
        STORED,
        _steps_edit(_last_checks(lambda c: c["execution_proofs"][0].update(proof_types=[2]))),
        ": [2]}",
    ),
    "checks_missing_entry": (
        STORED,
        _steps_edit(_last_checks(lambda c: c.update(execution_proofs=[]))),
        ": [1]}, expected {}",
    ),
    "state_pubkey_changed": (
        STORED,
        _file_edit(
            "state.yaml", lambda s: s["validators"][0].update(pubkey=s["validators"][1]["pubkey"])
        ),
        BAD_SIGNATURE,
    ),
    "state_validator_exited": (
        STORED,
        _file_edit("state.yaml", lambda s: s["validators"][0].update(exit_epoch=2)),
        "got reject (envelope_invalid:inactive_validator)",
    ),
    "block_marked_invalid": (
        STORED,
        _steps_edit(_set(0, "valid", False, kind="block")),
        "got ",  # 2026-08: reject (block_invalid); 2026-10: ignore (state_unavailable)
    ),
    "unknown_step_key": (
        STORED,
        _steps_edit(_set(0, "expect", "valid")),
        "unknown keys ['expect']",
    ),
    "yaml_syntax_error": (
        STORED,
        lambda d: _steps(d).write_text("- {message: [unclosed\n"),
        "ParserError",
    ),
    "steps_file_missing": (STORED, lambda d: _steps(d).unlink(), "FileNotFoundError"),
}

ACCEPTANCE_CORRUPTIONS: dict[str, tuple[str, Corruption, str]] = {
    "callback_one_step_early": (
        FIRES,
        _steps_edit(_move_payload_proven(-1)),
        "steps[1]: on_payload_proven calls none, expected [(",
    ),
    "callback_one_step_late": (
        FIRES,
        _steps_edit(_move_payload_proven(+1)),
        "steps[2]: on_payload_proven calls [(",
    ),
    "callback_wrong_proof_types": (
        FIRES,
        _steps_edit(_edit_payload_proven(proof_types=[1, 2, 3])),
        "20, [1, 2, 3])] (root",
    ),
    "callback_wrong_slot": (
        FIRES,
        _steps_edit(_edit_payload_proven(slot=21)),
        "21, [1, 2, 5])] (root",
    ),
    "stored_flag_wrong": (
        FIRES,
        _steps_edit(_set(0, "stored", False, "proof")),
        "steps[0]: store_proof returned True, expected False",
    ),
    "proof_for_pruned_block_expected_stored": (
        PRUNE,
        _steps_edit(_set(3, "stored", True, "proof")),
        "store_proof returned False, expected True",
    ),
    "pruned_roots_wrong": (
        PRUNE,
        _steps_edit(_set(0, "pruned", [], "prune")),
        "prune(21) dropped ['0x",
    ),
    "prune_at_block_slot": (
        PRUNE,
        _steps_edit(_set(0, "prune", {"finalized_slot": 20}, "prune")),
        "prune(20) dropped [], expected ['0x",
    ),
    "checks_proven_flipped": (
        FIRES,
        _steps_edit(_last_checks(lambda c: c["blocks"][0].update(proven=False))),
        "proven True, expected [1, 2, 3, 5, 6] and False",
    ),
    "policy_threshold_raised": (
        FIRES,
        _file_edit("policy.yaml", lambda p: p.update(threshold=4)),
        "steps[2]: on_payload_proven calls none",
    ),
    "policy_diversity_raised": (
        FIRES,
        _file_edit("policy.yaml", lambda p: p.update(min_zkvms=3)),
        "steps[2]: on_payload_proven calls none",
    ),
    "registry_entry_changed": (
        DIVERSITY,
        _file_edit("policy.yaml", lambda p: p["registry"][5].update(el_guest="ethrex")),
        "steps[4]: on_payload_proven calls none",
    ),
    "policy_impossible": (
        FIRES,
        _file_edit("policy.yaml", lambda p: p.update(threshold=6)),
        "can never be met",
    ),
    "policy_unknown_key": (
        FIRES,
        _file_edit("policy.yaml", lambda p: p.update(min_guests=2)),
        "unknown keys ['min_guests']",
    ),
}


MOCK_VALID = MOCK + "valid/type_2_1_kib"
MOCK_MIN = MOCK + "valid/type_1_minimum_size"
MOCK_128K = MOCK + "valid/type_3_default_size_128_kib"
MOCK_TAG = MOCK + "tampered/tag_bit_flipped"
ZK_VALID = MOCK + "zkboost/valid_1_kib"
ZK_ROOT = MOCK + "zkboost/wrong_root"
MOCK_TRUE = "verify_execution_proof returned False, expected True"
MOCK_FALSE = "verify_execution_proof returned True, expected False"
MOCK_REFUSED = "the native verifier answered VERIFY, expected OK"


def _proof_file(case_dir: Path) -> Path:
    return case_dir / "execution_proof.ssz_snappy"


def _proof_edit(
    edit: Callable[[containers.ExecutionProofBase], containers.ExecutionProofBase],
) -> Corruption:
    def apply(raw: bytes) -> bytes:
        return edit(PROFILES["2026-10"].ExecutionProof.decode_bytes(raw)).encode_bytes()

    return _ssz_edit(_proof_file, apply)


def _flip_proof_data(position: int) -> Corruption:
    def edit(proof: containers.ExecutionProofBase) -> containers.ExecutionProofBase:
        return proof.copy_with(proof_data=_flip(position)(proof.proof_data))

    return _proof_edit(edit)


def _input_changed(**changes: Any) -> Corruption:
    return _proof_edit(lambda p: p.copy_with(public_input=p.public_input.copy_with(**changes)))


def _update(name: str, **changes: Any) -> Corruption:
    return _file_edit(name, lambda document: document.update(changes))


def _drop(name: str, key: str) -> Corruption:
    return _file_edit(name, lambda document: document.pop(key))


# name -> (valid case, corruption, text the failure reason must contain)
MOCK_CORRUPTIONS: dict[str, tuple[str, Corruption, str]] = {
    "mock_padding_byte_flipped": (
        MOCK_VALID,
        _flip_proof_data(600),
        MOCK_TRUE + "; " + MOCK_REFUSED,
    ),
    "mock_tag_byte_flipped": (MOCK_MIN, _flip_proof_data(100), MOCK_TRUE),
    "mock_header_byte_flipped": (
        MOCK_MIN,
        _flip_proof_data(16),
        "answered DECODE_PROOF, expected OK",
    ),
    "mock_byte_flipped_in_128_kib_proof": (MOCK_128K, _flip_proof_data(70_000), MOCK_REFUSED),
    "mock_ssz_last_byte_flipped": (
        MOCK_VALID,
        _ssz_edit(_proof_file, _flip(-1)),
        MOCK_TRUE,
    ),
    "mock_input_root_changed": (
        MOCK_VALID,
        _input_changed(new_payload_request_root=b"\x07" * 32),
        MOCK_TRUE,
    ),
    "mock_input_chain_id_changed": (MOCK_VALID, _input_changed(chain_id=6), MOCK_TRUE),
    "mock_expected_valid_to_false": (MOCK_VALID, _update("expected.yaml", valid=False), MOCK_FALSE),
    "mock_expected_invalid_to_true": (MOCK_TAG, _update("expected.yaml", valid=True), MOCK_TRUE),
    "mock_expected_status_changed": (
        MOCK_TAG,
        _update("expected.yaml", verifier_status="DECODE_PROOF"),
        "answered VERIFY, expected DECODE_PROOF",
    ),
    "mock_expected_public_values_changed": (
        MOCK_VALID,
        _update("expected.yaml", public_values="0x" + "00" * 43),
        "returned public values 0x",
    ),
    "mock_vk_changed": (
        MOCK_VALID,
        _update("proof_engine.yaml", program_vk="0x" + "11" * 32),
        MOCK_TRUE + "; " + MOCK_REFUSED,
    ),
    "mock_backend_changed": (
        MOCK_VALID,
        _update("proof_engine.yaml", backend="zkboost-mock"),
        MOCK_TRUE,
    ),
    "mock_form_changed": (
        MOCK_VALID,
        _update("proof_engine.yaml", public_values="zkboost-v0.7"),
        MOCK_TRUE,
    ),
    "zkboost_form_changed": (
        ZK_VALID,
        _update("proof_engine.yaml", public_values="ssz"),
        MOCK_TRUE,
    ),
    "zkboost_committed_byte_flipped": (
        ZK_VALID,
        _flip_proof_data(0),
        MOCK_TRUE + "; the native verifier returned public values",
    ),
    "zkboost_input_root_changed": (
        ZK_VALID,
        _input_changed(new_payload_request_root=b"\x07" * 32),
        MOCK_TRUE,
    ),
    "zkboost_wrong_root_expected_true": (ZK_ROOT, _update("expected.yaml", valid=True), MOCK_TRUE),
    "proof_type_differs_from_config": (
        MOCK_VALID,
        _update("proof_engine.yaml", proof_type=3),
        "the proof has type 2, proof_engine.yaml configures 3",
    ),
    "backend_library": (
        MOCK_VALID,
        _update("proof_engine.yaml", backend="library"),
        "backend is 'library', not one of",
    ),
    "engine_refuses_empty_mock_vk": (
        MOCK_VALID,
        _update("proof_engine.yaml", program_vk="0x"),
        "the proof engine refuses proof_engine.yaml",
    ),
    "status_not_ok_with_public_values": (
        MOCK_VALID,
        _update("expected.yaml", verifier_status="VERIFY"),
        "public_values without status OK",
    ),
    "public_values_missing": (
        MOCK_VALID,
        _drop("expected.yaml", "public_values"),
        "public_values: expected a 0x-prefixed hex string",
    ),
    "valid_not_a_bool": (
        MOCK_VALID,
        _update("expected.yaml", valid="true"),
        "valid is str, expected bool",
    ),
    "expected_unknown_key": (
        MOCK_VALID,
        _update("expected.yaml", verified=True),
        "unknown keys ['verified']",
    ),
    "config_unknown_key": (
        MOCK_VALID,
        _update("proof_engine.yaml", proof_size=1024),
        "unknown keys ['proof_size']",
    ),
    "proof_not_ssz": (
        MOCK_VALID,
        lambda d: _proof_file(d).write_bytes(bytes(cramjam.snappy.compress_raw(b"\x01\x02"))),
        "is not an ExecutionProof",
    ),
    "expected_file_missing": (
        MOCK_VALID,
        lambda d: (d / "expected.yaml").unlink(),
        "FileNotFoundError",
    ),
}


@pytest.mark.parametrize(
    "case_id",
    [STORED, NOT_STORED, BAD_SIG, ENGINE, FIRES, PRUNE, MOCK_VALID, MOCK_TAG, ZK_VALID, ZK_ROOT],
)
def test_uncorrupted_copies_pass(case_id: str, tmp_path: Path, profile: SpecProfile) -> None:
    _copy(case_id, tmp_path, profile)
    [result] = run_tree(tmp_path, profile=profile)
    assert result.outcome is Outcome.PASSED, result.reason


@pytest.mark.parametrize(
    ("case_id", "corrupt", "needle"),
    [*GOSSIP_CORRUPTIONS.values(), *ACCEPTANCE_CORRUPTIONS.values(), *MOCK_CORRUPTIONS.values()],
    ids=[*GOSSIP_CORRUPTIONS, *ACCEPTANCE_CORRUPTIONS, *MOCK_CORRUPTIONS],
)
def test_runner_reports_corrupted_case_as_failed(
    case_id: str, corrupt: Corruption, needle: str, tmp_path: Path, profile: SpecProfile
) -> None:
    corrupt(_copy(case_id, tmp_path, profile))
    [result] = run_tree(tmp_path, profile=profile)
    assert result.outcome is Outcome.FAILED, result
    assert needle in result.reason


@pytest.mark.parametrize(
    ("name", "got"),
    [("2026-08", "got reject (block_invalid)"), ("2026-10", "got ignore (state_unavailable)")],
)
def test_block_marked_invalid_fails_by_each_profiles_rule(
    name: str, got: str, tmp_path: Path
) -> None:
    profile = PROFILES[name]
    _edit_yaml(_steps(_copy(STORED, tmp_path, profile)), _set(0, "valid", False, kind="block"))
    [result] = run_tree(tmp_path, profile=profile)
    assert result.outcome is Outcome.FAILED
    assert got in result.reason


def test_failure_reasons_name_the_step_and_what_differs(
    tmp_path: Path, profile: SpecProfile
) -> None:
    target = _copy(BAD_SIG, tmp_path, profile)
    _edit_yaml(_steps(target), _set(0, "reason", "envelope_invalid:inactive_validator"))
    [result] = run_tree(tmp_path, profile=profile)
    assert "steps[2]" in result.reason
    assert "envelope_invalid:inactive_validator" in result.reason
    assert "envelope_invalid:bad_signature" in result.reason


def test_equivalent_reasons_are_accepted_and_only_those(tmp_path: Path) -> None:
    """2026-08: our order checks the prover key first, so the resent message names it."""
    profile = PROFILES["2026-08"]
    case_id = GOSSIP + "ignore/same_message_resent"
    target = _copy(case_id, tmp_path, profile)
    steps = yaml.safe_load(_steps(target).read_text())
    resent = _message_steps(steps)[1]
    assert (resent["reason"], resent["equivalent_reasons"]) == (
        "already_processed",
        ["prover_already_seen"],
    )
    # the spec's reason and its listed equivalent both pass; anything else fails
    resent["reason"], resent["equivalent_reasons"] = "prover_already_seen", ["already_processed"]
    _steps(target).write_text(yaml.safe_dump(steps, sort_keys=False))
    assert run_tree(tmp_path, profile=profile)[0].outcome is Outcome.PASSED
    del resent["equivalent_reasons"]
    resent["reason"] = "already_processed"
    _steps(target).write_text(yaml.safe_dump(steps, sort_keys=False))
    assert run_tree(tmp_path, profile=profile)[0].outcome is Outcome.FAILED


# ---------------------------------------------------------------------------------------------
# Skips name their reason
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "reason"),
    [
        (STORED, "minimal/eip8025/networking/get_custody_groups/x/y", "networking/get_custody"),
        (FIRES, "minimal/eip8025/fork_choice/on_block/x/y", "fork_choice/on_block"),
        (STORED, "general/eip8025/networking/gossip_execution_proof/x/y", "preset 'general'"),
        (STORED, "minimal/eip8025/sanity/blocks/x/y", "runner sanity"),
        (MOCK_VALID, "minimal/eip8025/proof_engine/zkvm/x/y", "proof_engine/zkvm"),
    ],
)
def test_unsupported_cases_are_skipped_with_a_reason(
    source: str, target: str, reason: str, tmp_path: Path
) -> None:
    shutil.copytree(_CASES[source].path, tmp_path / "tests" / target)
    [result] = run_tree(tmp_path)
    assert result.outcome is Outcome.SKIPPED
    assert reason in result.reason


# ---------------------------------------------------------------------------------------------
# The vector-scripted engine (a test double) and the CLI
# ---------------------------------------------------------------------------------------------


def _execution_proof(data: bytes) -> containers.ExecutionProofBase:
    public_input = containers.PublicInput(
        new_payload_request_root=b"\x01" * 32,
        successful_validation=True,
        chain_id=5,
        schema_id=containers.STATELESS_INPUT_SCHEMA_ID,
    )
    return PROFILES["2026-10"].ExecutionProof(
        proof_data=data, proof_type=1, public_input=public_input
    )


def test_vector_engine_answers_the_scripted_verdict_and_records_calls() -> None:
    engine = VectorProofEngine()
    proof = _execution_proof(b"\x01")
    for verdict, answer in (("valid", True), ("invalid", False)):
        engine.script(verdict)  # type: ignore[arg-type]
        assert engine.verify_execution_proof(proof) is answer
        assert engine.calls == [proof.hash_tree_root()]
    for verdict in ("unavailable", None):
        engine.script(verdict)  # type: ignore[arg-type]
        with pytest.raises(ProofEngineUnavailable):
            engine.verify_execution_proof(proof)
        assert engine.calls == [proof.hash_tree_root()]


def test_cli_generate_refuses_to_overwrite_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    small = acceptance_cases()[:1]
    monkeypatch.setattr(generator, "build_cases", lambda profile: small)
    assert cli_main(["vectors", "generate", str(tmp_path)]) == 0
    assert "wrote 1 cases" in capsys.readouterr().out
    stale = tmp_path / generator.GENERATED_HANDLER_DIRS[1] / "stale" / "case"
    stale.mkdir(parents=True)
    assert cli_main(["vectors", "generate", str(tmp_path)]) == 1
    assert "--force" in capsys.readouterr().err
    assert cli_main(["vectors", "generate", str(tmp_path), "--force"]) == 0
    assert not stale.exists()
    assert [c.id for c in discover_cases(tmp_path)] == ["/".join(small[0].relative_dir.parts[1:])]
    assert cli_main(["spec-tests", str(tmp_path)]) == 0


def test_case_ids_are_stable() -> None:
    case: Case = _CASES[STORED]
    assert (case.runner, case.handler, case.suite, case.name) == (
        "networking",
        "gossip_execution_proof",
        "valid",
        "valid_proof_stored",
    )


def test_readme_case_counts_match_the_tree(profile: SpecProfile) -> None:
    readme = (VECTORS / "README.md").read_text()
    for handler in (GOSSIP, ACCEPTANCE, MOCK):
        runner_handler = "/".join(handler.split("/")[2:4])
        start = f"| `{profile.name}` | `{runner_handler}`"
        row = next(line for line in readme.splitlines() if line.startswith(start))
        documented = {s: int(n) for s, n in re.findall(r"`(\w+)` \((\d+)\)", row)}
        actual: dict[str, int] = {}
        for case_id in _BY_PROFILE[profile.name]:
            if case_id.startswith(handler):
                suite = case_id.split("/")[4]
                actual[suite] = actual.get(suite, 0) + 1
        assert documented == actual, (profile.name, runner_handler)


# ---------------------------------------------------------------------------------------------
# proof_engine/mock: coverage, size, and the generator's transcription of the mock formats
# ---------------------------------------------------------------------------------------------


def _mock_documents() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    return {
        case_id: (
            yaml.safe_load((case.path / "proof_engine.yaml").read_text()),
            yaml.safe_load((case.path / "expected.yaml").read_text()),
        )
        for case_id, case in _CASES.items()
        if case_id.startswith(MOCK)
    }


def test_mock_vectors_cover_every_class_and_stay_small() -> None:
    documents = _mock_documents()
    names = {case_id.removeprefix(MOCK) for case_id in documents}
    assert {name.split("/")[0] for name in names} == {
        "valid",
        "tampered",
        "wrong_vk",
        "public_input",
        "zkboost",
        "config_mismatch",
    }
    for needle in (
        "tampered/magic",
        "tampered/version",
        "tampered/kind",
        "tampered/reserved",
        "tampered/public_values_length",
        "tampered/public_values_length_256_padded",
        "tampered/total_length",
        "tampered/public_values_byte",
        "tampered/tag",
        "tampered/padding",
        "tampered/truncated",
        "wrong_vk/",
        "public_input/root_mismatch",
        "public_input/chain_id_mismatch",
        "public_input/schema_id",
        "public_input/successful_validation_false",
        "zkboost/valid",
        "zkboost/wrong_root",
        "valid/type_3_default_size_128_kib",
    ):
        assert any(name.startswith(needle) for name in names), needle
    seen = {
        (config["backend"], config["public_values"], expected["valid"], expected["verifier_status"])
        for config, expected in documents.values()
    }
    for backend, form in (("mock", "ssz"), ("zkboost-mock", "zkboost-v0.7")):
        assert {(v, s) for b, f, v, s in seen if (b, f) == (backend, form)} == {
            (True, "OK"),
            (False, "OK"),
            (False, "DECODE_PROOF"),
        } | ({(False, "VERIFY")} if backend == "mock" else set())
    assert {(b, f) for b, f, _, _ in seen} == {
        ("mock", "ssz"),
        ("mock", "zkboost-v0.7"),
        ("zkboost-mock", "zkboost-v0.7"),
        ("zkboost-mock", "ssz"),
    }
    tree = _TREES["2026-10"] / "tests"
    size = sum(len(data) for p, data in _files(tree).items() if p.startswith(MOCK))
    assert size < 100_000, f"proof_engine/mock is {size:,} bytes"


def test_valid_mock_cases_expect_their_public_input_as_public_values() -> None:
    for case_id, (config, expected) in _mock_documents().items():
        if config["backend"] == "mock" and expected["valid"]:
            raw = cramjam.snappy.decompress_raw(
                (_CASES[case_id].path / "execution_proof.ssz_snappy").read_bytes()
            )
            proof = PROFILES["2026-10"].ExecutionProof.decode_bytes(bytes(raw))
            assert expected["public_values"] == "0x" + proof.public_input.encode_bytes().hex()


INPUTS = [
    MockInput(),
    MockInput(root=bytes(32), chain_id=2**64 - 1),
    MockInput(successful_validation=False, schema_id=0x1502),
]


@pytest.mark.parametrize("public_input", INPUTS)
def test_mock_transcription_matches_the_native_prover(public_input: MockInput) -> None:
    container = containers.PublicInput(
        new_payload_request_root=public_input.root,
        successful_validation=public_input.successful_validation,
        chain_id=public_input.chain_id,
        schema_id=public_input.schema_id,
    )
    assert public_input.ssz() == container.encode_bytes()
    for profile in PROFILES.values():
        proof = profile.ExecutionProof(proof_data=b"\x01\x02", proof_type=3, public_input=container)
        assert execution_proof_ssz(b"\x01\x02", 3, public_input) == proof.encode_bytes()
    for vk, size in ((b"\x05", 107), (b"vk" * 40, 256), (devnet_vk(2), 131072)):
        proof, public_values = native.Prover(native.ZkVMKind.MOCK, vk, proof_size=size).prove(
            public_input.ssz()
        )
        assert (mock_proof(vk, public_input.ssz(), size), public_input.ssz()) == (
            proof,
            public_values,
        )
    zk_proof, zk_values = native.Prover(native.ZkVMKind.ZKBOOST_MOCK, b"", proof_size=64).prove(
        public_input.ssz()
    )
    ours = zkboost_proof(public_input, 64)
    assert ours[:32] == zk_proof[:32] == zk_values
    assert ours[32:] == bytes(32)  # ours pads with zeros, zkboost's prover with random bytes
    verifier = native.Verifier(native.ZkVMKind.ZKBOOST_MOCK, b"")
    assert verifier.verify(ours) == verifier.verify(zk_proof) == zk_values


def test_devnet_vk_is_the_devnet_configuration() -> None:
    for proof_type in (1, 2):
        config = devnet_mock_config([proof_type]).proof_types[proof_type]
        assert devnet_vk(proof_type) == config.program_vk


def test_mock_cases_generate_deterministically() -> None:
    first = [(c.relative_dir, c.files) for c in mock_cases()]
    assert first == [(c.relative_dir, c.files) for c in mock_cases()]
