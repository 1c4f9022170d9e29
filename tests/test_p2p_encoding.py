"""eth2 gossip encoding: topic, size limits before decompression, message-id."""

from __future__ import annotations

import hashlib

import cramjam
import pytest
from ssz.exceptions import DeserializationError

from eip8025 import containers
from eip8025.profiles import DEFAULT_PROFILE as PROFILE
from eip8025.profiles import PROFILES, SpecProfile
from eip8025_p2p.encoding import (
    MAX_COMPRESSED_EXECUTION_PROOF_SIZE,
    GossipDecodeError,
    compute_message_id,
    decode_execution_proof,
    encode_execution_proof,
    execution_proof_topic,
    snappy_uncompressed_length,
)


def _signed(
    size: int = 100, profile: SpecProfile = PROFILE
) -> containers.SignedExecutionProofEnvelopeBase:
    return profile.SignedExecutionProofEnvelope(
        message=profile.ExecutionProofEnvelope(
            proof_data=bytes(range(256)) * (size // 256) + b"\x01" * (size % 256),
            proof_type=1,
            beacon_block_root=b"\x05" * 32,
        ),
        validator_index=3,
        signature=b"\x07" * 96,
    )


def test_topic_name() -> None:
    assert execution_proof_topic(bytes.fromhex("a1b2c3d4")) == (
        "/eth2/a1b2c3d4/execution_proof/ssz_snappy"
    )


def test_round_trip_including_max_size(profile: SpecProfile) -> None:
    for size in (1, 1000, containers.MAX_PROOF_SIZE):
        signed = _signed(size, profile)
        assert decode_execution_proof(encode_execution_proof(signed, profile), profile) == signed


def test_the_same_bytes_decode_as_either_profile_with_different_roots() -> None:
    """#5593 changed roots, not bytes: a message is the same bytes under both profiles."""
    old, new = PROFILES["2026-08"], PROFILES["2026-10"]
    data = encode_execution_proof(_signed(5000, old), old)
    assert data == encode_execution_proof(_signed(5000, new), new)
    as_old, as_new = decode_execution_proof(data, old), decode_execution_proof(data, new)
    assert as_old.message.hash_tree_root() != as_new.message.hash_tree_root()


def test_proof_data_over_the_2026_10_type_bound_does_not_decode() -> None:
    """2026-10's ByteList[MAX_PROOF_SIZE] bounds the type; 2026-08's progressive list does not."""
    old, new = PROFILES["2026-08"], PROFILES["2026-10"]
    fixed = (37).to_bytes(4, "little") + b"\x01" + bytes(32)
    at_bound = fixed + bytes(containers.MAX_PROOF_SIZE)
    over = at_bound + b"\x00"
    assert len(new.ExecutionProofEnvelope.decode_bytes(at_bound).proof_data) == len(at_bound) - 37
    with pytest.raises(DeserializationError, match="exceed the ByteList limit"):
        new.ExecutionProofEnvelope.decode_bytes(over)
    assert len(old.ExecutionProofEnvelope.decode_bytes(over).proof_data) == len(over) - 37


def test_max_compressed_len_value() -> None:
    n = PROFILE.max_signed_execution_proof_envelope_size
    assert 32 + n + n // 6 == MAX_COMPRESSED_EXECUTION_PROOF_SIZE


def test_oversized_announced_length_is_rejected_before_decompressing() -> None:
    raw = bytes(PROFILE.max_signed_execution_proof_envelope_size + 1)
    compressed = bytes(cramjam.snappy.compress_raw(raw))
    assert snappy_uncompressed_length(compressed) == len(raw)
    with pytest.raises(GossipDecodeError, match="announced"):
        decode_execution_proof(compressed, PROFILE)


def test_oversized_compressed_payload_is_rejected() -> None:
    with pytest.raises(GossipDecodeError, match="compressed bytes exceed"):
        decode_execution_proof(b"\x00" * (MAX_COMPRESSED_EXECUTION_PROOF_SIZE + 1), PROFILE)


@pytest.mark.parametrize("payload", [b"", b"\xff\xff\xff\xff\xff\xff", b"\x10garbage"])
def test_garbage_is_a_decode_error(payload: bytes) -> None:
    with pytest.raises(GossipDecodeError):
        decode_execution_proof(payload, PROFILE)


def test_valid_snappy_invalid_ssz_is_a_decode_error() -> None:
    with pytest.raises(GossipDecodeError, match="invalid SSZ"):
        decode_execution_proof(bytes(cramjam.snappy.compress_raw(b"\x01\x02\x03")), PROFILE)


def test_message_id_valid_and_invalid_snappy() -> None:
    topic = execution_proof_topic(b"\x01\x02\x03\x04")
    data = encode_execution_proof(_signed(), PROFILE)
    raw = _signed().encode_bytes()
    prefix = len(topic).to_bytes(8, "little") + topic.encode()
    assert (
        compute_message_id(topic, data)
        == hashlib.sha256(containers.MESSAGE_DOMAIN_VALID_SNAPPY + prefix + raw).digest()[:20]
    )
    junk = b"\xff\x00junk"
    assert (
        compute_message_id(topic, junk)
        == hashlib.sha256(containers.MESSAGE_DOMAIN_INVALID_SNAPPY + prefix + junk).digest()[:20]
    )
