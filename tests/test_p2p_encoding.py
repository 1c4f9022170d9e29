"""eth2 gossip encoding: topic, size limits before decompression, message-id."""

from __future__ import annotations

import hashlib

import cramjam
import pytest

from eip8025 import profile
from eip8025_p2p.encoding import (
    MAX_COMPRESSED_EXECUTION_PROOF_SIZE,
    GossipDecodeError,
    compute_message_id,
    decode_execution_proof,
    encode_execution_proof,
    execution_proof_topic,
    snappy_uncompressed_length,
)


def _signed(size: int = 100) -> profile.SignedExecutionProofEnvelope:
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


def test_round_trip_including_max_size() -> None:
    for size in (1, 1000, profile.MAX_PROOF_SIZE):
        signed = _signed(size)
        assert decode_execution_proof(encode_execution_proof(signed)) == signed


def test_max_compressed_len_value() -> None:
    n = profile.MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE
    assert 32 + n + n // 6 == MAX_COMPRESSED_EXECUTION_PROOF_SIZE


def test_oversized_announced_length_is_rejected_before_decompressing() -> None:
    raw = bytes(profile.MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE + 1)
    compressed = bytes(cramjam.snappy.compress_raw(raw))
    assert snappy_uncompressed_length(compressed) == len(raw)
    with pytest.raises(GossipDecodeError, match="announced"):
        decode_execution_proof(compressed)


def test_oversized_compressed_payload_is_rejected() -> None:
    with pytest.raises(GossipDecodeError, match="compressed bytes exceed"):
        decode_execution_proof(b"\x00" * (MAX_COMPRESSED_EXECUTION_PROOF_SIZE + 1))


@pytest.mark.parametrize("payload", [b"", b"\xff\xff\xff\xff\xff\xff", b"\x10garbage"])
def test_garbage_is_a_decode_error(payload: bytes) -> None:
    with pytest.raises(GossipDecodeError):
        decode_execution_proof(payload)


def test_valid_snappy_invalid_ssz_is_a_decode_error() -> None:
    with pytest.raises(GossipDecodeError, match="invalid SSZ"):
        decode_execution_proof(bytes(cramjam.snappy.compress_raw(b"\x01\x02\x03")))


def test_message_id_valid_and_invalid_snappy() -> None:
    topic = execution_proof_topic(b"\x01\x02\x03\x04")
    data = encode_execution_proof(_signed())
    raw = _signed().encode_bytes()
    prefix = len(topic).to_bytes(8, "little") + topic.encode()
    assert (
        compute_message_id(topic, data)
        == hashlib.sha256(profile.MESSAGE_DOMAIN_VALID_SNAPPY + prefix + raw).digest()[:20]
    )
    junk = b"\xff\x00junk"
    assert (
        compute_message_id(topic, junk)
        == hashlib.sha256(profile.MESSAGE_DOMAIN_INVALID_SNAPPY + prefix + junk).digest()[:20]
    )
