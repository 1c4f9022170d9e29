"""The spec profiles: 2026-10 (default) and 2026-08 side by side, selected by one setting."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from ssz.exceptions import DeserializationError, SerializationError

from eip8025 import config as cfg
from eip8025 import containers
from eip8025.profiles import DEFAULT_PROFILE, PROFILES, SpecProfile, get_profile
from eip8025.ssz.merkle import ZERO_HASHES
from eip8025.verification import EnvelopeInvalid, verify_execution_proof_envelope
from eip8025_cli import build_parser
from eip8025_spec_tests.gen_gossip import PROFILE_SCENARIOS
from tests.conftest import REPO
from tests.factories import make_payload, make_world

OLD, NEW = PROFILES["2026-08"], PROFILES["2026-10"]


def _reference_byte_list_root(data: bytes, limit: int) -> bytes:
    """``hash_tree_root(ByteList[limit](data))`` with hashlib alone (an independent route)."""
    chunks = [data[i : i + 32].ljust(32, b"\x00") for i in range(0, len(data), 32)]
    depth = ((limit + 31) // 32 - 1).bit_length()
    layer = chunks
    for level in range(depth):
        if len(layer) % 2:
            layer = [*layer, ZERO_HASHES[level]]
        layer = [hashlib.sha256(layer[i] + layer[i + 1]).digest() for i in range(0, len(layer), 2)]
    root = layer[0] if layer else ZERO_HASHES[depth]
    return hashlib.sha256(root + len(data).to_bytes(32, "little")).digest()


def test_default_is_today_and_names_are_unique() -> None:
    assert DEFAULT_PROFILE is NEW is get_profile("2026-10")
    assert list(PROFILES) == ["2026-10", "2026-08"]
    assert cfg.SpecConfig().profile is NEW
    assert cfg.MINIMAL_CONFIG.profile is NEW
    with pytest.raises(ValueError, match="unknown spec profile 'c63ce15'; choose one of 2026-10"):
        get_profile("c63ce15")


def test_every_profile_has_vectors_and_gossip_scenarios() -> None:
    """Adding a profile means its module, its vectors and its gossip scenarios: all present."""
    for name in PROFILES:
        assert name in PROFILE_SCENARIOS
        assert (REPO / "vectors" / name / "tests").is_dir()


@pytest.mark.parametrize("size", [0, 1, 31, 32, 33, 4096, 100_000, containers.MAX_PROOF_SIZE])
def test_2026_10_proof_data_root_is_a_bounded_byte_list(size: int) -> None:
    data = bytes((i * 7 + 3) % 256 for i in range(min(size, 4096))) * (size // 4096 or 1)
    data = data[:size].ljust(size, b"\x05")
    envelope = NEW.ExecutionProofEnvelope(
        proof_data=data, proof_type=1, beacon_block_root=bytes(32)
    )
    field_root = _reference_byte_list_root(data, containers.MAX_PROOF_SIZE)
    expected = _merkleize_fields(field_root, bytes([1]).ljust(32, b"\x00"), bytes(32))
    assert envelope.hash_tree_root() == expected
    old = OLD.ExecutionProofEnvelope(proof_data=data, proof_type=1, beacon_block_root=bytes(32))
    assert old.encode_bytes() == envelope.encode_bytes()  # same bytes ...
    assert old.hash_tree_root() != envelope.hash_tree_root()  # ... another root


def _merkleize_fields(*roots: bytes) -> bytes:
    layer = [*roots, bytes(32)] if len(roots) % 2 else list(roots)
    while len(layer) > 1:
        if len(layer) % 2:
            layer.append(bytes(32))
        layer = [hashlib.sha256(layer[i] + layer[i + 1]).digest() for i in range(0, len(layer), 2)]
    return layer[0]


def test_2026_10_proof_data_over_the_limit_has_no_encoding_and_no_root() -> None:
    envelope = NEW.ExecutionProofEnvelope(
        proof_data=bytes(containers.MAX_PROOF_SIZE + 1), proof_type=1, beacon_block_root=bytes(32)
    )
    with pytest.raises(SerializationError):
        envelope.encode_bytes()
    with pytest.raises(SerializationError):
        envelope.hash_tree_root()


def _request(profile: SpecProfile, hashes: int) -> containers.NewPayloadRequestBase:
    payload = make_payload(b"\x09" * 32)
    return profile.NewPayloadRequest(
        execution_payload=payload.payload,
        versioned_hashes=tuple(i.to_bytes(32, "little") for i in range(hashes)),
        parent_beacon_block_root=b"\x02" * 32,
        execution_requests=payload.execution_requests,
    )


@pytest.mark.parametrize("hashes", [0, 1, 4096])
def test_new_payload_request_keeps_fields_bytes_and_root(hashes: int) -> None:
    """#5619: Gloas NewPayloadRequest has SSZNewPayloadRequest's fields, bytes and root."""
    old, new = _request(OLD, hashes), _request(NEW, hashes)
    assert (
        type(new).__name__ == "NewPayloadRequest"
    )
    assert (
        type(old).__name__ == "SSZNewPayloadRequest"
    )
    assert new.encode_bytes() == old.encode_bytes()
    assert new.hash_tree_root() == old.hash_tree_root()
    assert NEW.NewPayloadRequest.decode_bytes(new.encode_bytes()) == new


