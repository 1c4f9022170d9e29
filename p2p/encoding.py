"""eth2 gossip encoding of the ``execution_proof`` topic: ssz_snappy, size limits, message-id.

Everything here is a pure function so the network layer and the tests share one implementation.
Size limits are enforced *before* decompressing: the compressed length against
``max_compressed_len(MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE)``, then the uncompressed length that
the snappy block header announces against ``MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE``.
"""

from __future__ import annotations

import hashlib

import cramjam
from ssz.exceptions import DeserializationError

from eip8025.profile import (
    EXECUTION_PROOF_TOPIC_NAME,
    MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE,
    MESSAGE_DOMAIN_INVALID_SNAPPY,
    MESSAGE_DOMAIN_VALID_SNAPPY,
    SignedExecutionProofEnvelope,
    max_compressed_len,
)

__all__ = [
    "MAX_COMPRESSED_EXECUTION_PROOF_SIZE",
    "GossipDecodeError",
    "compute_message_id",
    "decode_execution_proof",
    "encode_execution_proof",
    "execution_proof_topic",
    "snappy_uncompressed_length",
]

MAX_COMPRESSED_EXECUTION_PROOF_SIZE = max_compressed_len(MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE)
"""Largest acceptable gossip payload for the topic (compressed bytes)."""


class GossipDecodeError(ValueError):
    """The payload is not a valid ssz_snappy ``SignedExecutionProofEnvelope`` (a REJECT)."""


def execution_proof_topic(fork_digest: bytes) -> str:
    """``/eth2/{fork_digest}/execution_proof/ssz_snappy``."""
    if len(fork_digest) != 4:
        raise ValueError("a fork digest is 4 bytes")
    return f"/eth2/{fork_digest.hex()}/{EXECUTION_PROOF_TOPIC_NAME}/ssz_snappy"


def snappy_uncompressed_length(data: bytes) -> int:
    """Read the varint length preamble of a snappy block (raises GossipDecodeError if bad)."""
    value = 0
    for index in range(min(len(data), 5)):
        byte = data[index]
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value
    raise GossipDecodeError("snappy length preamble is truncated or longer than 32 bits")


def _decompress(data: bytes) -> bytes:
    if len(data) > MAX_COMPRESSED_EXECUTION_PROOF_SIZE:
        raise GossipDecodeError(
            f"{len(data)} compressed bytes exceed {MAX_COMPRESSED_EXECUTION_PROOF_SIZE}"
        )
    announced = snappy_uncompressed_length(data)
    if announced > MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE:
        raise GossipDecodeError(
            f"announced {announced} bytes exceed {MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE}"
        )
    try:
        raw = bytes(cramjam.snappy.decompress_raw(data))
    except Exception as exc:  # cramjam raises its own error types
        raise GossipDecodeError(f"snappy decompression failed: {exc}") from None
    if len(raw) != announced:
        raise GossipDecodeError("snappy output length differs from its preamble")
    return raw


def decode_execution_proof(data: bytes) -> SignedExecutionProofEnvelope:
    """Decode a gossip payload with the size checks described in the module docstring."""
    raw = _decompress(data)
    try:
        return SignedExecutionProofEnvelope.decode_bytes(raw)
    except (DeserializationError, ValueError, TypeError) as exc:
        raise GossipDecodeError(f"invalid SSZ: {exc}") from None


def encode_execution_proof(signed: SignedExecutionProofEnvelope) -> bytes:
    """ssz_snappy-encode an envelope for publishing (raises ValueError if it is oversized)."""
    raw = signed.encode_bytes()
    if len(raw) > MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE:
        raise ValueError(f"{len(raw)} bytes exceed {MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE}")
    return bytes(cramjam.snappy.compress_raw(raw))


def compute_message_id(topic: str, data: bytes) -> bytes:
    """Altair+ gossip message-id (20 bytes) of a raw payload on ``topic``."""
    topic_bytes = topic.encode()
    prefix = len(topic_bytes).to_bytes(8, "little") + topic_bytes
    try:
        raw = _decompress(data)
    except GossipDecodeError:
        return hashlib.sha256(MESSAGE_DOMAIN_INVALID_SNAPPY + prefix + data).digest()[:20]
    return hashlib.sha256(MESSAGE_DOMAIN_VALID_SNAPPY + prefix + raw).digest()[:20]