def test_new_payload_request_refuses_4097_versioned_hashes() -> None:
    encoded = _request(NEW, 4096).encode_bytes()
    request = _request(NEW, 4096)
    too_many = request.copy_with(versioned_hashes=(*request.versioned_hashes, bytes(32)))
    with pytest.raises(SerializationError):
        too_many.encode_bytes()
    # splice one more hash into the encoding: the list is the second variable field
    with pytest.raises(DeserializationError):
        NEW.NewPayloadRequest.decode_bytes(_with_extra_hash(encoded))


def _with_extra_hash(encoded: bytes) -> bytes:
    offsets = [int.from_bytes(encoded[i : i + 4], "little") for i in (0, 4, 40)]
    payload_end, hashes_end = offsets[1], offsets[2]
    assert payload_end < hashes_end <= len(encoded)
    grown = encoded[:hashes_end] + bytes(32) + encoded[hashes_end:]
    return grown[:40] + (hashes_end + 32).to_bytes(4, "little") + grown[44:]


def test_a_2026_08_signature_fails_under_2026_10() -> None:
    """The issue's headline: the signing root moved with ProofData's root."""
    old_world, new_world = make_world(profile=OLD), make_world(profile=NEW)
    signed_old = old_world.signed(1, 0)
    verify_execution_proof_envelope(
        old_world.state, signed_old, old_world.payload, ctx=old_world.ctx
    )
    as_new = NEW.SignedExecutionProofEnvelope.decode_bytes(signed_old.encode_bytes())
    with pytest.raises(EnvelopeInvalid, match="bad_signature"):
        verify_execution_proof_envelope(
            new_world.state, as_new, new_world.payload, ctx=new_world.ctx
        )
    verify_execution_proof_envelope(
        new_world.state, new_world.signed(1, 0), new_world.payload, ctx=new_world.ctx
    )


def test_config_file_selects_the_profile(tmp_path: Path) -> None:
    assert cfg.load_config({}).profile is NEW
    assert cfg.load_config({"spec_profile": "2026-08"}).profile is OLD
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"spec_profile": "2026-08", "preset": "minimal"}))
    loaded = cfg.load_config(path)
    assert (loaded.profile, loaded.preset, loaded.deposit_chain_id) == (OLD, cfg.MINIMAL, 5)
    with pytest.raises(ValueError, match="unknown spec profile"):
        cfg.load_config({"spec_profile": "2026-09"})
    assert cfg.MINIMAL_CONFIG.with_profile("2026-08").spec_exact().supported_proof_types == {
        1,
        2,
        3,
    }


@pytest.mark.parametrize(
    "argv",
    [
        ["node"],
        ["devnet"],
        ["spec-tests", "x"],
        ["vectors", "generate", "x"],
        ["prove", "--proof-type", "1", "--new-payload-request", "r", "--out", "o"],
        ["verify"],
    ],
    ids=lambda argv: argv[0] + ("-" + argv[1] if argv[0] == "vectors" else ""),
)
def test_every_command_takes_spec_profile(argv: list[str]) -> None:
    parser = build_parser()
    assert parser.parse_args(argv).spec_profile == "2026-10"
    assert parser.parse_args([*argv, "--spec-profile", "2026-08"]).spec_profile == "2026-08"
    with pytest.raises(SystemExit):
        parser.parse_args([*argv, "--spec-profile", "2025-01"])
